"""Hostile query strings: every GET parameter of every page, as every role, never a server error.

Nothing here is a list to keep up to date. The pages are the URL permission matrix's
(``tests/test_url_matrix.py``: found by walking the resolver, each with a line in its
EXPECTED, which fails for a new URL until it has one), filled from the same demo world.
Each page's parameters are found by asking the page, as each role:

1. a plain GET records every key the view reads from ``request.GET`` (``request.GET`` is
   swapped for a recording copy), and collects the fields of every form the page renders
   (a filter form is read only once the query string is not empty, like the year summary's);
2. a second GET gives all of those keys at once and records what the view reads then.

Then every hostile value goes to all the keys the view read at once, as each role the page
served, and to each key alone as the first of them; a role that is refused gets every key at
once (sending them to the sign-in page or a 403 must not break either). Anything from 500 up fails, as does a script sent back unescaped.

``test_views_read_the_query_string_only_through_query_string`` keeps the fix in one place: views
read ids and page numbers through ``engagement/query_string.py`` and pass ``request.GET`` whole
only to forms (or copy it for pager links).
"""

import inspect
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.forms import BaseForm
from django.http import HttpResponse, QueryDict
from django.template.context import BaseContext
from django.test import Client
from django.urls import clear_url_caches, get_resolver, path
from django_filters import FilterSet

from tests.test_url_matrix import DEMO_USERS, EXPECTED, ROLES, demo_world, discover, url_for

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('hostile')</script>"
HOSTILE = [
    "\x00",  # PostgreSQL refuses a NUL byte in any string
    "lewisham\x00",
    "²",  # "²".isdigit() is true, int("²") fails
    "٣",  # int("٣") is 3: an Arabic-Indic digit is not an id either
    "",
    " ",
    "x" * 3000,
    "9" * 30,  # beyond any integer column
    "-1",
    "../../../etc/passwd",
    "sNaN",
    "0001-01-01",
    SCRIPT,
]
REPEATED = ["1", "\x00"]  # the same key twice, the last one hostile
UNKNOWN_KEY = "utm_source"  # a key no page reads: it must be ignored
APP_DIRS = ["engagement", "meetings", "priorities", "reimbursement", "partnership_portal"]
ROOT = Path(__file__).resolve().parents[2]


class RecordingQueryDict(QueryDict):
    """``request.GET`` that notes every key read (also through copies, which share ``seen``)."""

    seen = set()

    def __getitem__(self, key):
        RecordingQueryDict.seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        RecordingQueryDict.seen.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        RecordingQueryDict.seen.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        RecordingQueryDict.seen.add(key)
        return super().__contains__(key)


def recording_get(request):
    if "_recording_get" not in request.__dict__:
        request.__dict__["_recording_get"] = RecordingQueryDict(
            request.environ.get("QUERY_STRING", ""), encoding=request.encoding
        )
    return request.__dict__["_recording_get"]


def form_keys(response):
    """The names (with prefixes) of every field of every form the page rendered, filter forms included."""
    contexts = response.context or []
    if isinstance(contexts, BaseContext):
        contexts = [contexts]
    keys = set()
    for context in contexts:
        for value in context.flatten().values():
            form = value.form if isinstance(value, FilterSet) else value
            if isinstance(form, BaseForm):
                keys.update(form.add_prefix(name) for name in form.fields)
    return keys


def signed_in(client, role):
    client.logout()
    if role != "anonymous":
        client.force_login(User.objects.get(username=DEMO_USERS[role]))
    return client


def plain_get(client, url, query=None):
    cache.clear()  # a page kept for visitors would answer without running the view
    RecordingQueryDict.seen = set()
    response = client.get(url, query or {})
    return response, set(RecordingQueryDict.seen)


