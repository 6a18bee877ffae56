"""The permission matrix: every URL in the project, every role, the status each must get.

The URLs are discovered from the resolver, not listed by hand, so a new page cannot
slip in unguarded: ``test_every_url_has_a_line_in_the_matrix`` fails until EXPECTED
says what anonymous visitors, members (the owner and another member), staff, the chair
and finance get from it.

To add a page: one line in EXPECTED, keyed by its URL name. The first part says how
to fill its URL's parameters from WORLD (``"@meeting"`` is the world's ``meeting``;
anything else is used as it is); the second gives the status for each role, in the
order of ROLES. LOGIN means "302 to the sign-in page". Requests are GETs.

The world is the demo data (load_demo), loaded once for this module inside a
transaction that is rolled back at the end. Its users are the demo's: ``member``
(whose things are "the member's"), ``member2`` (another member), ``staff``,
``chair`` and ``finance``.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other_member", "staff", "chair", "finance"]
DEMO_USERS = {"member": "member", "other_member": "member2", "staff": "staff", "chair": "chair", "finance": "finance"}

OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
LOGIN = "login"  # 302 to the sign-in page, coming back afterwards


def everyone(status):
    return (status,) * len(ROLES)


# Django's own views, which Django tests (and tests/portal/test_accounts.py covers as used here),
# and the admin, which checks model permissions itself (tests/*/test_admin.py).
SKIPPED_URLCONFS = {"django.contrib.auth.urls"}
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_VIEW_MODULES = {"django.views.static"}  # files from disk in development, if ever routed

# fmt: off
#                                kwargs from WORLD                          anonymous  member     other_member staff      chair      finance
EXPECTED = {
    # Public pages
    "home":                      ({},                                        everyone(OK)),
    "partnership_detail":        ({"slug": "@slug"},                         everyone(OK)),
    "healthz":                   ({},                                        everyone(OK)),
    "accessibility":             ({},                                        everyone(OK)),
    "meeting_list":              ({},                                        everyone(OK)),
    "meeting_calendar":          ({},                                        everyone(OK)),
    "meeting_detail":            ({"pk": "@meeting"},                        everyone(OK)),
    "meeting_agenda_pdf":        ({"pk": "@meeting"},                        everyone(OK)),
    "you_said_we_did":           ({},                                        everyone(OK)),
    "priority_list":             ({},                                        everyone(OK)),
    "priority_detail":           ({"pk": "@priority"},                       everyone(OK)),
    # Papers: public to all; members-only ones to people with a role
    "paper_download":            ({"pk": "@members_paper"},                  (LOGIN,     OK,        OK,          OK,        OK,        OK)),
    # Members taking part
    "meeting_register":          ({"pk": "@upcoming"},                       (LOGIN,     OK,        OK,          FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "send_views":                ({"pk": "@upcoming_item"},                  (LOGIN,     OK,        OK,          FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "my_views":                  ({},                                        (LOGIN,     OK,        OK,          OK,        OK,        OK)),
    # What people are emailed: their own choices, and the one-click unsubscribe (a signed token, no session)
    "notification_preferences":  ({},                                        (LOGIN,     OK,        OK,          OK,        OK,        OK)),
    "unsubscribe":               ({"token": "@unsubscribe_token"},           everyone(OK)),
    # Staff's records
    "meeting_attendance":        ({"pk": "@meeting"},                        (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    "meeting_walk_in":           ({"pk": "@meeting"},                        (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    "meeting_attendance_import": ({"pk": "@meeting"},                        (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    "meeting_sign_in_sheet":     ({"pk": "@meeting"},                        (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    "record_views":              ({"pk": "@meeting_item"},                   (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    "record_response":           ({"pk": "@meeting_item"},                   (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    "action_note_new":           ({"pk": "@action"},                         (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        FORBIDDEN)),
    # Reports: the year review is a draft in the demo, so only office roles and finance see it
    "report_index":              ({},                                        (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        OK)),
    "year_review":               ({"slug": "@slug", "year": "@year"},        (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        OK)),
    "year_review_file":          ({"slug": "@slug", "year": "@year", "fmt": "csv"},
                                                                             (LOGIN,     FORBIDDEN, FORBIDDEN,   OK,        OK,        OK)),
    "action_plan_csv":           ({"slug": "@slug"},                         everyone(OK)),
    "action_plan_xlsx":          ({"slug": "@slug"},                         everyone(OK)),
    # Claims: the member's own (a submitted claim, a draft past its deadline, a receipt); approvers see
    # claims once submitted, never drafts; only finance runs payments
    "claim_policy":              ({},                                        everyone(OK)),
    "claim_list":                ({},                                        (LOGIN,     OK,        OK,          OK,        OK,        OK)),
    "claim_new":                 ({},                                        (LOGIN,     OK,        OK,          FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "claim_detail":              ({"pk": "@claim"},                          (LOGIN,     OK,        NOT_FOUND,   NOT_FOUND, OK,        OK)),
    "claim_edit":                ({"pk": "@draft_claim"},                    (LOGIN,     OK,        NOT_FOUND,   NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "claim_delete":              ({"pk": "@draft_claim"},                    (LOGIN,     OK,        NOT_FOUND,   NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "receipt_download":          ({"pk": "@receipt"},                        (LOGIN,     OK,        NOT_FOUND,   NOT_FOUND, OK,        OK)),
    "finance_queue":             ({},                                        (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, OK,        OK)),
    "claim_approve":             ({"pk": "@claim"},                          (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED)),
    "claim_reject":              ({"pk": "@claim"},                          (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, OK,        OK)),
    "payment_run":               ({},                                        (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, FORBIDDEN, OK)),
    "payment_run_csv":           ({},                                        (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, FORBIDDEN, OK)),
    "claim_year_summary":        ({},                                        (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, OK,        OK)),
    "claim_year_summary_xlsx":   ({"slug": "@slug", "year": "@year"},        (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, OK,        OK)),
}
# fmt: on


def build_world():
    """Named objects of the demo that URLs point at, found by natural keys (never assumed ids)."""
    from meetings.models import AgendaItem, Meeting, Paper
    from notifications.outbox import unsubscribe_token
    from priorities.models import Action, Priority
    from reimbursement.models import Claim, Receipt

    lewisham = Meeting.objects.filter(partnership__slug="lewisham")
    meeting = lewisham.get(start__date=datetime.date(2024, 4, 23))  # held, with a public and a members' paper
    upcoming = lewisham.filter(status=Meeting.Status.SCHEDULED, start__year__gte=2026).order_by("start").first()
    return {
        "slug": "lewisham",
        "year": 2023,
        "meeting": meeting.pk,
        "meeting_item": AgendaItem.objects.filter(meeting=meeting).order_by("order").first().pk,
        "upcoming": upcoming.pk,
        "upcoming_item": AgendaItem.objects.filter(meeting=upcoming).order_by("order").first().pk,
        "members_paper": Paper.objects.get(meeting=meeting, visibility=Paper.Visibility.MEMBERS).pk,
        "unsubscribe_token": unsubscribe_token("someone@example.org", "reminder"),
        "priority": Priority.objects.order_by("pk").first().pk,
        "action": Action.objects.order_by("pk").first().pk,
        "claim": Claim.objects.get(claimant__user__username="member", status=Claim.Status.SUBMITTED).pk,
        "draft_claim": Claim.objects.get(claimant__user__username="member", status=Claim.Status.DRAFT).pk,
        "receipt": Receipt.objects.filter(claim__claimant__user__username="member", claim__status=Claim.Status.APPROVED)
        .order_by("pk")
        .first()
        .pk,
    }


def discover(patterns=None, prefix=""):
    """Every URL pattern the matrix guards, as (name, route), found by walking the resolver."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", str(pattern.urlconf_name))
            if module in SKIPPED_URLCONFS or pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from discover(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if getattr(pattern.callback, "__module__", "") in SKIPPED_VIEW_MODULES:
                continue
            yield pattern.name, prefix + str(pattern.pattern)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # load_demo refuses to run with DEBUG off
            call_command("load_demo", stdout=io.StringIO())
        yield build_world()
        transaction.set_rollback(True)


def url_for(name, world):
    kwarg_spec, _ = EXPECTED[name]
    kwargs = {key: world[value[1:]] if str(value).startswith("@") else value for key, value in kwarg_spec.items()}
    return reverse(name, kwargs=kwargs)


def test_every_url_has_a_line_in_the_matrix():
    routes = list(discover())
    unnamed = [route for name, route in routes if not name]
    assert not unnamed, f"URL patterns without a name cannot be guarded: {unnamed}"
    names = {name for name, _ in routes}
    missing = sorted(names - EXPECTED.keys())
    assert not missing, f"no expected status for these URLs: add a line to EXPECTED in {__file__}: {missing}"
    stale = sorted(EXPECTED.keys() - names)
    assert not stale, f"EXPECTED lists URLs that no longer exist: {stale}"
    for name, (_, statuses) in EXPECTED.items():
        assert len(statuses) == len(ROLES), f"{name}: one status for each of {ROLES}"


def test_the_matrix_would_catch_a_new_unguarded_url(monkeypatch):
    """A guard for the guard: a URL added without a line makes the check above fail."""
    from django.urls import path

    from partnership_portal import urls

    monkeypatch.setattr(urls, "urlpatterns", [*urls.urlpatterns, path("new-page/", lambda r: None, name="new_page")])
    clear_url_caches()
    try:
        with pytest.raises(AssertionError, match="new_page"):
            test_every_url_has_a_line_in_the_matrix()
    finally:
        monkeypatch.undo()
        clear_url_caches()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(client, world, name):
    url = url_for(name, world)
    _, statuses = EXPECTED[name]
    wrong = []
    for role, expected in zip(ROLES, statuses, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(username=DEMO_USERS[role]))
        response = client.get(url)
        got = response.status_code
        if expected == LOGIN:
            login = reverse("login")
            if got != FOUND or not response["Location"].startswith(f"{login}?next="):
                wrong.append(f"{role}: expected a redirect to sign in, got {got} {response.get('Location', '')}")
        elif got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
        policy = response.headers.get("Content-Security-Policy", "")
        if not policy or "unsafe-inline" in policy:
            wrong.append(f"{role}: Content-Security-Policy missing or allows unsafe-inline: {policy!r}")
    assert not wrong, f"{url}\n" + "\n".join(wrong)
