"""Views enter the loop (issue 16): an item with views awaits a response; My views says where each stands."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import Participant, Theme
from meetings import selectors, services
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Response
from meetings.year_review import build_year_review
from tests.factories import aware, make_item, make_meeting, page_text

pytestmark = pytest.mark.django_db


def test_views_through_the_portal_put_an_item_into_awaiting_response(client, member, partnership):
    meeting = make_meeting(partnership)
    item = make_item(meeting)
    assert item.feedback_status == AgendaItem.FeedbackStatus.NONE
    client.force_login(member)
    client.post(reverse("send_views", args=[item.pk]), {"text": "We need a ramp."})
    client.post(reverse("send_views", args=[item.pk]), {"text": "We need a ramp."})
    item.refresh_from_db()
    assert item.feedback_status == AgendaItem.FeedbackStatus.AWAITING_RESPONSE
    assert Feedback.objects.count() == 1
    assert item in selectors.waiting_for_feedback(partnership)


def test_views_recorded_by_staff_enter_the_loop_and_count_days_from_when_they_came(staff_user, partnership):
    meeting = make_meeting(partnership, start=timezone.now() - datetime.timedelta(days=40))
    item = make_item(meeting, feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)
    services.send_views(item, None, "By phone", channel=Feedback.Channel.PHONE, recorded_by=staff_user)
    item.refresh_from_db()
    assert item.feedback_status == AgendaItem.FeedbackStatus.AWAITING_RESPONSE
    # It asked for feedback: people have waited since the meeting.
    assert item.feedback_requested_on is None

    quiet = make_item(meeting)
    services.send_views(quiet, None, "Late letter", channel=Feedback.Channel.PAPER, recorded_by=staff_user)
    quiet.refresh_from_db()
    assert quiet.feedback_status == AgendaItem.FeedbackStatus.AWAITING_RESPONSE
    assert quiet.feedback_requested_on == timezone.localdate()


def test_views_added_in_the_back_office_enter_the_loop(client, staff_user, partnership):
    item = make_item(make_meeting(partnership))
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:meetings_feedback_add"),
        {
            "agenda_item": item.pk,
            "channel": "email",
            "text": "By email",
            "created_at_0": "2026-01-05",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.feedback_status == AgendaItem.FeedbackStatus.AWAITING_RESPONSE


def test_a_responded_item_stays_responded(member, partnership):
    item = make_item(make_meeting(partnership), feedback_status=AgendaItem.FeedbackStatus.RESPONDED)
    services.send_views(item, Participant.objects.get(user=member), "More")
    item.refresh_from_db()
    assert item.feedback_status == AgendaItem.FeedbackStatus.RESPONDED


def test_my_views_says_where_each_stands_in_words(client, member, staff_user, partnership):
    me = Participant.objects.get(user=member)
    meeting = make_meeting(partnership, start=timezone.now() - datetime.timedelta(days=12))
    # Asked for feedback at the meeting, 12 days ago: people have waited since.
    waiting = make_item(meeting, title="Waiting item", feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)
    answered = make_item(meeting, title="Answered item")
    services.send_views(waiting, me, "Still waiting")
    services.send_views(answered, me, "Heard back")
    services.record_response(
        answered,
        Response(
            what_we_did="We moved the meeting to a step-free room.",
            decided_by="The Board",
            decided_on=datetime.date(2024, 5, 3),
            changed=Response.Changed.SERVICE,
        ),
        recorded_by=staff_user,
    )
    client.force_login(member)
    body = " ".join(page_text(client.get(reverse("my_views"))).split())
    assert "Waiting for an answer, 12 days" in body
    assert "Answered on 3 May 2024: We moved the meeting to a step-free room." in body
    assert "Decided by The Board" in body


def test_the_agenda_shows_what_was_done_by_whom_and_when(client, partnership):
    meeting = make_meeting(partnership, start=aware(2024, 4, 23), status=Meeting.Status.HELD)
    item = make_item(meeting, title="Access")
    services.record_response(
        item,
        Response(
            what_we_did="A hearing loop in every room.",
            decided_by="Estates committee",
            decided_on=datetime.date(2024, 6, 1),
            changed=Response.Changed.SERVICE,
        ),
    )
    body = " ".join(page_text(client.get(meeting.get_absolute_url())).split())
    assert "A hearing loop in every room." in body
    assert "Decided by Estates committee on 1 June 2024" in body


@pytest.mark.parametrize("views", [2, 20])
def test_my_views_queries_do_not_grow(client, member, partnership, views, django_assert_max_num_queries):
    me = Participant.objects.get(user=member)
    meeting = make_meeting(partnership)
    for n in range(views):
        services.send_views(make_item(meeting), me, f"View {n}")
    client.force_login(member)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("my_views")).status_code == 200


def test_year_review_themes_count_the_views_on_items_that_carry_them(partnership):
    access, money = Theme.objects.create(name="Access"), Theme.objects.create(name="Money")
    meeting = make_meeting(partnership, start=aware(2023, 6, 1), status=Meeting.Status.HELD)
    first, second = make_item(meeting), make_item(meeting)
    first.themes.set([access])
    second.themes.set([access, money])
    for text in ("a", "b", "c"):
        Feedback.objects.create(agenda_item=first, text=text)
    Feedback.objects.create(agenda_item=second, text="d").themes.set([access])  # counted once for Access
    themes = {row.name: (row.items, row.views) for row in build_year_review(partnership, 2023).themes}
    assert themes == {"Access": (2, 4), "Money": (1, 1)}


def test_joining_link_only_for_registered_people_unless_public(client, member, other_member, partnership):
    meeting = make_meeting(partnership, format=Meeting.Format.ONLINE, online_link="https://meet.example.org/secret")
    url = meeting.get_absolute_url()
    assert "meet.example.org/secret" not in client.get(url).content.decode()
    assert "meet.example.org/secret" not in client.get(reverse("meeting_ics", args=[meeting.pk])).content.decode()
    assert "meet.example.org/secret" not in client.get(reverse("meeting_calendar")).content.decode()
    Attendance.objects.create(meeting=meeting, participant=Participant.objects.get(user=member))
    client.force_login(other_member)
    assert "meet.example.org/secret" not in client.get(url).content.decode()
    client.force_login(member)
    assert "meet.example.org/secret" in client.get(url).content.decode()
    meeting.online_link_public = True
    meeting.save()
    client.logout()
    assert "meet.example.org/secret" in client.get(url).content.decode()
    assert "meet.example.org/secret" in client.get(reverse("meeting_ics", args=[meeting.pk])).content.decode()
