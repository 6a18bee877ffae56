"""The back office: registrations for the chair, and people's data exported or erased on request."""

import csv
import io
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from engagement.models import Participant
from meetings.models import Attendance, Feedback
from meetings.services import erase_participant
from tests.conftest import ROLES
from tests.factories import attend, make_participant, make_user, page_text

ADMIN_MATRIX = list(zip(ROLES, [302, 302, 302, 200, 200, 200], strict=True))


@pytest.fixture
def registrations(meeting):
    shared = attend(
        meeting,
        make_participant(name="Sharing Sue"),
        status=Attendance.Status.REGISTERED,
        access_needs="BSL interpreter",
        share_access_needs=True,
    )
    private = attend(
        meeting,
        make_participant(name="Private Pete"),
        status=Attendance.Status.REGISTERED,
        access_needs="Kept back",
        share_access_needs=False,
    )
    return shared, private


@pytest.mark.parametrize("role, expected", ADMIN_MATRIX)
def test_attendance_admin_permission_matrix(client_for, registrations, role, expected):
    assert client_for(role).get(reverse("admin:meetings_attendance_changelist")).status_code == expected


def test_chair_sees_registrations_with_shared_access_needs_only(client, chair, meeting, registrations):
    client.force_login(chair)
    body = page_text(client.get(reverse("admin:meetings_attendance_changelist"), {"meeting__id__exact": meeting.pk}))
    assert "Sharing Sue" in body and "BSL interpreter" in body
    assert "Private Pete" in body and "Kept back" not in body


def test_meeting_page_in_the_admin_lists_registrations_inline(client, chair, meeting, registrations):
    client.force_login(chair)
    body = page_text(client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])))
    assert "Registrations and attendance" in body
    assert "Sharing Sue" in body and "BSL interpreter" in body and "Kept back" not in body


def test_finance_sees_attendance_but_no_access_needs(client, finance, meeting, registrations):
    client.force_login(finance)
    for url in [
        reverse("admin:meetings_attendance_changelist"),
        reverse("admin:meetings_attendance_change", args=[registrations[0].pk]),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "BSL interpreter" not in page_text(response), url


def test_attendance_filters_by_status_and_walk_in(client, chair, meeting, registrations):
    attend(meeting, make_participant(name="Walk In Wanda"), is_walk_in=True)
    client.force_login(chair)
    url = reverse("admin:meetings_attendance_changelist")
    assert "Walk In Wanda" not in page_text(client.get(url, {"status__exact": "registered"}))
    body = page_text(client.get(url, {"is_walk_in__exact": "1"}))
    assert "Walk In Wanda" in body and "Sharing Sue" not in body


def test_admin_export_for_the_sign_in_desk(client, chair, registrations):
    client.force_login(chair)
    response = client.post(
        reverse("admin:meetings_attendance_changelist"),
        {"action": "export_sign_in_sheet", ACTION_CHECKBOX_NAME: [a.pk for a in registrations]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Private Pete", "Sharing Sue"]
    assert rows[2][4] == "BSL interpreter" and rows[1][4] == ""


class TestParticipantData:
    @pytest.fixture
    def person(self, held_meeting):
        person = make_participant(name="Erin Erasable", email="erin@example.org", phone="0123", community="Catford")
        attend(held_meeting, person, access_needs="Step-free", share_access_needs=True)
        Feedback.objects.create(agenda_item=held_meeting.agenda_items.get(), participant=person, text="My view")
        return person

    def changelist(self):
        return reverse("admin:engagement_participant_changelist")

    @pytest.mark.parametrize("role, expected", list(zip(ROLES, [302, 302, 302, 200, 200, 403], strict=True)))
    def test_participant_admin_is_for_staff_and_chair_only(self, client_for, person, role, expected):
        assert client_for(role).get(self.changelist()).status_code == expected

    def test_staff_export_a_persons_data_as_json(self, client, staff_user, person):
        client.force_login(staff_user)
        response = client.post(self.changelist(), {"action": "export_data", ACTION_CHECKBOX_NAME: [person.pk]})
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        (exported,) = data["participants"]
        assert exported["name"] == "Erin Erasable" and exported["email"] == "erin@example.org"
        assert exported["records"]["meetings.Attendance"][0]["access_needs"] == "Step-free"
        assert exported["records"]["meetings.Feedback"][0]["text"] == "My view"

    def test_erase_asks_first_and_changes_nothing_until_confirmed(self, client, chair, person):
        client.force_login(chair)
        response = client.post(self.changelist(), {"action": "erase", ACTION_CHECKBOX_NAME: [person.pk]})
        assert response.status_code == 200
        assert "Erase these people" in page_text(response) and "Erin Erasable" in page_text(response)
        person.refresh_from_db()
        assert person.erased_at is None

    def test_erase_anonymises_but_keeps_the_counts(self, client, chair, person, held_meeting):
        person.user = make_user("erin")
        person.save()
        client.force_login(chair)
        response = client.post(self.changelist(), {"action": "erase", ACTION_CHECKBOX_NAME: [person.pk], "post": "yes"})
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.erased_at is not None
        assert (person.name, person.email, person.phone, person.community, person.user) == (
            f"Erased participant #{person.pk}",
            "",
            "",
            "",
            None,
        )
        attendance = Attendance.objects.get(participant=person)
        assert attendance.access_needs == "" and not attendance.share_access_needs
        assert Attendance.objects.filter(meeting=held_meeting).counted().count() == 1
        assert Feedback.objects.filter(participant=person).count() == 1

    def test_finance_cannot_export_or_erase(self, client, finance, person):
        client.force_login(finance)
        for action in ["export_data", "erase"]:
            response = client.post(
                self.changelist(), {"action": action, ACTION_CHECKBOX_NAME: [person.pk], "post": "yes"}
            )
            assert response.status_code == 403
        person.refresh_from_db()
        assert person.erased_at is None and person.name == "Erin Erasable"

    def test_erasing_twice_has_no_second_effect(self, chair, person):
        erase_participant(person)
        first = Participant.objects.get(pk=person.pk).erased_at
        erase_participant(person)
        assert Participant.objects.get(pk=person.pk).erased_at == first


def test_a_meeting_of_500_registrations_can_still_be_saved_in_the_back_office(
    client, chair, held_meeting, django_assert_max_num_queries
):
    """The registrations are listed, not an inline: a read-only inline posted two fields a row (1,000 at 500)."""
    from tests.meetings.test_admin import submitted_form

    people = Participant.objects.bulk_create([Participant(name=f"P{i:03}") for i in range(500)])
    Attendance.objects.bulk_create([Attendance(meeting=held_meeting, participant=p) for p in people])
    client.force_login(chair)
    url = reverse("admin:meetings_meeting_change", args=[held_meeting.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url)
    text = page.content.decode()
    assert "P000" in text and "The first 100 are shown" in text and "P499" not in text
    assert f"?meeting__id__exact={held_meeting.pk}" in text
    data = submitted_form(page)
    assert not [name for name in data if name.startswith("attendances-")]
    response = client.post(url, {**data, "title": "Renamed"})
    assert response.status_code == 302
    held_meeting.refresh_from_db()
    assert held_meeting.title == "Renamed"
