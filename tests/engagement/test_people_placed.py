"""``Participant.has_attendance`` (engagement/placing.py): the people list's unplaced, without reading every attendance.

The flag follows each person's attendances however they are made, moved or removed, so the office that
sees "people not yet placed" sees exactly the people with no attendance and no role, as before (issue 13).
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from engagement import placing
from engagement.admin import people_in_scope
from engagement.models import Participant
from engagement.roles import CHAIR, STAFF
from meetings.models import Attendance
from tests.factories import attend, make_meeting, make_participant, make_partnership, make_user

pytestmark = pytest.mark.django_db


def flag(person):
    return Participant.objects.get(pk=person.pk).has_attendance


def seen_by(user):
    return set(people_in_scope(Participant.objects.all(), user))


@pytest.fixture
def offices():
    """A chair of one partnership, and a meeting of another (whose people that chair never sees)."""
    ours, theirs = make_partnership(), make_partnership()
    return make_user("chair-here", role=CHAIR, partnership=ours), make_meeting(theirs)


def test_a_new_person_has_no_attendance_and_a_registration_gives_them_one():
    person = make_participant()
    assert not flag(person)
    attend(make_meeting(make_partnership()), person, status=Attendance.Status.REGISTERED)
    assert flag(person)


def test_their_meetings_person_is_hidden_until_their_last_attendance_goes(offices):
    chair, their_meeting = offices
    person = make_participant()
    first = attend(their_meeting, person)
    second = attend(make_meeting(their_meeting.partnership), person)
    assert person not in seen_by(chair)

    first.delete()
    assert flag(person) and person not in seen_by(chair)
    second.delete()
    assert not flag(person) and person in seen_by(chair)


def test_an_attendance_moved_to_someone_else_counts_both_people_again(offices):
    chair, their_meeting = offices
    wrong, right = make_participant(), make_participant()
    attendance = Attendance.objects.get(pk=attend(their_meeting, wrong).pk)

    attendance.participant = right
    attendance.save()

    assert (flag(wrong), flag(right)) == (False, True)
    assert wrong in seen_by(chair) and right not in seen_by(chair)


def test_a_meeting_deleted_with_its_register_leaves_its_people_unplaced(offices):
    chair, their_meeting = offices
    people = [make_participant() for _ in range(3)]
    for person in people:
        attend(their_meeting, person)

    their_meeting.delete()

    assert not Participant.objects.filter(pk__in=[p.pk for p in people], has_attendance=True).exists()
    assert set(people) <= seen_by(chair)


def test_bulk_created_attendances_are_counted_by_recount(offices):
    chair, their_meeting = offices
    people = [make_participant() for _ in range(3)]
    Attendance.objects.bulk_create([Attendance(meeting=their_meeting, participant=p) for p in people])
    assert set(people) <= seen_by(chair)  # bulk_create sends no signal: recount is the bulk paths' step

    placing.recount(Participant.objects.filter(has_attendance=False))

    assert not set(people) & seen_by(chair)


def test_the_migration_counts_everyone_already_there(offices):
    _, their_meeting = offices
    came, never = make_participant(), make_participant()
    Attendance.objects.bulk_create([Attendance(meeting=their_meeting, participant=came)])
    migration = importlib.import_module("engagement.migrations.0008_participant_has_attendance")

    migration.count_attendances(apps, None)

    assert (flag(came), flag(never)) == (True, False)


def test_a_role_still_places_a_person_with_no_attendance(offices):
    chair, their_meeting = offices
    officer = make_participant(user=make_user("officer", role=STAFF, partnership=their_meeting.partnership))
    assert not flag(officer) and officer not in seen_by(chair)


def test_saving_an_attendance_again_writes_nothing_to_its_person(django_assert_num_queries):
    attendance = attend(make_meeting(make_partnership()), make_participant())
    attendance = Attendance.objects.select_related("participant").get(pk=attendance.pk)
    attendance.status = Attendance.Status.ABSENT
    with django_assert_num_queries(1):  # the attendance's own UPDATE
        attendance.save()


def test_the_unplaced_are_found_without_reading_every_attendance(offices):
    chair, _ = offices
    sql = str(people_in_scope(Participant.objects.all(), chair).query)
    assert sql.count('FROM "meetings_attendance"') == 1  # only our meetings' registers
    assert '"has_attendance"' in sql


@pytest.mark.parametrize("people", [2, 20])
def test_the_people_list_costs_the_same_queries_as_the_register_grows(
    client, offices, people, django_assert_max_num_queries
):
    chair, their_meeting = offices
    chair.is_staff = True
    chair.save(update_fields=["is_staff"])
    our_meeting = make_meeting(chair.memberships.get().partnership)
    for n in range(people):
        attend(our_meeting if n % 2 else their_meeting, make_participant())
    client.force_login(chair)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("admin:engagement_participant_changelist"))
    assert len(response.context["cl"].result_list) == people // 2
