"""Benchmark: every page at the demo's size and at a whole region's size (``make bench-scale``).

Makes its own PostgreSQL database (``portal_bench_scale`` on the local
server), migrates it, loads the demo (``load_demo``, with DEBUG on for that
command only) and keeps a copy of it as it is (``portal_bench_scale_demo``).
Then it adds a region on top (``bench/region.py``: 300 partnerships, 9,000
meetings, 54,000 agenda items, 225,000 attendances, 60,000 people, 20,000
claims, with views, responses, priorities and users; about a minute), runs
``ANALYZE``, and times every page at demo size and then at once at region
size, one page after the other, so that the load other work puts on the
machine weighs on both figures of a row alike. Both databases are dropped
and made again at the start of every run and left in place at the end, so
that a slow page's queries can be looked at with ``psql`` (``--drop`` drops
them at the end).

The pages are those of the URL permission matrix (``tests/test_url_matrix.py``:
its EXPECTED, world and URLs, so a page added there is timed here too), each
as its main role: the narrowest role that gets a 200 (anonymous, member,
staff, finance, then the chair), and a page open to visitors also as a
signed-in member, who never gets the visitors' page cache. Then the back
office: the admin index and every registered model's list, as the chair, or
as a superuser where the chair gets no 200. Requests go through Django's test
client: the full request cycle with the real middleware, DEBUG off, and the
visitors' page cache off, so that every request renders its page. Who plays
each role is set up in one function, ``users_for_roles``.

Every page is requested once first, untimed, to fill the process's caches.
The parts kept for everyone until their data changes (the home page's directory,
the calendar feed: ``FRAGMENT_CACHE_SECONDS``) are left on, as people get them,
and dropped at each switch of database; the table's "region first ms" is the
first request after that, which makes them again.
Then for each page and size: one warm-up request, whose queries are counted,
and the median of 15 timed requests (fewer, never under 3, once a page has
used ``--budget`` seconds, 20 by default: the slowest take seconds each, and
the run would take half an hour; the table says how many). Targets (issue
13): no page more than 2x its demo-size time (a page less than 5 ms slower
is noise), none above 300 ms median, query counts flat. Prints one markdown
table, writes it to ``bench/results/`` (git ignores it), and exits 1 when a
target is missed.

    .venv/bin/python bench/scale.py                # the whole run (about 10 minutes)
    .venv/bin/python bench/scale.py --scale 0.05   # a small region, for a quick look
"""

import argparse
import datetime
import io
import logging
import os
import re
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Its own database and production-like settings, before Django starts.
SERVER = os.environ.get("BENCH_SCALE_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_SCALE_DB", "portal_bench_scale")
DEMO_DB_NAME = f"{DB_NAME}_demo"
os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"
os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"  # time the rendering, which the cache hides and data size changes
os.environ["LOG_LEVEL"] = "ERROR"
for name in ("REDIS_URL", "EMAIL_HOST", "AWS_STORAGE_BUCKET_NAME"):  # nothing shared with anyone else
    os.environ.pop(name, None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")

import django  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

# WhiteNoise warns that there is no collectstatic output: the benchmark needs none.
warnings.filterwarnings("ignore", message="No directory at")
django.setup()
# A 403 to the back-office probe (admin_pages) is an answer, not news; errors are still shown.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import region  # noqa: E402
from engagement.models import Membership, Participant, Partnership  # noqa: E402
from engagement.roles import CHAIR, FINANCE, MEMBER, STAFF  # noqa: E402
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Response  # noqa: E402
from reimbursement.models import Claim, ClaimLine  # noqa: E402
from tests.test_url_matrix import (  # noqa: E402
    DEMO_USERS,
    EXPECTED,
    OK,
    ROLES,
    build_world,
    discover,
    statuses_of,
    url_for,
)
from toolkit.page_cache import content_changed  # noqa: E402

# The narrowest role first: a page is timed as the first of these that gets a 200. The chair, who may
# do nearly everything, comes last, so finance's pages are timed as finance.
MAIN_ROLE_ORDER = ("anonymous", "member", "staff", "finance", "chair")
ADMIN_ROLE_ORDER = ("chair", "superuser")
TARGET_RATIO = 2.0
TARGET_MS = 300.0
# A page a few milliseconds slower is noise on a shared machine, not growth: 0.5 ms -> 1.1 ms is "2.2x".
NOISE_MS = 5.0
COUNTED = [Partnership, Participant, User, Meeting, AgendaItem, Attendance, Feedback, Response, Claim, ClaimLine]

# The backend a benchmark client signs in with: the portal's own (settings.AUTHENTICATION_BACKENDS), as
# signing in does; a session naming a backend the settings do not list is nobody's.
LOGIN_BACKEND = "engagement.backends.MembershipBackend"


def users_for_roles():
    """The user who plays each role: ``{role: user}``, ``None`` for anonymous, plus a superuser.

    The one place that says how a user holds a role: a ``Membership(user, partnership, role)``. Each of
    the URL matrix's demo users holds their role in Lewisham, the partnership the matrix's world belongs
    to (load_demo has given it already; this makes sure). Lewisham's chair sees Lewisham's rows in the
    back office, where a superuser sees the whole region's: ADMIN_ROLE_ORDER says which of the two the
    admin lists are timed as, and the superuser's rows are the ones that grow with the region.
    """
    lewisham = Partnership.objects.get(slug="lewisham")
    users = {"anonymous": None}
    for role in (MEMBER, STAFF, FINANCE, CHAIR):
        user = User.objects.get(username=DEMO_USERS[role])
        Membership.objects.get_or_create(user=user, partnership=lewisham, role=role)
        users[role] = user
    users["superuser"], _ = User.objects.get_or_create(
        username="bench-superuser", defaults={"is_staff": True, "is_superuser": True}
    )
    return users


@dataclass
class Page:
    label: str
    url: str
    role: str


@dataclass
class Timing:
    median_ms: float | None = None
    queries: int | None = None
    runs: int = 0
    error: str = ""
    first_ms: float | None = None  # the warm-up request, the first after the data changed


def _server(*statements):
    """Run statements on the server's ``postgres`` database, outside any transaction."""
    server = psycopg2.connect(f"{SERVER}/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    server.close()


def _drop(name):
    return sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))


