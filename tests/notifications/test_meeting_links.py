"""Who gets a meeting's joining link, and what a meeting's calendar attachment is."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Attendance, Meeting
from meetings.notifications import agenda_published, meeting_context
from tests.factories import make_item, make_meeting

from .conftest import to_one

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/private-room"


@pytest.fixture
def online(partnership):
    meeting = make_meeting(
        partnership,
        start=timezone.now() + datetime.timedelta(days=10),
        title="Online forum",
        format=Meeting.Format.ONLINE,
        online_link=LINK,
    )
    make_item(meeting, title="Warm spaces")
    return meeting


def register(meeting, participant):
    services.register(meeting, participant, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)


def test_the_agenda_email_to_members_carries_the_link_only_when_the_chair_made_it_public(
    member, online, mailoutbox, committed
):
    with committed():
        agenda_published(online)
    (message,) = to_one(mailoutbox, "member@example.org")
    assert LINK not in message.body and LINK not in message.alternatives[0][0]
    online.online_link_public = True
    online.save(update_fields=["online_link_public"])
    assert meeting_context(online)["online_link"] == LINK  # made public: in every message


def test_the_registration_attachment_is_that_one_meeting_with_the_link_for_the_person_registered(
    member, online, mailoutbox, committed
):
    with committed():
        register(online, member.participant)
    (message,) = to_one(mailoutbox, "mina@example.org")
    assert LINK in message.body
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    assert "REFRESH-INTERVAL" not in calendar and str(calendar["UID"]).startswith(f"calendar-meeting-{online.pk}@")
    (event,) = calendar.walk("VEVENT")
    assert LINK in event.to_ical().decode().replace("\r\n ", "")


def test_a_meeting_moved_and_moved_back_is_news_each_time(member, online, mailoutbox, committed):
    with committed():
        register(online, member.participant)
    mailoutbox.clear()
    for hours in (4, -4, 4):
        online.start += datetime.timedelta(hours=hours)
        online.end += datetime.timedelta(hours=hours)
        with committed():
            online.save()
    assert [message.subject.split(":")[0] for message in to_one(mailoutbox, "mina@example.org")] == ["Changed"] * 3


def test_cancelling_a_draft_tells_no_one(partnership, member, mailoutbox, committed):
    draft = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=5), title="Draft", draft=True)
    Attendance.objects.create(meeting=draft, participant=member.participant, status=Attendance.Status.REGISTERED)
    draft.status = Meeting.Status.CANCELLED
    with committed():
        draft.save()
    assert mailoutbox == []
