"""The permission matrix: every URL in the project, every role, the status each must get.

The URLs are discovered from the resolver, not listed by hand, so a new page cannot
slip in unguarded: ``test_every_url_has_a_line_in_the_matrix`` fails until EXPECTED
says what every role in ROLES gets from it.

To add a page: one line in EXPECTED, keyed by its URL name. The first part says how
to fill its URL's parameters from WORLD (``"@meeting"`` is the world's ``meeting``;
anything else is used as it is); the second is a string of one code per role, in the
order of ROLES (spaces are only there to group the columns, and are ignored)::

    anonymous | Lewisham: member other_member staff chair finance | L&SC: member staff chair finance | superuser
        L           O         O          F     F     F                 F      F     F      F            O

The codes:

    O  200, the page
    L  302 to the sign-in page, coming back afterwards
    R  302 somewhere else
    F  403, not for this role
    N  404, not found: an object outside the records the person's roles cover
    A  405, the URL takes POSTs only (requests here are GETs)
    B  400, a bad request (a broken or expired link)

The world is the demo data (load_demo), loaded once for this module inside a
transaction that is rolled back at the end, and its objects are Lewisham's (the
actions, whose priorities the demo gives only to Lancashire and South Cumbria,
are the one exception: ``@action`` is an L&SC action). Its users are the demo's:
Lewisham's ``member`` (whose things are "the member's"), ``member2`` (another
member), ``staff``, ``chair`` and ``finance``; Lancashire and South Cumbria's
``lsc-member`` (made here: the demo has no L&SC member), ``lsc-staff``,
``lsc-chair`` and ``lsc-finance``; and ``admin``, the platform operator
(a superuser, who holds every role everywhere).

How the cells for another partnership are decided: pages of a Lewisham object
that need an office role are a 404 for L&SC's staff and chair (their scoped
querysets do not hold it) and a 403 for L&SC's member and finance (who hold no
office role anywhere); the same for approver and finance pages (L&SC's finance
and chair get a 404 for a Lewisham claim, and 200 on their own queue, payment
run and year summary, which hold no Lewisham claim: the content tests at the
end of this module check that, in the same world); a report on Lewisham is a 404 for
L&SC's staff, chair and finance; members-only Lewisham papers and taking part in
a Lewisham meeting are a 403 for L&SC's people.
"""

import contextlib
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "member",
    "other_member",
    "staff",
    "chair",
    "finance",
    "elsewhere_member",
    "elsewhere_staff",
    "elsewhere_chair",
    "elsewhere_finance",
    "superuser",
]
DEMO_USERS = {
    "member": "member",
    "other_member": "member2",
    "staff": "staff",
    "chair": "chair",
    "finance": "finance",
    "elsewhere_member": "lsc-member",
    "elsewhere_staff": "lsc-staff",
    "elsewhere_chair": "lsc-chair",
    "elsewhere_finance": "lsc-finance",
    "superuser": "admin",
}
ELSEWHERE = "lancashire-south-cumbria"

OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, BAD_REQUEST = 200, 302, 403, 404, 405, 400
LOGIN = "login"  # 302 to the sign-in page, coming back afterwards
REDIRECT = "redirect"  # 302 anywhere but the sign-in page
CODES = {"O": OK, "L": LOGIN, "R": REDIRECT, "F": FORBIDDEN, "N": NOT_FOUND, "A": NOT_ALLOWED, "B": BAD_REQUEST}


def statuses_of(codes):
    """``"L OOFFF FFFF O"`` as one expected status per role, in the order of ROLES."""
    return [CODES[code] for code in codes.replace(" ", "")]


# Django's own views, which Django tests (and tests/portal/test_accounts.py covers as used here),
# and the admin, which checks model permissions itself (tests/*/test_admin.py).
SKIPPED_URLCONFS = {"django.contrib.auth.urls"}
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_VIEW_MODULES = {"django.views.static"}  # files from disk in development, if ever routed

EVERYONE = "O OOOOO OOOO O"

