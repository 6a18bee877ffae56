"""A topic or a forward decision is public: neither can point at a draft meeting's agenda, which is not."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from meetings.topic_services import change_topic_status, propose_topic
from meetings.topics import ForwardDecision, Topic
from tests.factories import make_item, make_meeting

pytestmark = pytest.mark.django_db


def test_a_topic_cannot_be_scheduled_onto_a_draft_and_nobody_is_told(partnership, member, chair, ladder, mailoutbox):
    topic = propose_topic(
        partnership,
        member,
        title="Waiting times",
        about="How long.",
        why_it_matters="People give up.",
        wanted_rung=ladder["Involving"],
    )
    draft_item = make_item(make_meeting(partnership, title="Secret budget meeting", draft=True))
    with pytest.raises(ValidationError) as error:
        change_topic_status(topic, Topic.Status.SCHEDULED, "", chair, agenda_item=draft_item)
    assert "publish the meeting first" in error.value.message_dict["agenda_item"][0]
    topic.refresh_from_db()
    assert topic.status == Topic.Status.NEW and topic.agenda_item is None
    assert not any("Secret budget meeting" in message.body for message in mailoutbox)
    published_item = make_item(make_meeting(partnership, title="June meeting"))
    change_topic_status(topic, Topic.Status.SCHEDULED, "", chair, agenda_item=published_item)
    topic.refresh_from_db()
    assert topic.agenda_item == published_item


def test_a_forward_decision_cannot_link_a_draft_meetings_item(partnership):
    decision = ForwardDecision(
        partnership=partnership,
        title="Day centres",
        decision_maker="LCP Strategic Board",
        expected_date=datetime.date(2030, 1, 1),
        what_is_decided="Which day centres stay open.",
        agenda_item=make_item(make_meeting(partnership, draft=True)),
    )
    with pytest.raises(ValidationError) as error:
        decision.full_clean()
    assert "draft" in error.value.message_dict["agenda_item"][0]
