"""The region's topics, forward plans and outbox, for the scale benchmark (``bench/region.py`` calls ``build``).

Each new partnership gets ten topics people proposed (new, being considered,
scheduled onto one of its agenda items, or declined with the reason), five
"me too"s on each from member logins, five forward plan decisions (three
coming up, two made), and the outbox holds one sent "registration confirmed"
message for 100,000 of the region's attendances, spread over the six years.
Written with ``bulk_create``; sizes scale with ``scale`` but the topics and
decisions, which are per partnership.
"""

import datetime

from django.db import connection

from engagement.notifications.kinds import REGISTERED
from engagement.notifications.models import Notification
from meetings.topics import ForwardDecision, Topic, TopicSupport

BATCH = 2000
TOPICS_PER_PARTNERSHIP = 10
SUPPORTS_PER_TOPIC = 5
DECISIONS_PER_PARTNERSHIP = 5
NOTIFICATIONS = 100_000
TOPIC_TITLES = [
    "Parking at the community centre",
    "Waiting times for children's mental health services",
    "Paying unpaid carers to take part",
    "Meetings in the evening",
    "Translated papers",
]


def _topics(partnerships, members, business, ladder, now):
    items = {}
    for item, partnership_id in business:
        items.setdefault(partnership_id, item)
    topics = []
    for j, partnership in enumerate(partnerships):
        for t in range(TOPICS_PER_PARTNERSHIP):
            status = [Topic.Status.NEW, Topic.Status.CONSIDERING, Topic.Status.NEW, Topic.Status.DECLINED][t % 4]
            item = items.get(partnership.pk) if t == 9 else None
            topics.append(
                Topic(
                    partnership=partnership,
                    title=TOPIC_TITLES[(j + t) % len(TOPIC_TITLES)],
                    about="People told us about it at the last meeting.",
                    why_it_matters="It keeps people from taking part.",
                    wanted_rung=ladder[t % len(ladder)],
                    proposed_by=members[(j * TOPICS_PER_PARTNERSHIP + t) % len(members)] if members else None,
                    status=Topic.Status.SCHEDULED if item else status,
                    status_words="Another partnership is looking at it." if status == Topic.Status.DECLINED else "",
                    agenda_item_id=item,
                    created_at=now - datetime.timedelta(days=7 * t + j % 7),
                )
            )
    topics = Topic.objects.bulk_create(topics, batch_size=BATCH)
    supports = []
    if len(members) >= SUPPORTS_PER_TOPIC:
        for n, topic in enumerate(topics):
            supports += [
                TopicSupport(topic=topic, user=members[(n * 7 + k) % len(members)]) for k in range(SUPPORTS_PER_TOPIC)
            ]
    TopicSupport.objects.bulk_create(supports, batch_size=BATCH)
    return len(topics), len(supports)


def _decisions(partnerships, today):
    decisions = []
    for j, partnership in enumerate(partnerships):
        for d in range(DECISIONS_PER_PARTNERSHIP):
            made = d >= 3
            decisions.append(
                ForwardDecision(
                    partnership=partnership,
                    title=f"Commissioning plan {today.year + d - 3}",
                    decision_maker="Integrated care board",
                    expected_date=today + datetime.timedelta(days=60 * (d - 2) + j % 30),
                    what_is_decided="Which services are bought for the next three years.",
                    status=ForwardDecision.Status.MADE if made else ForwardDecision.Status.UPCOMING,
                    made_on=today - datetime.timedelta(days=30 * d) if made else None,
                )
            )
    return len(ForwardDecision.objects.bulk_create(decisions, batch_size=BATCH))


def _outbox(attendances, meetings, count):
    by_pk = {meeting.pk: meeting for meeting in meetings}
    stride = max(len(attendances) // max(count, 1), 1)
    messages = [
        Notification(
            key=f"registered:attendance-{attendance.pk}:person-{attendance.participant_id}@region.example.org",
            kind=REGISTERED,
            partnership_id=by_pk[attendance.meeting_id].partnership_id,
            email=f"person-{attendance.participant_id}@region.example.org",
            subject=f"You are registered: {by_pk[attendance.meeting_id].title}",
            body_text="Thank you for registering. The meeting's details and a calendar file are attached.",
            status=Notification.Status.SENT,
            attempts=1,
            sent_at=by_pk[attendance.meeting_id].start - datetime.timedelta(days=7),
        )
        for attendance in attendances[::stride][:count]
    ]
    messages = Notification.objects.bulk_create(messages, batch_size=BATCH)
    if messages:  # created_at is auto_now_add: move each to when it was sent
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Notification._meta.db_table} SET created_at = sent_at WHERE id >= %s",  # noqa: S608
                [messages[0].pk],
            )
    return len(messages)


def build(partnerships, members, business, ladder, attendances, meetings, scale, now):
    """Topics with supporters, forward plans and the outbox; returns a line to log."""
    by_pk = {meeting.pk: meeting for meeting in meetings}
    items = [(item.pk, by_pk[item.meeting_id].partnership_id) for item in business]
    topics, supports = _topics(partnerships, members, items, ladder, now)
    decisions = _decisions(partnerships, now.date())
    messages = _outbox(attendances, meetings, max(int(NOTIFICATIONS * scale), 1))
    return f"  {topics:,} topics, {supports:,} supports, {decisions:,} forward decisions, {messages:,} sent messages"