# fmt: off
#                                                                                     anonymous
#                                                                                     | Lewisham: member, member2,
#                                                                                     | staff, chair, finance
#                                                                                     | |     L&SC: member, staff,
#                                                                                     | |     chair, finance
#                                                                                     | |     |    superuser
#                                kwargs from WORLD                                    | |     |    |
EXPECTED = {
    # Public pages
    "home":                      ({},                                                 EVERYONE),
    "partnership_detail":        ({"slug": "@slug"},                                  EVERYONE),
    "glossary":                  ({"slug": "@slug"},                                  EVERYONE),
    "healthz":                   ({},                                                 EVERYONE),
    "accessibility":             ({},                                                 EVERYONE),
    "login":                     ({},                                                 EVERYONE),
    "meeting_list":              ({},                                                 EVERYONE),
    "meeting_calendar":          ({},                                                 EVERYONE),
    "meeting_detail":            ({"pk": "@meeting"},                                 EVERYONE),
    "meeting_agenda_pdf":        ({"pk": "@meeting"},                                 EVERYONE),
    "meeting_ics":               ({"pk": "@meeting"},                                 EVERYONE),
    "you_said_we_did":           ({},                                                 EVERYONE),
    "priority_list":             ({},                                                 EVERYONE),
    # Topics people propose and the forward plan: public; members of the partnership (or one above) propose
    # and say "me too" (a POST)
    "topic_list":                ({"slug": "@slug"},                                  EVERYONE),
    "topic_detail":              ({"slug": "@slug", "pk": "@topic"},                  EVERYONE),
    "topic_new":                 ({"slug": "@slug"},                                  "L OOOOO FFFF O"),
    "topic_support":             ({"slug": "@slug", "pk": "@topic"},                  "L AAAAA FFFF A"),
    "forward_plan":              ({"slug": "@slug"},                                  EVERYONE),
    "priority_detail":           ({"pk": "@priority"},                                EVERYONE),
    # Joining: anyone asks (members are told they are in); a broken confirmation link is a 400 for everyone
    "join":                      ({"slug": "@slug"},                                  EVERYONE),
    "join_confirm":              ({"token": "not-a-token"},                           "B BBBBB BBBB B"),
    # Requests to join: the partnership's office decides; another partnership's office cannot find it
    "join_requests":             ({"slug": "@slug"},                                  "L FFOOF FNNF O"),
    # Papers: public to all; members-only ones to people with a role in the paper's partnership
    "paper_download":            ({"pk": "@members_paper"},                           "L OOOOO FFFF O"),
    # Members taking part (in their own partnership's meetings)
    "meeting_register":          ({"pk": "@upcoming"},                                "L OOFFF FFFF O"),
    "send_views":                ({"pk": "@upcoming_item"},                           "L OOFFF FFFF O"),
    "my_views":                  ({},                                                 "L OOOOO OOOO O"),
    # Visitors' views: anyone sends them without an account; a broken confirmation link is a 400 for everyone
    "visitor_views":             ({"pk": "@upcoming_item"},                           EVERYONE),
    "visitor_views_confirm":     ({"token": "not-a-token"},                           "B BBBBB BBBB B"),
    # Staff's records: another partnership's office cannot find them, its member and finance hold no office
    "meeting_attendance":        ({"pk": "@meeting"},                                 "L FFOOF FNNF O"),
    "meeting_walk_in":           ({"pk": "@meeting"},                                 "L FFOOF FNNF O"),
    "meeting_attendance_import": ({"pk": "@meeting"},                                 "L FFOOF FNNF O"),
    "meeting_sign_in_sheet":     ({"pk": "@meeting"},                                 "L FFOOF FNNF O"),
    "record_views":              ({"pk": "@meeting_item"},                            "L FFOOF FNNF O"),
    "record_response":           ({"pk": "@meeting_item"},                            "L FFOOF FNNF O"),
    # An L&SC action: its own office adds notes; another partnership's office cannot find it; others are refused
    "action_note_new":           ({"pk": "@action"},                                  "L FFNNF FOOF O"),
    # Reports: the year review is a draft in the demo, so only office roles and finance see it
    "report_index":              ({},                                                 "L FFOOO FOOO O"),
    "year_review":               ({"slug": "@slug", "year": "@year"},                 "L FFOOO FFFF O"),
    "year_review_file":          ({"slug": "@slug", "year": "@year", "fmt": "csv"},   "L FFOOO FFFF O"),
    "action_plan_csv":           ({"slug": "@slug"},                                  EVERYONE),
    "action_plan_xlsx":          ({"slug": "@slug"},                                  EVERYONE),
    # Claims: the member's own (a submitted claim, a draft past its deadline, a receipt); approvers of its
    # partnership see claims once submitted, never drafts; only finance runs payments
    "claim_policy":              ({},                                                 EVERYONE),
    "claim_list":                ({},                                                 "L OOOOO OOOO O"),
    "claim_new":                 ({},                                                 "L OOFFF OFFF O"),
    "claim_detail":              ({"pk": "@claim"},                                   "L ONNOO NNNN O"),
    "claim_edit":                ({"pk": "@draft_claim"},                             "L ONNNN NNNN N"),
    "claim_delete":              ({"pk": "@draft_claim"},                             "L ONNNN NNNN N"),
    "receipt_download":          ({"pk": "@receipt"},                                 "L ONNOO NNNN O"),
    "finance_queue":             ({},                                                 "L FFFOO FFOO O"),
    "claim_approve":             ({"pk": "@claim"},                                   "L FFFAA FFAA A"),
    "claim_reject":              ({"pk": "@claim"},                                   "L FFFOO FFNN O"),
    "payment_run":               ({},                                                 "L FFFFO FFFO O"),
    "payment_run_csv":           ({},                                                 "L FFFFO FFFO O"),
    "claim_year_summary":        ({},                                                 "L FFFOO FFOO O"),
    "claim_year_summary_xlsx":   ({"slug": "@slug", "year": "@year"},                 "L FFFOO FFNN O"),
    # Email: each person's own choices; the one-click unsubscribe needs no sign-in but a signed token
    "notification_preferences":  ({},                                                 "L OOOOO OOOO O"),
    "notification_unsubscribe":  ({"token": "not-a-token"},                           "B BBBBB BBBB B"),
    # Accounts (django-allauth): sign-in and sign-out are the portal's (allauth's names reach the same pages);
    # signing up is for people without an account; the old reset addresses serve allauth's pages. L&SC's member
    # (made here without a password) is sent to choose one, and cannot confirm it is them by a password
    "account_login":             ({},                                                 EVERYONE),
    "account_logout":            ({},                                                 "A AAAAA AAAA A"),
    "account_signup":            ({},                                                 "O RRRRR RRRR R"),
    "account_email_verification_sent": ({},                                           EVERYONE),
    "account_confirm_email":     ({"key": "not-a-key"},                               EVERYONE),
    "account_inactive":          ({},                                                 EVERYONE),
    "account_email":             ({},                                                 "L OOOOO OOOO O"),
    "account_change_password":   ({},                                                 "L OOOOO ROOO O"),
    "account_set_password":      ({},                                                 "L RRRRR ORRR R"),
    "account_reauthenticate":    ({},                                                 "L OOOOO FOOO O"),
    "account_request_reauthentication_code": ({},                                     "L RRRRR FRRR R"),
    "account_confirm_reauthentication_code": ({},                                     "L RRRRR RRRR R"),
    "account_confirm_login_code": ({},                                                "R RRRRR RRRR R"),
    "account_reset_password":    ({},                                                 EVERYONE),
    "account_reset_password_done": ({},                                               EVERYONE),
    "account_reset_password_from_key": ({"uidb36": "1", "key": "not-a-key"},          EVERYONE),
    "account_reset_password_from_key_done": ({},                                      EVERYONE),
    "password_reset":            ({},                                                 EVERYONE),
    "password_reset_done":       ({},                                                 EVERYONE),
}
# fmt: on


