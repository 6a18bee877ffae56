"""Registering to attend (in person or online) or sending apologies, until the meeting starts."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from engagement.models import Participant
from engagement.roles import MEMBER
from meetings.models import Attendance, Meeting
from tests.conftest import ROLES
from tests.factories import make_meeting, make_participant, make_user, page_text


def register_url(meeting):
    return reverse("meeting_register", args=[meeting.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [302, 200, 200, 403, 403, 403], strict=True)),
)
def test_register_page_permission_matrix(client_for, meeting, role, expected):
    response = client_for(role).get(register_url(meeting))
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_member_registers_to_come_in_person(client, member, meeting):
    client.force_login(member)
    response = client.post(register_url(meeting), {"coming": "in_person"})
    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, participant=member.participant)
    assert (attendance.status, attendance.mode) == (Attendance.Status.REGISTERED, Attendance.Mode.IN_PERSON)
    assert any("in person" in m for m in messages_of(response))


def test_member_changes_to_online_then_sends_apologies_keeping_one_record(client, member, meeting):
    client.force_login(member)
    client.post(register_url(meeting), {"coming": "online"})
    assert Attendance.objects.get(participant=member.participant).mode == Attendance.Mode.ONLINE
    response = client.post(register_url(meeting), {"coming": "apologies"})
    attendance = Attendance.objects.get(meeting=meeting, participant=member.participant)
    assert attendance.status == Attendance.Status.APOLOGIES
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert any("apologies" in m for m in messages_of(response))


def test_shared_access_needs_are_kept_for_the_chair(client, member, meeting):
    client.force_login(member)
    client.post(
        register_url(meeting),
        {"coming": "in_person", "access_needs": "  Hearing loop  ", "share_access_needs": "on"},
    )
    attendance = Attendance.objects.get(participant=member.participant)
    assert attendance.access_needs == "Hearing loop" and attendance.share_access_needs


def test_access_needs_without_consent_are_refused_beside_the_field(client, member, meeting):
    client.force_login(member)
    response = client.post(register_url(meeting), {"coming": "in_person", "access_needs": "Interpreter"})
    assert response.status_code == 200
    assert "share_access_needs" in response.context["form"].errors
    assert "Tick this box" in page_text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "coming"),
        ({"coming": "maybe"}, "coming"),
        ({"coming": "in_person", "access_needs": "x" * 1001, "share_access_needs": "on"}, "access_needs"),
    ],
)
def test_bad_registration_gets_a_message_beside_the_field_and_changes_nothing(client, member, meeting, data, field):
    client.force_login(member)
    response = client.post(register_url(meeting), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in page_text(response)
    assert not Attendance.objects.exists()


def test_registration_is_refused_once_the_meeting_has_started(client, member, partnership):
    started = make_meeting(partnership, start=timezone.now() - datetime.timedelta(minutes=5))
    attendance = Attendance.objects.create(
        meeting=started, participant=member.participant, status=Attendance.Status.REGISTERED
    )
    client.force_login(member)
    response = client.post(register_url(started), {"coming": "apologies"})
    assert response.status_code == 302
    assert any("Registration has closed: the meeting started at" in m for m in messages_of(response))
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.REGISTERED
    page = client.get(register_url(started))
    assert "Registration has closed" in page_text(page) and "my answer</button>" not in page_text(page)


def test_registration_is_refused_for_a_cancelled_meeting(client, member, partnership):
    cancelled = make_meeting(partnership, status=Meeting.Status.CANCELLED)
    client.force_login(member)
    response = client.post(register_url(cancelled), {"coming": "in_person"})
    assert any("cancelled" in m for m in messages_of(response))
    assert not Attendance.objects.exists()


def test_first_registration_creates_a_participant_from_the_user(client, meeting):
    user = make_user("newcomer", MEMBER, partnership=meeting.partnership)
    user.first_name, user.last_name = "Nia", "Newcomer"
    user.save()
    client.force_login(user)
    client.post(register_url(meeting), {"coming": "online"})
    participant = Participant.objects.get(user=user)
    assert (participant.name, participant.email) == ("Nia Newcomer", "newcomer@example.org")
    assert Attendance.objects.get(participant=participant).mode == Attendance.Mode.ONLINE


def test_first_registration_links_the_existing_record_with_the_users_email(client, meeting):
    existing = make_participant(name="Nia N.", email="newcomer@example.org")
    user = make_user("newcomer", MEMBER, partnership=meeting.partnership)
    client.force_login(user)
    client.post(register_url(meeting), {"coming": "in_person"})
    existing.refresh_from_db()
    assert existing.user == user
    assert Participant.objects.count() == 1


def test_someone_elses_record_with_the_same_email_is_not_taken_over(client, other_member, meeting):
    other_member.participant.email = "newcomer@example.org"
    other_member.participant.save()
    user = make_user("newcomer", MEMBER, partnership=meeting.partnership)
    client.force_login(user)
    client.post(register_url(meeting), {"coming": "in_person"})
    mine = Participant.objects.get(user=user)
    assert mine != other_member.participant and mine.email == ""


def test_agenda_shows_a_member_their_answer_and_the_form(client, member, meeting):
    Attendance.objects.create(meeting=meeting, participant=member.participant, mode=Attendance.Mode.ONLINE)
    client.force_login(member)
    response = client.get(meeting.get_absolute_url())
    body = page_text(response)
    assert "you are coming online" in body
    assert response.context["registration_form"].initial["coming"] == "online"
    assert reverse("meeting_register", args=[meeting.pk]) in body


def test_agenda_invites_visitors_to_sign_in_and_shows_no_form(client, meeting):
    response = client.get(meeting.get_absolute_url())
    assert "Sign in</a> to tell the chair you are coming" in page_text(response)
    assert "registration_form" not in response.context


def test_other_member_does_not_see_my_registration(client, member, other_member, meeting):
    Attendance.objects.create(
        meeting=meeting, participant=member.participant, access_needs="Interpreter", share_access_needs=True
    )
    client.force_login(other_member)
    response = client.get(meeting.get_absolute_url())
    assert response.context["my_attendance"] is None
    assert "Interpreter" not in page_text(response)
