"""Meetings, agenda items, papers and attendance: rules held by the database and by clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import AgendaItem, Attendance, Meeting, Paper
from tests.factories import attend, aware, make_item, make_meeting, make_participant


def test_meeting_ending_before_it_starts_is_refused_by_the_database(partnership):
    start = aware(2024, 4, 23, 10, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(partnership=partnership, title="Backwards", start=start, end=start)


@pytest.mark.parametrize("hours", [0, -1])
def test_meeting_ending_before_it_starts_is_refused_by_clean(partnership, hours):
    start = aware(2024, 4, 23, 10, 0)
    meeting = Meeting(
        partnership=partnership, title="Backwards", start=start, end=start + datetime.timedelta(hours=hours)
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["end"] == ["The meeting must end after it starts."]


def test_one_attendance_per_person_per_meeting(meeting):
    person = make_participant()
    attend(meeting, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        attend(meeting, person, status=Attendance.Status.APOLOGIES)


def test_system_staff_attendance_counts_as_staff_and_is_not_counted(meeting):
    attend(meeting, make_participant())
    staff = attend(meeting, make_participant(is_system_staff=True))
    attend(meeting, make_participant(), status=Attendance.Status.APOLOGIES)
    assert staff.counts_as_staff is True
    assert Attendance.objects.counted().count() == 1
    assert Meeting.objects.with_counts().get(pk=meeting.pk).attendee_count == 1


def test_item_numbers_are_unique_within_a_meeting(meeting, partnership):
    make_item(meeting, order=1)
    make_item(make_meeting(partnership), order=1)  # another meeting may use the same number
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(meeting, order=1)


def test_item_inside_the_meeting_is_valid_and_arrivals_may_open_before_it(partnership):
    meeting = make_meeting(partnership, start=aware(2024, 4, 23, 10, 0))
    AgendaItem(meeting=meeting, order=1, title="Arrivals", start_time=datetime.time(9, 45), duration_minutes=15).clean()
    AgendaItem(meeting=meeting, order=2, title="Close", start_time=datetime.time(11, 50), duration_minutes=10).clean()


@pytest.mark.parametrize(
    "start_time, duration, field",
    [
        (datetime.time(8, 30), 15, "start_time"),  # more than an hour before
        (datetime.time(12, 0), 15, "start_time"),  # as the meeting ends
        (datetime.time(11, 50), 20, "duration_minutes"),  # runs past the end
    ],
)
def test_item_outside_the_meeting_is_refused_by_clean(partnership, start_time, duration, field):
    meeting = make_meeting(partnership, start=aware(2024, 4, 23, 10, 0))
    item = AgendaItem(meeting=meeting, order=1, title="Odd", start_time=start_time, duration_minutes=duration)
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert field in error.value.message_dict


def test_item_end_time_is_its_start_plus_duration(meeting):
    item = make_item(meeting, start_time=datetime.time(9, 45), duration_minutes=15)
    assert item.end_time == datetime.time(10, 0)
    assert make_item(meeting, start_time=datetime.time(10, 0)).end_time is None


def test_paper_needs_a_file_or_a_link(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.create(meeting=meeting, title="Nothing")
    with pytest.raises(ValidationError):
        Paper(meeting=meeting, title="Nothing").clean()


def test_upcoming_and_past_split_on_the_meeting_end(partnership):
    now = timezone.now()
    running = make_meeting(partnership, start=now - datetime.timedelta(hours=1), hours=2)
    past = make_meeting(partnership, start=now - datetime.timedelta(days=3))
    future = make_meeting(partnership, start=now + datetime.timedelta(days=3))
    assert list(Meeting.objects.upcoming()) == [running, future]
    assert list(Meeting.objects.past()) == [past]
    assert running.is_upcoming and not past.is_upcoming


def test_meeting_local_date_is_the_london_day(partnership):
    # 23.30 London time in summer is 22.30 UTC: still the 23rd in London.
    meeting = make_meeting(partnership, start=aware(2024, 6, 23, 23, 30), hours=0.25)
    assert meeting.local_date == datetime.date(2024, 6, 23)
    assert str(meeting).endswith("(23 Jun 2024)")