def build_world():
    """Named objects of the demo that URLs point at, found by natural keys (never assumed ids)."""
    from meetings.models import AgendaItem, Meeting, Paper
    from priorities.models import Action, Priority
    from reimbursement.models import Claim, Receipt

    lewisham = Meeting.objects.filter(partnership__slug="lewisham")
    meeting = lewisham.get(start__date=datetime.date(2024, 4, 23))  # held, with a public and a members' paper
    upcoming = lewisham.filter(status=Meeting.Status.SCHEDULED, start__year__gte=2026).order_by("start").first()
    # The demo's priorities are all Lancashire and South Cumbria's: its priority 1, first immediate action.
    action = Action.objects.get(
        priority__partnership__slug=ELSEWHERE, priority__number=1, horizon=Action.Horizon.IMMEDIATE, order=1
    )
    from meetings.models import Topic

    return {
        "slug": "lewisham",
        "topic": Topic.objects.filter(partnership__slug="lewisham").order_by("pk").first().pk,
        "year": 2023,
        "meeting": meeting.pk,
        "meeting_item": AgendaItem.objects.filter(meeting=meeting).order_by("order").first().pk,
        "upcoming": upcoming.pk,
        "upcoming_item": AgendaItem.objects.filter(meeting=upcoming).order_by("order").first().pk,
        "members_paper": Paper.objects.get(meeting=meeting, visibility=Paper.Visibility.MEMBERS).pk,
        "priority": Priority.objects.get(partnership__slug=ELSEWHERE, number=1).pk,
        "action": action.pk,
        "claim": Claim.objects.get(claimant__user__username="member", status=Claim.Status.SUBMITTED).pk,
        "draft_claim": Claim.objects.get(claimant__user__username="member", status=Claim.Status.DRAFT).pk,
        "receipt": Receipt.objects.filter(claim__claimant__user__username="member", claim__status=Claim.Status.APPROVED)
        .order_by("pk")
        .first()
        .pk,
    }


