"""Shared fixtures: users for each role, a partnership, meetings. Factories are in tests/factories.py."""

import pytest

from engagement.models import EngagementType, Participant, Partnership
from engagement.roles import CHAIR, FINANCE, MEMBER, STAFF
from meetings.models import Meeting

from .factories import aware, make_item, make_meeting, make_partnership, make_user


def pytest_configure(config):
    """Hash test passwords quickly: the production hasher is slow on purpose, and the suite makes hundreds."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks (email) run at once in tests; tests of the queue itself choose their backend (tests/notifications).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page kept by one test is never served to the next."""
    from django.core.cache import cache

    cache.clear()


# The roles of the permission matrix, by fixture name: the partnership's own people, then the same roles
# held in another partnership (a sibling of ``partnership``, neither above nor below it).
ROLES = ["anonymous", "member", "other_member", "staff", "chair", "finance"]
ELSEWHERE_ROLES = ["elsewhere_member", "elsewhere_staff", "elsewhere_chair", "elsewhere_finance"]


@pytest.fixture
def member(partnership):
    """A member of ``partnership`` linked to a participant record."""
    user = make_user("member", MEMBER, partnership=partnership)
    Participant.objects.create(name="Mina Member", email="mina@example.org", user=user)
    return user


@pytest.fixture
def other_member(partnership):
    user = make_user("member2", MEMBER, partnership=partnership)
    Participant.objects.create(name="Otto Other", email="otto@example.org", user=user)
    return user


@pytest.fixture
def staff_user(partnership):
    return make_user("staff", STAFF, is_staff=True, partnership=partnership)


@pytest.fixture
def chair(partnership):
    return make_user("chair", CHAIR, is_staff=True, partnership=partnership)


@pytest.fixture
def finance(partnership):
    return make_user("finance", FINANCE, is_staff=True, partnership=partnership)


@pytest.fixture
def elsewhere(db):
    """Another top-level partnership: its roles reach nothing of ``partnership``."""
    return make_partnership(name="Elsewhere Partnership", slug="elsewhere", level=Partnership.Level.SYSTEM)


@pytest.fixture
def elsewhere_users(elsewhere):
    """Each role, held in ``elsewhere`` only: {matrix name: user}."""
    made = {}
    for role in (MEMBER, STAFF, CHAIR, FINANCE):
        user = make_user(f"elsewhere-{role}", role, is_staff=role != MEMBER, partnership=elsewhere)
        if role == MEMBER:
            Participant.objects.create(name="Elle Elsewhere", email="elle@example.org", user=user)
        made[f"elsewhere_{role}"] = user
    return made


@pytest.fixture
def users(member, other_member, staff_user, chair, finance, elsewhere_users):
    """Every role of the permission matrix, by name (None is anonymous)."""
    return {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "staff": staff_user,
        "chair": chair,
        "finance": finance,
        **elsewhere_users,
    }


@pytest.fixture
def client_for(client, users):
    """``client_for("staff")`` is a test client logged in as that role."""

    def login_as(role):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return login_as


@pytest.fixture
def ladder(db):
    """The engagement ladder, seeded by migration: {name: EngagementType}."""
    return {t.name: t for t in EngagementType.objects.all()}


@pytest.fixture
def partnership(db):
    return make_partnership(name="Lewisham People's Partnership", slug="lewisham", purpose="People shape services.")


@pytest.fixture
def meeting(partnership):
    return make_meeting(partnership, title="Upcoming meeting")


@pytest.fixture
def held_meeting(partnership, ladder):
    meeting = make_meeting(partnership, start=aware(2023, 9, 27), title="Held meeting", status=Meeting.Status.HELD)
    make_item(meeting, title="Community space", engagement_type=ladder["Involving"], outcome="Need feedback")
    return meeting


@pytest.fixture
def demo_data(db, settings):
    """The full demo data set, as ``make run`` loads it."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return {p.slug: p for p in Partnership.objects.all()}


@pytest.fixture(scope="module")
def database_put_back(django_db_setup, django_db_blocker):
    """For a module of tests that commit: pytest-django flushes after each, so put back what was there.

    Without it, tests that run later in the same process find the rows migrations seed (the engagement
    ladder, the role groups) gone. Use as ``pytestmark = pytest.mark.usefixtures("database_put_back")``.
    """
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
        connection.creation.deserialize_db_from_string(before)
