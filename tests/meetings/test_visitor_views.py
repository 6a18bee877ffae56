"""Visitors' views on an agenda item, without an account: confirmed by email, then counted as a member's."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.test import TestCase
from django.urls import reverse

from engagement.models import Participant
from meetings import selectors, visitor_views
from meetings.models import AgendaItem, Feedback
from meetings.year_review.reading import read_year

pytestmark = pytest.mark.django_db

SEND = {"name": "Val Visitor", "email": "val@example.org", "text": "More benches, please.", "consent": "on"}


@pytest.fixture
def item(held_meeting):
    item = held_meeting.agenda_items.get()
    item.feedback_status = AgendaItem.FeedbackStatus.NEED_FEEDBACK
    item.save(update_fields=["feedback_status"])
    return item


def send(client, item, headers=None, **changes):
    # The confirmation is sent from the outbox once the request's transaction commits: run that here.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("visitor_views", args=[item.pk]), {**SEND, **changes}, **(headers or {}))


def link_in(mail):
    return re.search(r"https?://\S+", mail.body).group(0).removeprefix(settings.SITE_URL)


def test_the_agenda_links_visitors_to_the_form_which_is_labelled(client, item):
    agenda = client.get(item.meeting.get_absolute_url()).content.decode()
    assert reverse("visitor_views", args=[item.pk]) in agenda
    form = client.get(reverse("visitor_views", args=[item.pk])).content.decode()
    for label in ("Your name", "Your email address", "Your views", "I agree", "Leave this empty"):
        assert label in form
    assert 'class="form-extra-field"' in form and 'tabindex="-1"' in form and 'autocomplete="off"' in form


def test_a_visitors_views_wait_unseen_until_confirmed(client, item, staff_user, mailoutbox):
    response = send(client, item)
    assert response.status_code == 302
    pending = Feedback.with_pending.get()
    assert pending.channel == Feedback.Channel.VISITOR and pending.confirmed_at is None
    # Nowhere: lists, counts, the agenda's views for staff, you-said-we-did, the year review.
    assert not Feedback.objects.exists() and not item.feedback.exists()
    assert selectors.waiting_for_feedback(item.meeting.partnership).get().views_count == 0
    client.force_login(staff_user)
    assert "More benches" not in client.get(item.meeting.get_absolute_url()).content.decode()
    year = item.meeting.partnership.financial_year_of(item.meeting.start.date())
    assert "More benches" not in repr(read_year(item.meeting.partnership, year))
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["val@example.org"]


def test_confirmed_views_enter_the_loop_like_a_members(client, item, staff_user, mailoutbox):
    send(client, item)
    with mock.patch("meetings.services.send_views", wraps=visitor_views.services.send_views) as members_path:
        page = client.get(link_in(mailoutbox[0]))
    assert page.status_code == 200 and b"views are confirmed" in page.content
    members_path.assert_called_once()
    feedback = Feedback.objects.get()
    assert feedback.channel == Feedback.Channel.VISITOR and feedback.confirmed_at is not None
    assert feedback.participant == Participant.objects.get(email="val@example.org")
    assert feedback.get_channel_display() == "Website (visitor)"
    assert selectors.waiting_for_feedback(item.meeting.partnership).get().views_count == 1
    client.force_login(staff_user)
    assert "More benches" in client.get(item.meeting.get_absolute_url()).content.decode()
    # The link again: a clear page, and still one view.
    client.logout()
    assert client.get(link_in(mailoutbox[0])).status_code == 400
    assert Feedback.with_pending.count() == 1


def test_a_broken_or_expired_link_is_a_clear_400(client, item, mailoutbox):
    assert client.get(reverse("visitor_views_confirm", args=["nonsense"])).status_code == 400
    send(client, item)
    token = link_in(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    with mock.patch("django.core.signing.time.time", return_value=signing.time.time() + 4 * 86400):
        response = client.get(reverse("visitor_views_confirm", args=[token]))
    assert response.status_code == 400 and b"has expired" in response.content
    assert not Feedback.objects.exists()


def test_consent_name_and_email_are_needed_and_bad_input_changes_nothing(client, item, mailoutbox):
    for changes in ({"consent": ""}, {"email": "nope"}, {"name": "  "}, {"text": "x\x00"}, {"text": "y" * 6000}):
        response = send(client, item, **changes)
        assert response.status_code == 200, changes
    assert "Tick the box" in send(client, item, consent="").content.decode()
    assert not Feedback.with_pending.exists() and not mailoutbox


def test_the_honeypot_keeps_nothing_and_says_the_same(client, item, mailoutbox):
    response = send(client, item, leave_empty="http://spam.example")
    assert response.status_code == 302
    assert not Feedback.with_pending.exists() and not mailoutbox


def test_sending_the_same_views_twice_keeps_one(client, item):
    send(client, item)
    send(client, item)
    assert Feedback.with_pending.count() == 1


def test_an_email_is_limited_to_three_an_hour(client, item):
    for n in range(3):
        assert send(client, item, text=f"View {n}").status_code == 302
    response = send(client, item, text="One more")
    assert response.status_code == 429 and "try again in an hour" in response.content.decode()
    assert Feedback.with_pending.count() == 3


def test_an_address_is_limited_to_five_an_hour(client, item):
    for n in range(5):
        assert send(client, item, email=f"v{n}@example.org").status_code == 302
    assert send(client, item, email="v9@example.org").status_code == 429
    # Another address is not held back.
    assert send(client, item, email="v10@example.org", headers={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_behind_a_proxy_the_limit_is_per_client_not_per_proxy(client, item, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        send(client, item, email=f"v{n}@example.org", headers={"HTTP_X_FORWARDED_FOR": "203.0.113.1"})
    assert send(client, item, email="a@example.org", headers={"HTTP_X_FORWARDED_FOR": "203.0.113.1"}).status_code == 429
    assert send(client, item, email="b@example.org", headers={"HTTP_X_FORWARDED_FOR": "203.0.113.2"}).status_code == 302


def test_only_items_of_business_take_views(client, held_meeting):
    from tests.factories import make_item

    tea = make_item(held_meeting, title="Tea", is_business=False)
    assert client.get(reverse("visitor_views", args=[tea.pk])).status_code == 404
    assert client.get(reverse("visitor_views", args=[99999])).status_code == 404


def test_the_form_page_has_a_flat_query_count(client, item, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(reverse("visitor_views", args=[item.pk])).status_code == 200


def test_staff_cannot_record_views_as_a_visitors(client, item, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("record_views", args=[item.pk])).content.decode()
    assert 'value="visitor"' not in page


def test_the_back_office_shows_whom_a_confirmed_visitors_views_are_from(client, item, chair, mailoutbox):
    send(client, item)
    client.get(link_in(mailoutbox[0]))
    feedback = Feedback.objects.get()
    client.force_login(chair)
    page = client.get(reverse("admin:meetings_feedback_change", args=[feedback.pk])).content.decode()
    assert "val@example.org" in page and "Val Visitor" in page
    changelist = client.get(reverse("admin:meetings_feedback_changelist"))
    assert [row.pk for row in changelist.context["cl"].queryset] == [feedback.pk]


def test_the_back_office_lists_no_unconfirmed_views(client, item, chair):
    send(client, item)
    client.force_login(chair)
    changelist = client.get(reverse("admin:meetings_feedback_changelist"))
    assert not changelist.context["cl"].queryset.exists()