def recreate_database():
    """Drop the benchmark's databases if they are there and make the main one again, empty."""
    if not re.fullmatch(r"\w*bench\w*", DB_NAME):
        sys.exit(f"Refusing to drop {DB_NAME!r}: the benchmark's database name must contain 'bench'.")
    _server(_drop(DEMO_DB_NAME), _drop(DB_NAME), sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def copy_demo_database():
    """Keep the demo as it is in a copy (ids and sessions included), before the region is added."""
    connection.close()  # PostgreSQL copies a database only while nobody is connected to it
    _server(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(DEMO_DB_NAME), sql.Identifier(DB_NAME)))


def use_database(name):
    """Point Django's connection at one of the two databases; it connects again on the next query.

    To the pages it is as if every record had changed: what is kept per content version (the
    directory, the feed; ``toolkit.page_cache``) is dropped, so one size is never served the
    other's. What is kept under a digest of its data (each event's text) stays, as it would.
    """
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
        content_changed()


def copy_sessions(clients, database):
    """The clients' sessions, made in the current database, into ``database`` too (``--reuse`` signs in once)."""
    from django.contrib.sessions.models import Session

    keys = [client.cookies[settings.SESSION_COOKIE_NAME].value for client in clients if client.cookies]
    sessions = list(Session.objects.filter(session_key__in=keys))
    current = connection.settings_dict["NAME"]
    use_database(database)
    Session.objects.bulk_create(sessions, ignore_conflicts=True)
    use_database(current)


def matrix_pages(world):
    """Every URL of the matrix as its main role (and visitors' pages also as a member); and what is not timed."""
    pages, untimed = [], []
    for name, (_, codes) in EXPECTED.items():
        granted = dict(zip(ROLES, statuses_of(codes), strict=True))
        roles = [role for role in MAIN_ROLE_ORDER if granted.get(role) == OK]
        if not roles:
            untimed.append(f"`{name}`: no role gets a 200 to a GET")
            continue
        url = url_for(name, world)
        pages += [Page(f"{name} `{url}`", url, role) for role in roles[: 2 if roles[0] == "anonymous" else 1]]
        if name == "meeting_calendar":  # what a calendar app subscribes to: one partnership's feed
            one = f"{url}?partnership={world['slug']}"
            pages += [Page(f"{name} `{one}`", one, role) for role in roles[:1]]
    for name in sorted({name for name, _ in discover()} - EXPECTED.keys()):
        untimed.append(f"`{name}`: not in the URL matrix yet, so nothing says who may open it")
    return pages, untimed


