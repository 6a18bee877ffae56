"""Told when it happens: an agenda published by the chair, and a change to a topic someone proposed or supported."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from engagement.notifications.models import Notification
from engagement.notifications.services import set_preference
from engagement.roles import MEMBER
from meetings import services
from meetings.models import Paper
from meetings.notifications import topic_changed
from meetings.topic_services import change_topic_status, propose_topic, support_topic
from meetings.topics import Topic
from tests.factories import make_item, make_meeting, make_user

from .conftest import html_of, to_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(partnership):
    meeting = make_meeting(
        partnership, start=timezone.now() + datetime.timedelta(days=10), title="Winter forum", draft=True
    )
    make_item(meeting, title="Warm spaces")
    return meeting


# Agenda published


def test_publishing_tells_each_member_who_wants_it_once(
    partnership, chair, member, other_member, elsewhere_users, draft, mailoutbox, committed
):
    set_preference("agenda_published", False, user_id=other_member.pk)
    with committed():
        services.publish_meeting(draft, by=chair)
    (message,) = to_one(mailoutbox, "member@example.org")
    assert message.subject.startswith("Agenda published: Winter forum")
    assert "Warm spaces" in message.body and "Warm spaces" in html_of(message)
    assert to_one(mailoutbox, "member2@example.org") == []  # switched off
    assert Notification.objects.get(kind="agenda_published", recipient=other_member).status == "skipped"
    assert not any("elsewhere" in message.to[0] for message in mailoutbox)
    sent = len(mailoutbox)
    with committed():
        services.publish_meeting(draft, by=chair)
    with committed():  # published, then made draft and published again: still told once
        draft.refresh_from_db()
        draft.published_at = None
        draft.save()
        services.publish_meeting(draft, by=chair)
    assert len(mailoutbox) == sent
    assert len(to_one(mailoutbox, "member@example.org")) == 1


def test_publishing_in_the_back_office_tells_the_members(client, chair, member, draft, mailoutbox, committed):
    client.force_login(chair)
    with committed():
        client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
        )
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert len(to_one(mailoutbox, "member@example.org")) == 1


def test_a_draft_tells_no_one_of_its_agenda_or_a_paper(member, draft, mailoutbox, committed):
    with committed():
        Paper.objects.create(meeting=draft, title="Draft paper", url="https://example.org/draft")
        draft.title = "Winter forum (renamed)"
        draft.save()
    assert mailoutbox == [] and not Notification.objects.exists()


@override_settings(DEBUG=True)  # load_demo refuses to run with DEBUG off
def test_loading_the_demo_tells_no_one(mailoutbox, committed):
    with committed():
        call_command("load_demo", stdout=io.StringIO())
    assert Topic.objects.exclude(status=Topic.Status.NEW).exists()  # the demo changes topics' statuses
    # Nor are the demo's claims, decided through the reimbursement services (tests/notifications/test_muted.py).
    assert not Notification.objects.exists()
    assert mailoutbox == []


# Topics


@pytest.fixture
def topic(partnership, member, other_member, ladder):
    topic = propose_topic(
        partnership,
        member,
        title="Waiting times",
        about="How long people wait.",
        why_it_matters="People give up.",
        wanted_rung=ladder["Involving"],
    )
    support_topic(topic, other_member)
    make_user("bystander", MEMBER, partnership=partnership)
    return topic


def test_scheduling_tells_the_proposer_and_supporters_and_no_one_else(
    partnership, chair, member, other_member, topic, mailoutbox, committed
):
    meeting = make_meeting(partnership, title="June forum")
    item = make_item(meeting, title="Waiting times for appointments")
    with committed():
        change_topic_status(topic, Topic.Status.SCHEDULED, "On the June agenda.", chair, agenda_item=item)
    assert sorted(message.to[0] for message in mailoutbox) == ["member2@example.org", "member@example.org"]
    (message,) = to_one(mailoutbox, "member2@example.org")
    assert message.subject == "Waiting times: Scheduled for a meeting"
    url = f"https://portal.example.org/p/{partnership.slug}/topics/{topic.pk}/"
    for text in (message.body, html_of(message)):
        assert "Scheduled for a meeting" in text and "On the June agenda." in text
        assert url in text and "June forum" in text and "Waiting times for appointments" in text
        assert "Mina" not in text and "member@example.org" not in text  # nothing of the proposer
    proposer = to_one(mailoutbox, "member@example.org")[0]
    assert "Otto" not in proposer.body and "member2@example.org" not in proposer.body


def test_a_change_is_told_once_and_each_change_is_told(chair, topic, mailoutbox, committed):
    with committed():
        change = change_topic_status(topic, Topic.Status.CONSIDERING, "The chair is asking the lead.", chair)
        assert change_topic_status(topic, Topic.Status.CONSIDERING, "The chair is asking the lead.", chair) is None
    assert len(mailoutbox) == 2
    with committed():
        topic_changed(topic.pk, change.pk)  # the same change again (a retried task)
    assert len(mailoutbox) == 2
    with committed():
        change_topic_status(topic, Topic.Status.DECLINED, "Decided by the hospital trust, not here.", chair)
    assert len(mailoutbox) == 4
    assert "Decided by the hospital trust, not here." in mailoutbox[-1].body


def test_a_supporter_who_switched_it_off_is_skipped(chair, other_member, topic, mailoutbox, committed):
    set_preference("topic_changed", False, user_id=other_member.pk)
    with committed():
        change_topic_status(topic, Topic.Status.ANSWERED, "Answered at the December item.", chair)
    assert [message.to for message in mailoutbox] == [["member@example.org"]]
    assert Notification.objects.get(kind="topic_changed", recipient=other_member).status == "skipped"
    assert mailoutbox[0].extra_headers["List-Unsubscribe"].startswith("<https://portal.example.org/my/notifications/")


def test_the_preferences_page_offers_the_topic_kind_and_it_can_be_switched_off(client, member):
    from engagement.notifications.services import wants

    client.force_login(member)
    assert "Topics you proposed or supported" in client.get("/my/notifications/").content.decode()
    client.post("/my/notifications/", {"kind": ["registered", "meeting_changed", "reminder", "agenda_published"]})
    assert not wants("topic_changed", user_id=member.pk, email="")
