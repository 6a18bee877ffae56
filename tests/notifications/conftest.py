"""Fixtures for email tests: a partnership with a contact, a meeting, and people registered for it."""

import pytest

from engagement.roles import MEMBER
from meetings.models import Attendance

from ..factories import attend, make_meeting, make_participant, make_partnership, make_user


@pytest.fixture
def lewisham(db):
    return make_partnership(name="Lewisham People's Partnership", slug="lpp", contact_email="lpp@example.org")


@pytest.fixture
def meeting(lewisham):
    from django.utils import timezone

    return make_meeting(
        lewisham,
        title="Spring meeting",
        venue="Civic Suite, Catford",
        online_link="https://meet.example.org/lpp",
        format="hybrid",
        access_information="Step-free entrance on Rushey Green.",
        published_at=timezone.now(),
    )


@pytest.fixture
def member_person(db):
    user = make_user("mina", MEMBER)
    return make_participant(name="Mina Member", email="mina@example.org", user=user)


@pytest.fixture
def registered(meeting, member_person):
    return attend(meeting, member_person, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)


@pytest.fixture
def sent(mailoutbox):
    """The emails sent, after running every on_commit callback."""
    return mailoutbox