def add_elsewhere_member():
    """The demo has no Lancashire and South Cumbria member: ``lsc-member``, with a participant record."""
    from engagement.models import Membership, Participant, Partnership
    from engagement.roles import MEMBER

    user = User.objects.create_user("lsc-member", email="lsc-member@example.org", first_name="Lee", last_name="Member")
    Membership.objects.create(user=user, partnership=Partnership.objects.get(slug=ELSEWHERE), role=MEMBER)
    Participant.objects.create(name="Lee Member", email="lsc-member@example.org", user=user)


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


@contextlib.contextmanager
def demo_world(django_db_blocker):
    """The demo loaded inside a transaction that is rolled back afterwards; yields ``build_world()``."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # load_demo refuses to run with DEBUG off
            call_command("load_demo", stdout=io.StringIO())
        add_elsewhere_member()
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back afterwards."""
    with demo_world(django_db_blocker) as found:
        yield found


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
    for name, (_, codes) in EXPECTED.items():
        unknown = set(codes.replace(" ", "")) - CODES.keys()
        assert not unknown, f"{name}: unknown codes {sorted(unknown)}; the codes are {sorted(CODES)}"
        assert len(statuses_of(codes)) == len(ROLES), f"{name}: one code for each of {ROLES}"


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
    _, codes = EXPECTED[name]
    wrong = []
    for role, expected in zip(ROLES, statuses_of(codes), strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(username=DEMO_USERS[role]))
        response = client.get(url)
        got = response.status_code
        if expected == LOGIN:
            login = reverse("login")
            if got != FOUND or not response["Location"].startswith(f"{login}?next="):
                wrong.append(f"{role}: expected a redirect to sign in, got {got} {response.get('Location', '')}")
        elif expected == REDIRECT:
            if got != FOUND or response["Location"].startswith(f"{reverse('login')}?"):
                wrong.append(f"{role}: expected a redirect, got {got} {response.get('Location', '')}")
        elif got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
        policy = response.headers.get("Content-Security-Policy", "")
        if not policy or "unsafe-inline" in policy:
            wrong.append(f"{role}: Content-Security-Policy missing or allows unsafe-inline: {policy!r}")
    assert not wrong, f"{url}\n" + "\n".join(wrong)


