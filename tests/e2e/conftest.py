"""Browser tests: Debian's Chromium, driven by Playwright, against a live server with the demo data.

How it fits together:

* ``demo_site`` loads the demo data once per test module into the test database
  and commits it, so the live server's thread sees it. When the module is done it
  puts the database back as it found it (flush, then restore the rows that were
  there before), so tests that run later see an untouched database.
* ``transactional_db`` is overridden here: pytest-django's ``live_server`` asks for
  it, and its normal job (flush the database after every test) would throw the demo
  away after the first test. Ours only opens database access for the test.
  So the tests of a module share one demo: a test that changes data changes
  something no other test reads (or puts it back).
* ``chromium`` is one headless browser per test module; ``browser_page(role, ...)`` opens
  a fresh context (own cookies, viewport, zoom) signed in as that role through the
  real sign-in form. Never pytest-playwright's ``browser`` fixture: that one would
  want a downloaded browser.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "partnership-demo"
# The demo's users, by role of the permission matrix (tests/conftest.py ROLES).
DEMO_USERS = {
    "anonymous": None,
    "member": "member",
    "other_member": "member2",
    "staff": "staff",
    "chair": "chair",
    "finance": "finance",
    # The demo's action plan is Lancashire and South Cumbria's: its staff add progress notes.
    "lsc_staff": "lsc-staff",
}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    """Everything under tests/e2e is a browser test: ``-m "not e2e"`` leaves it out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def demo_ids():
    """Ids of the demo objects the page list refers to, read once the demo is loaded.

    Looked up by natural keys, never assumed: on PostgreSQL the sequences have moved
    on by the time these tests run.
    """
    import datetime

    from meetings.models import AgendaItem, Meeting
    from meetings.topics import Topic
    from priorities.models import Action, Priority
    from reimbursement.models import Claim

    lewisham = Meeting.objects.filter(partnership__slug="lewisham")
    agenda = lewisham.get(start__date=datetime.date(2024, 4, 23))
    upcoming = lewisham.filter(status=Meeting.Status.SCHEDULED, start__year__gte=2026).order_by("start").first()
    return {
        "agenda": agenda.pk,
        "lsc_meeting": Meeting.objects.filter(partnership__slug="lancashire-south-cumbria").order_by("start")[0].pk,
        "upcoming": upcoming.pk,
        "upcoming_item": AgendaItem.objects.filter(meeting=upcoming).order_by("order")[0].pk,
        "agenda_item": AgendaItem.objects.filter(meeting=agenda).order_by("order")[0].pk,
        "priority": Priority.objects.order_by("pk")[0].pk,
        # A scheduled topic has the fullest page: its history and the agenda item it went to.
        "topic": Topic.objects.filter(partnership__slug="lewisham", status=Topic.Status.SCHEDULED).order_by("pk")[0].pk,
        "action": Action.objects.order_by("pk")[0].pk,
        # The member's claim for the 7 February 2024 meeting (submitted, with a mileage line).
        "claim": Claim.objects.get(
            claimant__user__username="member",
            attendance__meeting=lewisham.get(start__date=datetime.date(2024, 2, 7)),
        ).pk,
    }


class Site:
    """The live server with the demo: ``site.url("/meetings/{agenda}/")`` is an absolute URL."""

    def __init__(self, base_url, ids):
        self.base_url = base_url.rstrip("/")
        self.ids = ids

    def path(self, template):
        return template.format(**self.ids)

    def url(self, template):
        return self.base_url + self.path(template)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo data, loaded once and committed; the database is restored afterwards."""
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        with override_settings(DEBUG=True):  # load_demo refuses to run with DEBUG off
            call_command("load_demo", stdout=io.StringIO())
        ids = demo_ids()
    yield ids
    with django_db_blocker.unblock():
        # As Django's serialized rollback does: sequences run on, so restored ids never clash.
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
        connection.creation.deserialize_db_from_string(before)


@pytest.fixture
def transactional_db(demo_site, django_db_blocker):
    """Replaces pytest-django's: database access for the test, without the flush afterwards."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def site(live_server, demo_site):
    return Site(live_server.url, demo_site)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, for one test module."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses
    # ORM calls from a thread with a running loop unless told that this is safe. Only while
    # the browser runs: set for the whole session, it would leak into subprocesses that
    # later tests start (``check --deploy`` rejects it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


def log_in(page, site, username, password=DEMO_PASSWORD):
    """Sign in through the real sign-in form, as a person would."""
    page.goto(site.url("/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


@pytest.fixture(scope="module")
def _signed_in_states(demo_site):
    """Cookies of one real sign-in per role, reused by every context of that role in the module."""
    return {}


@pytest.fixture
def browser_page(chromium, site, _signed_in_states):
    """``browser_page(role, viewport=..., device_scale_factor=...)``: a fresh page signed in as ``role``.

    The first page of each role signs in through the form; later ones reuse its cookies.
    Console messages and failed requests are kept on ``page.console`` for assertions.
    """
    contexts = []

    def open_page(role="anonymous", **context_options):
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        username = DEMO_USERS[role]
        if username and role not in _signed_in_states:
            context = chromium.new_context()
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            log_in(page, site, username)
            _signed_in_states[role] = context.storage_state()
            context.close()
        if username:
            context_options["storage_state"] = _signed_in_states[role]
        context = chromium.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.console = []
        page.on("console", lambda message: page.console.append(message.text))
        return page

    yield open_page
    for context in contexts:
        context.close()
