"""The demo data shows every part of taking part, without changing the seed's figures."""

from django.core.management import call_command
from django.utils import timezone

from engagement.models import Participant
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Response
from tests.factories import page_text


def test_demo_keeps_the_seeds_attendance_counts(demo_data):
    lewisham = demo_data["lewisham"]
    start, end = lewisham.financial_year_bounds(2023)
    meetings = Meeting.objects.filter(partnership=lewisham, start__date__range=(start, end)).with_counts()
    assert [m.attendee_count for m in meetings.order_by("start")] == [16, 20, 14, 13, 10]


def test_demo_members_are_registered_for_both_upcoming_meetings(demo_data):
    upcoming = Meeting.objects.filter(partnership__slug="lewisham", start__gt=timezone.now())
    assert upcoming.count() == 2
    for username in ["member", "member2"]:
        participant = Participant.objects.get(user__username=username)
        assert Attendance.objects.filter(meeting__in=upcoming, participant=participant).count() == 2
    shared = Attendance.objects.filter(meeting__in=upcoming, share_access_needs=True).exclude(access_needs="")
    assert shared.count() >= 3
    assert Attendance.objects.filter(meeting__in=upcoming, status=Attendance.Status.APOLOGIES).exists()


def test_demo_has_walk_ins_views_and_all_three_feedback_states(demo_data):
    assert Attendance.objects.filter(is_walk_in=True).count() >= 3
    member = Participant.objects.get(user__username="member")
    assert Feedback.objects.filter(participant=member).count() >= 2
    assert Feedback.objects.exclude(channel=Feedback.Channel.PORTAL).filter(recorded_by__username="staff").exists()
    statuses = dict(
        AgendaItem.objects.filter(meeting__partnership__slug="lewisham", meeting__start__year__in=[2023, 2024])
        .exclude(feedback_status="none")
        .values_list("meeting__start__date", "feedback_status")
        .distinct()
    )
    assert {str(day): status for day, status in statuses.items()} == {
        "2023-05-11": "responded",
        "2023-09-27": "need_feedback",
        "2023-12-06": "need_feedback",
        "2024-02-07": "awaiting_response",
    }
    assert Response.objects.get().status == Response.Status.DONE


def test_demo_pages_show_the_loop(demo_data, client):
    response = client.get("/you-said-we-did/")
    waiting = response.context["waiting_items"]
    # The seed year's five items, long overdue; and the fortnight-old GP appointments item, not yet.
    seed_year = [item for item in waiting if item.meeting.start.year in (2023, 2024)]
    assert len(seed_year) == 5
    assert all(item.is_overdue for item in seed_year)
    recent = [item for item in waiting if item not in seed_year]
    assert [item.title for item in recent] == [
        "Getting a GP appointment: what members are hearing in their communities"
    ]
    assert not recent[0].is_overdue
    assert "The Charter was rewritten in plain language" in page_text(response)


def test_load_demo_twice_adds_no_views_responses_or_registrations(demo_data):
    counts = [Feedback.objects.count(), Response.objects.count(), Attendance.objects.count()]
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts == [Feedback.objects.count(), Response.objects.count(), Attendance.objects.count()]
