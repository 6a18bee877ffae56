"""Partnerships, people and the ladder: rules that hold in the database as well as in forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from engagement.models import EngagementType, Participant, Partnership
from meetings.models import Attendance
from tests.factories import attend, aware, make_meeting, make_participant, make_partnership, make_user


def test_duplicate_slug_is_refused_by_the_database(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(name="Another Lewisham", slug="lewisham")


def test_financial_year_month_outside_1_to_12_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_partnership(financial_year_start_month=13)


@pytest.mark.parametrize(
    "day, year",
    [
        (datetime.date(2024, 3, 31), 2023),  # the last day of 2023/24
        (datetime.date(2024, 4, 1), 2024),  # the first day of 2024/25
        (datetime.date(2024, 1, 15), 2023),
        (datetime.date(2023, 12, 31), 2023),
    ],
)
def test_financial_year_of_a_day_starting_in_april(partnership, day, year):
    assert partnership.financial_year_of(day) == year


def test_financial_year_bounds_run_from_1_april_to_31_march(partnership):
    assert partnership.financial_year_bounds(2023) == (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))
    assert partnership.financial_year_label(2023) == "2023/24"


def test_financial_year_bounds_for_a_calendar_year_partnership(db):
    calendar_year = make_partnership(financial_year_start_month=1)
    assert calendar_year.financial_year_bounds(2024) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert calendar_year.financial_year_of(datetime.date(2024, 12, 31)) == 2024
    assert calendar_year.financial_year_label(2024) == "2024"


def test_financial_year_bounds_cover_a_leap_february(db):
    march = make_partnership(financial_year_start_month=3)
    assert march.financial_year_bounds(2023) == (datetime.date(2023, 3, 1), datetime.date(2024, 2, 29))


def test_partnership_cannot_be_its_own_parent_in_the_database(partnership):
    partnership.parent_id = partnership.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership.save()


def test_objectives_and_principles_are_read_as_lists(db):
    partnership = make_partnership(objectives="· Listen\n\n- Act\n", principles="Be open.\n\nBe fair.\n")
    assert partnership.objectives_list() == ["Listen", "Act"]
    assert partnership.principles_list() == ["Be open.", "Be fair."]


def test_anonymise_erases_the_person_but_keeps_their_attendances(partnership):
    user = make_user("erased")
    person = make_participant(name="Ada Lovelace", phone="0123", community="Deptford", access_needs="Loop", user=user)
    meeting = make_meeting(partnership, start=aware(2023, 9, 27))
    attend(meeting, person)
    person.anonymise()
    person.refresh_from_db()
    assert person.name == f"Erased participant #{person.pk}"
    assert (person.email, person.phone, person.community, person.access_needs) == ("", "", "", "")
    assert person.user is None
    assert person.erased_at is not None
    assert Attendance.objects.filter(participant=person, meeting=meeting, status="attended").count() == 1
    assert Attendance.objects.counted().filter(meeting=meeting).count() == 1


def test_two_people_cannot_share_an_email_but_many_can_have_none(db):
    make_participant(email="same@example.org")
    make_participant(email="")
    make_participant(email="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_participant(email="same@example.org")


def test_find_matches_email_before_name(db):
    by_email = make_participant(name="A Person", email="a@example.org")
    make_participant(name="Same Name", email="b@example.org")
    assert list(Participant.objects.find(name="Same Name", email="A@example.org ")) == [by_email]
    assert Participant.objects.find(name="same name").count() == 1
    assert not Participant.objects.find().exists()


def test_ladder_is_seeded_with_five_rungs_in_order(ladder):
    assert list(EngagementType.objects.values_list("name", "rank")) == [
        ("Informing", 1),
        ("Consulting", 2),
        ("Involving", 3),
        ("Collaborating", 4),
        ("Empowering", 5),
    ]
    assert all(rung.promise for rung in ladder.values())


def test_two_rungs_cannot_share_a_rank(ladder):
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementType.objects.create(name="Devolving", rank=5)