def probe(client, url, every_key=()):
    """What the page at ``url`` reads, as the signed-in role: (status, keys read, keys of its forms)."""
    response, read = plain_get(client, url)
    candidates = set(read) | form_keys(response) | set(every_key)
    if candidates:
        again, read_again = plain_get(client, url, dict.fromkeys(sorted(candidates), "1"))
        read |= read_again
        candidates |= form_keys(again)
    return response.status_code, read, candidates


def attacks(read, candidates, one_by_one):
    """The query strings to send to a page, as one role.

    A role the page served (it read keys): each hostile value to all the keys it read at once,
    and, for ``one_by_one``, to each key alone too. A role it refused: every key at once.
    """
    if read:
        for value in [*HOSTILE, REPEATED]:
            yield dict.fromkeys(sorted(read), value)
            if one_by_one and len(read) > 1:
                for key in sorted(read):
                    yield {key: value}
    else:
        keys = sorted(set(candidates) | {UNKNOWN_KEY})
        yield {key: HOSTILE[index % len(HOSTILE)] for index, key in enumerate(keys)}


def server_errors(client, url, read, candidates, one_by_one=True):
    """Every attack on ``url`` that the page answered with a server error or a live script."""
    wrong = []
    for query in attacks(read, candidates, one_by_one):
        response = client.get(url, query)
        shown = {key: (value if len(str(value)) < 40 else f"{str(value)[:20]}…") for key, value in query.items()}
        if response.status_code >= 500:
            wrong.append(f"{response.status_code} for {shown}")
        elif response.get("Content-Type", "").startswith("text/html") and SCRIPT in response.content.decode(
            errors="replace"
        ):
            wrong.append(f"script sent back unescaped for {shown}")
    return wrong


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The permission matrix's world: the demo, loaded once for the module and rolled back afterwards."""
    with demo_world(django_db_blocker) as found:
        yield found


@pytest.fixture(scope="module")
def parameters(world, django_db_blocker, monkeypatch_module):
    """{url name: {role: (status, keys read, form keys)}} for every page of the matrix, found by asking."""
    monkeypatch_module.setattr(WSGIRequest, "GET", property(recording_get))
    client = Client(raise_request_exception=False)
    found = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            signed_in(client, role)
            for name in sorted(EXPECTED):
                found.setdefault(name, {})[role] = probe(client, url_for(name, world))
    monkeypatch_module.undo()
    return found


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def every_key(found):
    return set().union(*(read | candidates for _, read, candidates in found.values()))


def test_every_page_of_the_resolver_is_probed_as_every_role(parameters):
    names = {name for name, _ in discover()}
    assert names == set(EXPECTED), "tests/test_url_matrix.py lists other URLs than the resolver: fix it there first"
    missing = sorted(name for name in names if set(parameters.get(name, {})) != set(ROLES))
    assert not missing, f"not probed as every role: {missing}"


def test_every_view_that_reads_the_query_string_is_seen_reading_it(world, parameters):
    """A guard for the recorder: a view whose code reads the query string must be seen reading some key."""
    unseen = []
    for pattern_name, _ in discover():
        callback = get_resolver().resolve(url_for(pattern_name, world)).func
        source = inspect.getsource(inspect.unwrap(callback))
        if re.search(r"request\.GET|page_number\(|query_id\(", source):
            if not any(read for _, read, _ in parameters[pattern_name].values()):
                unseen.append(pattern_name)
    assert not unseen, f"these views read the query string but no key was seen read: {unseen}"