# What the pages hold: another partnership's people see none of Lewisham's claims, reports or staff pages.


def signed_in(client, role):
    client.logout()
    client.force_login(User.objects.get(username=DEMO_USERS[role]))
    return client


def lewisham_claim_marks():
    """What would show a Lewisham claim on a page: its claimant, payment reference, budget code and link."""
    from reimbursement.models import Claim

    claims = Claim.objects.filter(policy__partnership__slug="lewisham").select_related("claimant", "policy")
    marks = set()
    for claim in claims:
        marks |= {claim.claimant.name, reverse("claim_detail", kwargs={"pk": claim.pk}), claim.policy.budget_code}
        if claim.payment_reference:
            marks.add(claim.payment_reference)
    marks.discard("")
    assert len(marks) > 4, "the demo's Lewisham claims are the point of these tests"
    return marks


def year_summary_shown(response):
    summary = response.context["summary"] if response.status_code == OK else None
    return summary.partnership.slug if summary is not None else None


FINANCE_PAGES = ["finance_queue", "payment_run", "payment_run_csv", "claim_year_summary"]


@pytest.mark.parametrize("name", FINANCE_PAGES)
def test_another_partnerships_finance_sees_no_lewisham_claim(client, world, name):
    marks = lewisham_claim_marks()
    # The marks are real: Lewisham's finance finds some of them on each page (on the summary, Lewisham's year).
    own = signed_in(client, "finance").get(reverse(name))
    if name == "claim_year_summary":
        assert year_summary_shown(own) == "lewisham"
    else:
        assert any(mark in own.content.decode() for mark in marks)
    response = signed_in(client, "elsewhere_finance").get(reverse(name))
    assert response.status_code == OK
    page = response.content.decode()
    shown = sorted(mark for mark in marks if mark in page)
    assert not shown, f"{name} shows Lancashire and South Cumbria's finance Lewisham's claims: {shown}"
    assert "/finance/year-summary/lewisham/" not in page
    if name == "claim_year_summary":
        assert year_summary_shown(response) != "lewisham"


def test_another_partnerships_finance_cannot_ask_for_lewishams_year_summary(client, world):
    url = reverse("claim_year_summary") + "?partnership=lewisham&year=2023"
    assert year_summary_shown(signed_in(client, "finance").get(url)) == "lewisham"
    response = signed_in(client, "elsewhere_finance").get(url)
    assert response.status_code in (OK, NOT_FOUND)
    assert year_summary_shown(response) != "lewisham"
    page = response.content.decode()
    assert not [mark for mark in lewisham_claim_marks() if mark in page]


@pytest.mark.parametrize("role", ["elsewhere_staff", "elsewhere_chair", "elsewhere_finance"])
def test_another_partnerships_reports_index_does_not_list_lewisham(client, world, role):
    lewisham_reviews = reverse("year_review", kwargs={"slug": "lewisham", "year": 2023}).rsplit("/", 2)[0] + "/"
    assert lewisham_reviews in signed_in(client, "staff").get(reverse("report_index")).content.decode()
    response = signed_in(client, role).get(reverse("report_index"))
    assert response.status_code == OK
    page = response.content.decode()
    assert lewisham_reviews not in page
    assert "Lewisham" not in page
    assert reverse("year_review", kwargs={"slug": ELSEWHERE, "year": 2023}) in page


STAFF_PAGES = {
    "meeting_attendance",
    "meeting_walk_in",
    "meeting_attendance_import",
    "meeting_sign_in_sheet",
    "record_views",
    "record_response",
    "action_note_new",
}


