"""load_demo: the seeds' data, loaded once however often it runs."""

import pytest
from django.core.management import CommandError, call_command

from engagement.models import Participant, Partnership
from meetings.models import AgendaItem, Attendance, Meeting


def test_demo_has_lewisham_year_one_exactly_as_the_seed(demo_data):
    lewisham = demo_data["lewisham"]
    start, end = lewisham.financial_year_bounds(2023)
    meetings = (
        Meeting.objects.filter(partnership=lewisham, start__date__range=(start, end)).with_counts().order_by("start")
    )
    assert [m.attendee_count for m in meetings] == [16, 20, 14, 13, 10]
    items = AgendaItem.objects.filter(meeting__in=meetings)
    assert items.count() == 9
    by_type = sorted(items.values_list("engagement_type__name", flat=True))
    assert by_type.count("Informing") == 2 and by_type.count("Involving") == 4 and by_type.count("Collaborating") == 3


def test_demo_april_2024_agenda_is_timed_as_the_seed(demo_data):
    meeting = Meeting.objects.get(partnership__slug="lewisham", start__date="2024-04-23")
    items = list(meeting.agenda_items.order_by("order"))
    assert items[0].title == "Arrivals" and items[0].start_time.strftime("%H.%M") == "09.45"
    assert items[-1].start_time.strftime("%H.%M") == "11.50"
    assert meeting.papers.count() == 2


def test_demo_has_lancashire_with_chorley_beneath_it(demo_data):
    lsc = demo_data["lancashire-south-cumbria"]
    assert lsc.level == Partnership.Level.SYSTEM
    assert Partnership.objects.get(slug="chorley").parent == lsc
    assert lsc.meetings.get().agenda_items.count() == 7


def test_demo_users_sign_in_and_members_attended_lewisham(demo_data, client):
    for username in ["member", "member2", "staff", "chair", "finance"]:
        response = client.post("/accounts/login/", {"username": username, "password": "partnership-demo"})
        assert response.status_code == 302, username
        client.logout()
    for username in ["member", "member2"]:
        participant = Participant.objects.get(user__username=username)
        assert (
            Attendance.objects.counted().filter(participant=participant, meeting__partnership__slug="lewisham").exists()
        )


def test_load_demo_twice_creates_nothing_twice(demo_data):
    counts = [
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Participant.objects.count(),
    ]
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts == [
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Participant.objects.count(),
    ]


def test_load_demo_is_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Partnership.objects.exists()