def admin_pages(clients):
    """The admin index and every registered model's list, as the first of ADMIN_ROLE_ORDER that gets a 200."""
    urls = [("admin index", reverse("admin:index"))]
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        opts = model._meta
        urls.append((f"admin {opts.label}", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
    pages, untimed = [], []
    for label, url in urls:
        role = next((role for role in ADMIN_ROLE_ORDER if clients[role].get(url).status_code == OK), None)
        if role is None:
            untimed.append(f"{label}: no 200 for {' or '.join(ADMIN_ROLE_ORDER)}")
        else:
            pages.append(Page(f"{label} `{url}`", url, role))
    return pages, untimed


def fetch(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 (read, as a browser would)
    return response


def time_page(client, url, runs, min_runs, budget):
    """A warm-up request, whose queries are counted, then up to ``runs`` timed requests.

    The process's own caches (content types, templates) are already filled by ``warm_up``, so the
    warm-up's queries are those of every request; counting them there saves a request on the
    slowest pages, which take seconds each.
    """
    try:
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            status = fetch(client, url).status_code
        first_ms = (time.perf_counter() - began) * 1000
        if status != OK:
            return Timing(error=f"answered {status}")
        queries = len(captured)
        times = []
        while len(times) < runs:
            started = time.perf_counter()
            fetch(client, url)
            times.append(time.perf_counter() - started)
            if len(times) >= min_runs and time.perf_counter() - began > budget:
                break
    except Exception as error:  # a page that fails is reported in its row, and the run goes on
        return Timing(error=f"{type(error).__name__}: {error}"[:100])
    return Timing(statistics.median(times) * 1000, queries, len(times), first_ms=first_ms)


def warm_up(pages, clients):
    """Every page once, untimed, so that no page's first request fills a cache that later ones use."""
    for page in pages:
        try:
            fetch(clients[page.role], page.url)
        except Exception:  # reported when the page is timed
            pass


def time_pages(pages, clients, args):
    """Each page at demo size, then at once at region size: the machine's load changes both alike."""
    demo, large = [], []
    for page in pages:
        for database, timings in ((DEMO_DB_NAME, demo), (DB_NAME, large)):
            use_database(database)
            timings.append(time_page(clients[page.role], page.url, args.runs, args.min_runs, args.budget))
        shown = [t.error or f"{t.median_ms:.1f} ms, {t.queries} queries, {t.runs} runs" for t in (demo[-1], large[-1])]
        print(f"  {page.role:<9} {page.label}: {shown[0]} -> {shown[1]}", file=sys.stderr, flush=True)
    return demo, large


def ms(timing, runs):
    if timing.median_ms is None:
        return "–"
    figure = f"{timing.median_ms:,.0f}" if timing.median_ms >= 100 else f"{timing.median_ms:.1f}"
    return figure if timing.runs >= runs else f"{figure} (n={timing.runs})"


def first(timing):
    """The first request after the data changed: what a page's kept parts cost to make again."""
    if timing.first_ms is None:
        return "–"
    return f"{timing.first_ms:,.0f}" if timing.first_ms >= 100 else f"{timing.first_ms:.1f}"


def misses(demo, large):
    """What a row misses of the targets, in words; empty when it meets them."""
    if demo.error or large.error:
        return [f"demo: {demo.error}" if demo.error else f"region: {large.error}"]
    missed = []
    if large.median_ms > TARGET_RATIO * demo.median_ms and large.median_ms - demo.median_ms > NOISE_MS:
        missed.append(f"{large.median_ms / demo.median_ms:.1f}x")
    if max(demo.median_ms, large.median_ms) > TARGET_MS:
        missed.append(f"over {TARGET_MS:.0f} ms")
    if large.queries > demo.queries:
        missed.append(f"+{large.queries - demo.queries} queries")
    return missed


def table(pages, demo, large, runs):
    lines = [
        "| page | role | demo ms | region ms | ratio | region first ms | demo queries | region queries | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    missed_rows = 0
    for page, small, big in zip(pages, demo, large, strict=True):
        missed = misses(small, big)
        missed_rows += bool(missed)
        ratio = f"{big.median_ms / small.median_ms:.1f}x" if small.median_ms and big.median_ms else "–"
        queries = [str(t.queries) if t.queries is not None else "–" for t in (small, big)]
        verdict = f"**MISS** {', '.join(missed)}" if missed else "met"
        lines.append(
            f"| {page.label} | {page.role} | {ms(small, runs)} | {ms(big, runs)} | {ratio} | {first(big)} | "
            f"{queries[0]} | {queries[1]} | {verdict} |"
        )
    return lines, missed_rows


def loads(averages):
    return " ".join(f"{x:.2f}" for x in averages)


def counts():
    return {model._meta.verbose_name_plural: model.objects.count() for model in COUNTED}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page and size (default 15)")
    parser.add_argument("--min-runs", type=int, default=3, help="never fewer timed requests than this (default 3)")
    parser.add_argument(
        "--budget",
        type=float,
        default=20,
        help="seconds a page may take (warm-up included) before it stops (default 20)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="the region's size, 1 = issue 13's (default 1)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end (default: leave it)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the databases the last run left (migrated, not built again): a quick second look after a fix",
    )
    parser.add_argument(
        "--only", metavar="REGEX", help="time only the pages whose label matches (e.g. 'admin|/meetings/')"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    load_before = os.getloadavg()

    if args.reuse:
        print(f"== the databases of the last run, {DB_NAME} and {DEMO_DB_NAME} (migrated)", file=sys.stderr, flush=True)
        for database in (DEMO_DB_NAME, DB_NAME):
            use_database(database)
            call_command("migrate", verbosity=0)
    else:
        print(f"== a fresh database {DB_NAME}: migrate, the demo", file=sys.stderr, flush=True)
        recreate_database()
        call_command("migrate", verbosity=0)
        with override_settings(DEBUG=True):  # load_demo refuses to run with DEBUG off
            call_command("load_demo", stdout=io.StringIO())
    world = build_world()
    users = users_for_roles()
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user, backend=LOGIN_BACKEND)
    if args.reuse:
        copy_sessions(clients.values(), DEMO_DB_NAME)

    # DEBUG=0 serves static files from a collectstatic manifest; the benchmark has none.
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
        use_database(DEMO_DB_NAME if args.reuse else DB_NAME)
        pages, untimed = matrix_pages(world)
        more, not_admin = admin_pages(clients)
        pages += more
        untimed += not_admin
        if args.only:
            pages = [page for page in pages if re.search(args.only, page.label)]
        demo_counts = counts()
        if args.reuse:
            use_database(DB_NAME)
            built = 0.0
        else:
            copy_demo_database()
            print(f"== building the region (scale {args.scale:g}) on top of the demo", file=sys.stderr, flush=True)
            built = region.build(args.scale, log=lambda line: print(line, file=sys.stderr, flush=True))
        region_counts = counts()
        for database in (DEMO_DB_NAME, DB_NAME):
            use_database(database)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"  built in {built:.1f} s", file=sys.stderr, flush=True)

        print(f"== {len(pages)} pages, each at demo size then region size", file=sys.stderr, flush=True)
        for database in (DEMO_DB_NAME, DB_NAME):
            use_database(database)
            warm_up(pages, clients)
        load_timing = os.getloadavg()
        demo, large = time_pages(pages, clients, args)

    rows, missed_rows = table(pages, demo, large, args.runs)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    sizes = ", ".join(f"{name} {demo_counts[name]:,} → {region_counts[name]:,}" for name in demo_counts)
    lines = [
        f"Scale benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, PostgreSQL "
        f"{server_version}, DEBUG=0, page cache off, Django test client; median of {args.runs} requests "
        f"(n= where the {args.budget:g} s budget cut it short). Load average at the start: {loads(load_before)}; "
        f"when timing began: {loads(load_timing)}; at the end: {loads(os.getloadavg())}.",
        "",
        f"Demo → region: {sizes}. "
        + ("Databases of the last run (--reuse)" if args.reuse else f"Region built in {built:.0f} s")
        + f"; whole run {time.perf_counter() - started:.0f} s.",
        "",
        *rows,
        "",
        f"Targets: region at most {TARGET_RATIO:g}x demo (and a page less than {NOISE_MS:g} ms slower is noise), "
        f"no median over {TARGET_MS:.0f} ms, queries flat.",
        f"{missed_rows} of {len(rows) - 2} rows miss a target." if missed_rows else "Every target met.",
    ]
    if untimed:
        lines += ["", "Not timed:", *(f"- {reason}" for reason in untimed)]
    print("\n".join(lines))
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    result = results_dir / f"scale-{datetime.datetime.now():%Y%m%d-%H%M%S}.md"
    result.write_text("\n".join(lines) + "\n")
    print(f"\n(written to {result.relative_to(ROOT)})", file=sys.stderr)
    connection.close()
    if args.drop:
        _server(_drop(DEMO_DB_NAME), _drop(DB_NAME))
    else:
        print(f"(databases left in place: psql {SERVER}/{DB_NAME}, and {DEMO_DB_NAME})", file=sys.stderr)
    return 1 if missed_rows else 0


if __name__ == "__main__":
    sys.exit(main())