def agenda_links(client, world):
    """The URL names of the portal pages the agenda of the world's meeting links to, and the papers' ids."""
    from django.urls import Resolver404, resolve

    response = client.get(reverse("meeting_detail", kwargs={"pk": world["meeting"]}))
    assert response.status_code == OK
    names, papers = set(), set()
    for href in re.findall(r'href="(/[^"#?]*)', response.content.decode()):
        try:
            match = resolve(href)
        except Resolver404:
            continue
        names.add(match.url_name)
        if match.url_name == "paper_download":
            papers.add(int(match.kwargs["pk"]))
    return names, papers


@pytest.mark.parametrize("role", ["elsewhere_member", "elsewhere_staff", "elsewhere_chair", "elsewhere_finance"])
def test_a_lewisham_agenda_seen_from_another_partnership_links_to_no_members_paper_or_staff_page(client, world, role):
    from meetings.models import Paper

    members_papers = set(Paper.objects.filter(visibility=Paper.Visibility.MEMBERS).values_list("pk", flat=True))
    # What is looked for is there for Lewisham's own: the member gets the members' paper, staff the staff pages.
    assert world["members_paper"] in agenda_links(signed_in(client, "member"), world)[1]
    assert agenda_links(signed_in(client, "staff"), world)[0] & STAFF_PAGES
    names, papers = agenda_links(signed_in(client, role), world)
    assert not papers & members_papers, f"{role} is offered Lewisham's members-only papers {papers & members_papers}"
    assert not names & STAFF_PAGES, f"{role} is offered Lewisham's staff pages {names & STAFF_PAGES}"


@pytest.mark.parametrize("role", ["elsewhere_finance", "elsewhere_chair"])
@pytest.mark.parametrize(("name", "data"), [("claim_approve", {}), ("claim_reject", {"reason": "Receipt missing."})])
def test_another_partnerships_approver_cannot_decide_a_lewisham_claim(client, world, role, name, data):
    from reimbursement.models import Claim

    claim = Claim.objects.filter(pk=world["claim"])
    before = claim.values().get()
    assert before["status"] == Claim.Status.SUBMITTED
    response = signed_in(client, role).post(reverse(name, kwargs={"pk": world["claim"]}), data)
    assert response.status_code == NOT_FOUND
    assert claim.values().get() == before


# Visitors posting: what an anonymous POST to each page that takes one from visitors gets.


def test_an_anonymous_visitor_may_ask_to_join_and_is_sent_back_to_the_partnership(client, world, mailoutbox):
    from engagement.models import JoinRequest

    data = {"name": "Vera Visitor", "email": "vera@example.org", "voice": "own", "ways": ["online"]}
    response = client.post(reverse("join", kwargs={"slug": "lewisham"}), data)
    assert response.status_code == FOUND and response["Location"] == "/p/lewisham/"
    assert JoinRequest.objects.filter(email="vera@example.org", partnership__slug="lewisham").count() == 1


def test_an_anonymous_post_to_the_requests_to_join_is_sent_to_sign_in(client, world):
    from engagement.models import JoinRequest

    waiting = JoinRequest.objects.filter(partnership__slug="lewisham", status=JoinRequest.Status.WAITING).first()
    data = {"request": waiting.pk if waiting else 1, "decision": "approve"}
    response = client.post(reverse("join_requests", kwargs={"slug": "lewisham"}), data)
    assert response.status_code == FOUND and response["Location"].startswith(f"{reverse('login')}?next=")
    if waiting:
        waiting.refresh_from_db()
        assert waiting.status == JoinRequest.Status.WAITING


def test_an_anonymous_visitor_may_send_views_which_wait_for_their_email(client, world, mailoutbox):
    from meetings.models import Feedback

    before = Feedback.objects.count()
    data = {"name": "Vic Visitor", "email": "vic@example.org", "text": "My views.", "consent": "on"}
    response = client.post(reverse("visitor_views", kwargs={"pk": world["upcoming_item"]}), data)
    assert response.status_code == FOUND
    assert Feedback.with_pending.filter(visitor_email="vic@example.org", confirmed_at__isnull=True).count() == 1
    assert Feedback.objects.count() == before
    bad = client.post(reverse("visitor_views_confirm", kwargs={"token": "not-a-token"}))
    assert bad.status_code == BAD_REQUEST
