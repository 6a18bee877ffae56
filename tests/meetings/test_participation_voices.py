"""'What voices do we have at this meeting?' on a held meeting's agenda page."""

import pytest

from engagement.models import Organisation, Participant
from meetings.models import Attendance, Feedback
from meetings.selectors import meeting_voices
from tests.conftest import ROLES
from tests.factories import attend, aware, make_item, make_meeting, make_participant, make_partnership, page_text

HEADING = "What voices do we have at this meeting?"


@pytest.fixture
def room(partnership, held_meeting):
    """A hand-built meeting: staff, apologies, a returning participant and people new to the partnership."""
    vcse = Organisation.objects.create(name="Catford Carers Circle", kind=Organisation.Kind.VCSE)
    other_vcse = Organisation.objects.create(name="Deptford Youth Voice", kind=Organisation.Kind.VCSE)
    healthwatch = Organisation.objects.create(name="Healthwatch Lewisham", kind=Organisation.Kind.HEALTHWATCH)
    nhs = Organisation.objects.create(name="NHS ICB", kind=Organisation.Kind.NHS)

    returning = make_participant(
        name="Rita Returning", agrees_to_be_listed=True, organisation=vcse, voice=Participant.Voice.ORGANISATION
    )
    earlier = make_meeting(partnership, start=aware(2023, 5, 11))
    attend(earlier, returning)
    # Coming to another partnership's meeting does not make someone a returner here.
    elsewhere = make_meeting(make_partnership(), start=aware(2023, 1, 1))
    newcomer = make_participant(name="Nell New", agrees_to_be_listed=False, voice=Participant.Voice.OWN)
    attend(elsewhere, newcomer)

    attend(held_meeting, returning)
    attend(held_meeting, newcomer, mode=Attendance.Mode.ONLINE)
    attend(
        held_meeting,
        make_participant(
            name="Cora Colleague", organisation=vcse, voice=Participant.Voice.ORGANISATION, agrees_to_be_listed=True
        ),
    )
    attend(
        held_meeting, make_participant(name="Yusuf Youth", organisation=other_vcse, voice=Participant.Voice.COMMUNITY)
    )
    attend(
        held_meeting,
        make_participant(
            name="Hal Healthwatch",
            organisation=healthwatch,
            voice=Participant.Voice.ORGANISATION,
            agrees_to_be_listed=True,
        ),
        mode=Attendance.Mode.ONLINE,
    )
    # Not counted: system staff, someone present as staff, apologies, absent, registered.
    attend(
        held_meeting,
        make_participant(name="Stan Staff", organisation=nhs, is_system_staff=True, agrees_to_be_listed=True),
    )
    attend(held_meeting, make_participant(name="Flo Flagged", agrees_to_be_listed=True), counts_as_staff=True)
    attend(held_meeting, make_participant(name="Abe Apologies"), status=Attendance.Status.APOLOGIES)
    attend(held_meeting, make_participant(name="Ada Absent"), status=Attendance.Status.ABSENT)
    attend(held_meeting, make_participant(name="Reg Registered"), status=Attendance.Status.REGISTERED)
    return held_meeting


def test_voices_count_attendees_without_staff_apologies_or_absentees(room):
    voices = meeting_voices(room)
    assert voices.attendees == 5
    assert (voices.in_person, voices.online) == (3, 2)
    assert (voices.own_voice, voices.for_organisation, voices.for_community) == (1, 3, 1)
    assert voices.first_time == 4  # everyone but Rita, who came in May
    assert voices.organisations == 3  # two VCSE and Healthwatch; the NHS came only as staff
    assert dict(voices.organisations_by_kind) == {
        "Voluntary, community, faith or social enterprise": 2,
        "NHS": 0,
        "Local authority": 0,
        "Healthwatch": 1,
        "Other": 0,
    }


def test_voices_are_one_query(room, django_assert_num_queries):
    with django_assert_num_queries(1):
        meeting_voices(room)


@pytest.mark.parametrize("role, shown", list(zip(ROLES, [False, True, True, True, True, True], strict=True)))
def test_voices_are_shown_to_role_holders_only(client_for, room, role, shown):
    body = page_text(client_for(role).get(room.get_absolute_url()))
    assert (HEADING in body) is shown
    # Nell did not agree to be listed: only staff and the chair see her name.
    assert ("Nell New" in body) is (role in ("staff", "chair"))


def test_members_see_only_the_names_of_people_who_agreed_to_be_listed(client, member, room):
    client.force_login(member)
    body = page_text(client.get(room.get_absolute_url()))
    assert "Rita Returning (Catford Carers Circle)" in body and "Hal Healthwatch" in body
    assert "Nell New" not in body and "Yusuf Youth" not in body
    assert "Stan Staff" not in body and "Flo Flagged" not in body  # staff are not voices in the room
    assert "and 2 others who did not ask to be listed" in body


def test_visitors_see_no_names_and_no_counts(client, room):
    body = page_text(client.get(room.get_absolute_url()))
    for name in ["Rita Returning", "Hal Healthwatch", "Nell New"]:
        assert name not in body
    assert "took part, not counting system staff" not in body


def test_staff_and_chair_see_every_attendee_by_name(client, chair, room):
    client.force_login(chair)
    body = page_text(client.get(room.get_absolute_url()))
    assert "Nell New" in body and "Yusuf Youth (Deptford Youth Voice)" in body


def test_an_upcoming_meeting_shows_no_voices(client, member, meeting):
    client.force_login(member)
    assert "voices" not in client.get(meeting.get_absolute_url()).context


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
@pytest.mark.parametrize("attendances", [10, 200])
def test_agenda_page_queries_do_not_grow_with_attendances(
    client_for, held_meeting, role, attendances, django_assert_max_num_queries
):
    organisation = Organisation.objects.create(name="Org")
    people = Participant.objects.bulk_create(
        [
            Participant(name=f"P{i:03}", organisation=organisation, agrees_to_be_listed=i % 2 == 0)
            for i in range(attendances)
        ]
    )
    Attendance.objects.bulk_create([Attendance(meeting=held_meeting, participant=p, status="attended") for p in people])
    item = held_meeting.agenda_items.get()
    make_item(held_meeting, title="Second item")
    client = client_for(role)
    if role != "anonymous":
        Feedback.objects.bulk_create(
            [Feedback(agenda_item=item, participant=p, text="A view") for p in people[: attendances // 2]]
        )
    # 14, one read each of the glossary and of the items' topic supporters (issue 14), and the
    # items' "we did" read once for the whole agenda (issue 16), however many items.
    with django_assert_max_num_queries(17):
        response = client.get(held_meeting.get_absolute_url())
    assert response.status_code == 200
    if role != "anonymous":
        assert response.context["voices"].attendees == attendances
