"""Views on agenda items: sent by members, recorded by staff, read by the chair, staff and the sender only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import Participant, Theme
from engagement.roles import MEMBER
from meetings.models import Feedback, Response
from meetings.selectors import feedback_visible_to
from tests.conftest import ROLES
from tests.factories import attend, make_item, make_meeting, make_participant, make_user, page_text

MEMBERS_ONLY = list(zip(ROLES, [302, 200, 200, 403, 403, 403], strict=True))
OFFICE_ONLY = list(zip(ROLES, [302, 403, 403, 200, 200, 403], strict=True))
ANY_ROLE = list(zip(ROLES, [302, 200, 200, 200, 200, 200], strict=True))


@pytest.fixture
def item(held_meeting):
    return held_meeting.agenda_items.get()


@pytest.fixture
def views(item, member, other_member):
    """One view each from two members, and one staff recorded from a phone call."""
    return {
        "mine": Feedback.objects.create(agenda_item=item, participant=member.participant, text="Mina's own view"),
        "other": Feedback.objects.create(agenda_item=item, participant=other_member.participant, text="Otto's view"),
        "phone": Feedback.objects.create(agenda_item=item, channel=Feedback.Channel.PHONE, text="A caller's view"),
    }


@pytest.mark.parametrize("role, expected", MEMBERS_ONLY)
def test_send_views_permission_matrix(client_for, item, role, expected):
    assert client_for(role).get(reverse("send_views", args=[item.pk])).status_code == expected


@pytest.mark.parametrize("role, expected", OFFICE_ONLY)
def test_record_views_permission_matrix(client_for, item, role, expected):
    assert client_for(role).get(reverse("record_views", args=[item.pk])).status_code == expected


@pytest.mark.parametrize("role, expected", ANY_ROLE)
def test_my_views_permission_matrix(client_for, role, expected):
    assert client_for(role).get(reverse("my_views")).status_code == expected


def test_member_sends_views_after_the_meeting(client, member, item):
    client.force_login(member)
    response = client.post(reverse("send_views", args=[item.pk]), {"text": "  Make it step-free.  "})
    assert response.status_code == 302 and response.url.endswith(f"#item-{item.pk}")
    view = Feedback.objects.get()
    assert (view.participant, view.channel, view.text) == (member.participant, "portal", "Make it step-free.")


def test_member_sends_views_before_the_meeting(client, member, meeting):
    upcoming_item = make_item(meeting)
    client.force_login(member)
    client.post(reverse("send_views", args=[upcoming_item.pk]), {"text": "I cannot come, but..."})
    assert Feedback.objects.filter(agenda_item=upcoming_item, participant=member.participant).exists()


def test_sending_the_same_views_twice_keeps_one(client, member, item):
    client.force_login(member)
    for _ in range(2):
        client.post(reverse("send_views", args=[item.pk]), {"text": "Same words"})
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    "text, message",
    [("", "This field is required"), ("   ", "This field is required"), ("x" * 5001, "at most 5000 characters")],
)
def test_empty_or_over_long_views_are_refused_beside_the_field(client, member, item, text, message):
    client.force_login(member)
    response = client.post(reverse("send_views", args=[item.pk]), {"text": text})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["text"])
    assert not Feedback.objects.exists()


def test_views_on_a_break_are_refused(client, member, held_meeting):
    a_break = make_item(held_meeting, title="Break", is_business=False)
    client.force_login(member)
    client.post(reverse("send_views", args=[a_break.pk]), {"text": "Nice biscuits"})
    assert not Feedback.objects.exists()


def test_a_member_sees_their_own_views_on_the_agenda_but_not_another_members(client, member, views, held_meeting):
    client.force_login(member)
    body = page_text(client.get(held_meeting.get_absolute_url()))
    assert "Mina's own view" in body
    assert "Otto's view" not in body and "A caller's view" not in body


def test_member_b_cannot_see_member_as_views_anywhere(client, other_member, views, item, held_meeting):
    client.force_login(other_member)
    for url in [held_meeting.get_absolute_url(), reverse("my_views"), reverse("send_views", args=[item.pk])]:
        body = page_text(client.get(url))
        assert "Mina's own view" not in body, url
        assert "A caller's view" not in body, url
    assert "Otto's view" in page_text(client.get(reverse("my_views")))


@pytest.mark.parametrize("role", ["anonymous", "finance"])
def test_views_are_never_public_or_shown_to_finance(client_for, role, views, held_meeting):
    body = page_text(client_for(role).get(held_meeting.get_absolute_url()))
    assert "Mina's own view" not in body and "Otto's view" not in body and "A caller's view" not in body


@pytest.mark.parametrize("role", ["staff", "chair"])
def test_staff_and_chair_read_every_view_with_sender_and_channel(client_for, role, views, held_meeting):
    body = page_text(client_for(role).get(held_meeting.get_absolute_url()))
    assert "Mina's own view" in body and "Otto's view" in body and "A caller's view" in body
    assert "Views received (3)" in body and "Not named · Phone" in body


def test_feedback_visible_to_is_the_one_rule(member, staff_user, finance, views):
    assert set(feedback_visible_to(member)) == {views["mine"]}
    assert set(feedback_visible_to(staff_user)) == set(views.values())
    assert not feedback_visible_to(finance).exists()


def test_staff_record_views_received_by_phone_with_themes(client, staff_user, item):
    sender = make_participant(name="Pam Phone")
    attend(item.meeting, sender)  # one of the partnership's people: staff pick only those
    theme = Theme.objects.create(name="Accessibility")
    client.force_login(staff_user)
    response = client.post(
        reverse("record_views", args=[item.pk]),
        {"participant": sender.pk, "channel": "phone", "text": "Please add a hearing loop.", "themes": [theme.pk]},
    )
    assert response.status_code == 302
    view = Feedback.objects.get()
    assert (view.participant, view.channel, view.recorded_by) == (sender, "phone", staff_user)
    assert list(view.themes.all()) == [theme]


def test_staff_may_record_views_from_someone_who_gave_no_name(client, staff_user, item):
    client.force_login(staff_user)
    client.post(reverse("record_views", args=[item.pk]), {"channel": "paper", "text": "Anonymous letter"})
    assert Feedback.objects.get().participant is None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"channel": "email", "text": ""}, "text"),
        ({"channel": "email", "text": "   "}, "text"),
        ({"channel": "portal", "text": "Staff cannot pretend it came through the website"}, "channel"),
        ({"channel": "pigeon", "text": "Coo"}, "channel"),
        ({"channel": "email", "text": "x" * 5001}, "text"),
    ],
)
def test_bad_recorded_views_are_refused_beside_the_field(client, staff_user, item, data, field):
    client.force_login(staff_user)
    response = client.post(reverse("record_views", args=[item.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_my_views_shows_what_i_sent_and_what_was_done(client, member, views, item):
    Response.objects.create(
        agenda_item=item,
        what_we_did="We added a hearing loop.",
        decided_by="The Board",
        decided_on=datetime.date(2024, 1, 10),
        changed=Response.Changed.SERVICE,
    )
    client.force_login(member)
    body = page_text(client.get(reverse("my_views")))
    assert "Mina's own view" in body and "We added a hearing loop." in body
    assert "Otto's view" not in body


def test_my_views_says_so_when_empty(client, staff_user):
    client.force_login(staff_user)
    assert "You have not sent any views yet" in page_text(client.get(reverse("my_views")))


@pytest.mark.parametrize("count", [5, 50])
def test_my_views_queries_do_not_grow(client, member, partnership, count, django_assert_max_num_queries):
    for index in range(count):
        meeting = make_meeting(partnership, start=timezone.now() - datetime.timedelta(days=index + 1))
        Feedback.objects.create(agenda_item=make_item(meeting), participant=member.participant, text=f"View {index}")
    client.force_login(member)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("my_views")).status_code == 200


def test_unknown_item_is_404(client, member):
    client.force_login(member)
    assert client.get(reverse("send_views", args=[999999])).status_code == 404


def test_participant_is_created_for_a_member_sending_views_for_the_first_time(client, item):
    user = make_user("fresh", MEMBER, partnership=item.meeting.partnership)
    client.force_login(user)
    client.post(reverse("send_views", args=[item.pk]), {"text": "Hello"})
    assert Feedback.objects.get().participant == Participant.objects.get(user=user)