def test_the_recorder_finds_the_parameters_of_known_pages(parameters):
    """A guard for the discovery: pages whose parameters we know are found reading them."""

    def read_by_anyone(name):
        return set().union(*(read for _, read, _ in parameters[name].values()))

    assert {"partnership", "year", "format", "engagement_type", "page"} <= read_by_anyone("meeting_list")
    assert {"partnership", "status", "theme", "framework", "owner", "archived", "page"} <= read_by_anyone(
        "priority_list"
    )
    assert {"partnership", "waiting_page", "responded_page"} <= read_by_anyone("you_said_we_did")
    assert {"attendance"} <= read_by_anyone("claim_new")
    assert {"partnership", "year"} <= read_by_anyone("claim_year_summary")  # read only when the query is not empty
    assert {"approved_before"} <= read_by_anyone("payment_run_csv")
    assert {"partnership"} <= read_by_anyone("meeting_calendar") & read_by_anyone("claim_policy")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_hostile_value_in_any_parameter_gives_a_server_error(world, parameters, name):
    client = Client(raise_request_exception=False)
    url = url_for(name, world)
    keys = every_key(parameters[name])
    # Each key alone as the first role the page serves; all at once as every role (it keeps the suite fast).
    first = next((role for role in ROLES if parameters[name][role][1]), None)
    wrong = []
    for role in ROLES:
        _, read, candidates = parameters[name][role]
        signed_in(client, role)
        problems = server_errors(client, url, read, candidates | keys, one_by_one=role == first)
        wrong += [f"{role}: {problem}" for problem in problems]
    assert not wrong, f"{url}\n" + "\n".join(wrong)


RUN_FILES = {"payment_run_csv"}  # one partnership's run as a file: an unknown partnership is a 404
FEEDS = {"meeting_calendar"}  # files for calendar apps: an unknown partnership is a 404 that names it


def test_every_page_that_reads_a_partnership_names_an_unknown_one(world, parameters):
    """One behaviour on every page found reading ``?partnership=``: 200, and "No partnership called “nope”."."""
    client = Client(raise_request_exception=False)
    wrong, checked = [], []
    for name, by_role in sorted(parameters.items()):
        role = next((role for role in ROLES if "partnership" in by_role[role][1]), None)
        if role is None:
            continue
        response = signed_in(client, role).get(url_for(name, world), {"partnership": "nope"})
        if name in RUN_FILES:  # a payment run names one partnership: another is no such run
            expected, said = 404, True
        else:
            expected, said = (
                (404 if name in FEEDS else 200),
                "No partnership called “nope”." in response.content.decode(),
            )
        if response.status_code != expected or not said:
            wrong.append(f"{name} as {role}: {response.status_code}")
        checked.append(name)
    assert not wrong, wrong
    assert {"meeting_list", "priority_list", "you_said_we_did", "claim_policy", "claim_year_summary"} <= set(checked)


def test_the_attack_would_catch_a_page_that_breaks_on_a_hostile_value(world, monkeypatch):
    """A guard for the guard: a view doing ``int(request.GET[...])`` is found reading it and caught."""
    from partnership_portal import urls

    def fragile(request):
        return HttpResponse(str(int(request.GET.get("number", "0") or 0)))

    monkeypatch.setattr(urls, "urlpatterns", [*urls.urlpatterns, path("fragile/", fragile, name="fragile")])
    clear_url_caches()
    try:
        client = Client(raise_request_exception=False)
        with pytest.MonkeyPatch.context() as recording:
            recording.setattr(WSGIRequest, "GET", property(recording_get))
            status, read, candidates = probe(client, "/fragile/")
        assert (status, read) == (200, {"number"})
        assert any("'number': '²'" in problem for problem in server_errors(client, "/fragile/", read, candidates))
    finally:
        monkeypatch.undo()
        clear_url_caches()


def test_views_read_the_query_string_only_through_query_string():
    """Ids and pages through ``engagement/query_string.py``; ``request.GET`` whole only into a form or a copy."""
    allowed = re.compile(r"request\.GET(\s*or None)?\s*[,)]|request\.GET\.copy\(\)")
    offenders = []
    for folder in APP_DIRS:
        for module in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in module.parts or module.name == "query_string.py":
                continue
            for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
                for use in re.finditer(r"request\.GET[^\n]{0,12}", line):
                    if not allowed.match(line, use.start()):
                        offenders.append(f"{module.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "read these through engagement/query_string.py or a QueryForm:\n" + "\n".join(offenders)
