"""Benchmark: the year review at two sizes, in every format (``make bench``).

Builds a synthetic partnership history in a throwaway SQLite database (a
temporary file, migrated from scratch, filled with ``bulk_create``), then asks
for the latest year's review as HTML, CSV, XLSX and PDF through the full
request cycle (URL routing, permission check, report, renderer), signed in as
staff. For each size and format it prints the time (the median of several
runs) and the number of database queries.

    .venv/bin/python bench/year_review.py            # both sizes
    .venv/bin/python bench/year_review.py --runs 5   # more runs per format

Sizes: "small" is about 2,000 counted attendances over five years (12
meetings a year, one of them cancelled, 36 people at each); "large" about
20,000 (40 meetings a year, three cancelled, 108 people at each). Each meeting also has system staff, apologies
and a housekeeping item, which must not count, and items carry themes,
views and responses. Targets (issue 4): the number of queries does not grow
with the size; HTML and CSV under 1 s and XLSX and PDF under 5 s for the
large size. Results are also written to ``bench/results/`` (git ignores it).
"""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A throwaway database and production-like settings, before Django starts.
WORKDIR = tempfile.mkdtemp(prefix="bench-year-review-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")

import warnings  # noqa: E402

import django  # noqa: E402

# WhiteNoise warns that there is no collectstatic output: the benchmark needs none.
warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from engagement import placing  # noqa: E402
from engagement.models import EngagementType, Membership, Organisation, Participant, Partnership, Theme  # noqa: E402
from engagement.roles import STAFF  # noqa: E402
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Response, YearReview  # noqa: E402

SIZES = {
    # name: (years, meetings a year, counted attendees a meeting, people in the pool)
    "small": (5, 12, 36, 150),
    "large": (5, 40, 108, 1500),
}
FIRST_YEAR = 2019
FORMATS = ["html", "csv", "xlsx", "pdf"]
TARGETS = {"html": 1.0, "csv": 1.0, "xlsx": 5.0, "pdf": 5.0}
STAFF_AT_EACH_MEETING = 3
APOLOGIES_AT_EACH_MEETING = 3


def build(slug, years, per_year, attendees, pool):
    """One partnership's synthetic history; returns the number of counted attendances."""
    partnership = Partnership.objects.create(name=f"Benchmark partnership ({slug})", slug=slug)
    ladder = list(EngagementType.objects.order_by("rank"))
    themes = Theme.objects.bulk_create([Theme(name=f"{slug} theme {n}") for n in range(20)], batch_size=500)
    kinds = [kind for kind, _ in Organisation.Kind.choices]
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"{slug} organisation {n}", kind=kinds[n % len(kinds)]) for n in range(pool // 10)]
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                name=f"{slug} person {n}", organisation=organisations[n % len(organisations)] if n % 3 else None
            )
            for n in range(pool)
        ],
        batch_size=1000,
    )
    staff = Participant.objects.bulk_create(
        [Participant(name=f"{slug} officer {n}", is_system_staff=True) for n in range(STAFF_AT_EACH_MEETING)]
    )
    zone = timezone.get_default_timezone()
    meetings = []
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        opens = datetime.datetime(year, 4, 3, 10, tzinfo=zone)
        spacing = 360 / per_year
        for n in range(per_year):
            start = opens + datetime.timedelta(days=int(n * spacing))
            meetings.append(
                Meeting(
                    partnership=partnership,
                    title=f"Meeting {year}-{n + 1}",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    status=Meeting.Status.CANCELLED if n % 11 == 10 else Meeting.Status.HELD,
                    format=Meeting.Format.HYBRID,
                    published_at=start,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=1000)
    items, attendances, counted = [], [], 0
    statuses = ["none", "need_feedback", "responded", "awaiting_response"]
    for index, meeting in enumerate(meetings):
        items.append(AgendaItem(meeting=meeting, order=1, title="Arrivals", is_business=False))
        for order in range(2, 5):
            items.append(
                AgendaItem(
                    meeting=meeting,
                    order=order,
                    title=f"Item {order} of {meeting.title}",
                    engagement_type=ladder[(index + order) % len(ladder)],
                    outcome="Agreed; to come back with a response" if order == 3 else "",
                    feedback_status=statuses[(index + order) % len(statuses)],
                )
            )
        offset = (index * 37) % pool
        for n in range(attendees + APOLOGIES_AT_EACH_MEETING):
            person = people[(offset + n) % pool]
            came = n < attendees
            attendances.append(
                Attendance(
                    meeting=meeting,
                    participant=person,
                    status=Attendance.Status.ATTENDED if came else Attendance.Status.APOLOGIES,
                    mode=Attendance.Mode.ONLINE if n % 4 == 3 else Attendance.Mode.IN_PERSON,
                )
            )
            counted += came and meeting.status == Meeting.Status.HELD
        for officer in staff:
            attendances.append(
                Attendance(
                    meeting=meeting, participant=officer, status=Attendance.Status.ATTENDED, counts_as_staff=True
                )
            )
    items = AgendaItem.objects.bulk_create(items, batch_size=1000)
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    placing.recount(Participant.objects.filter(has_attendance=False))  # bulk_create sends no signal
    business = [item for item in items if item.is_business]
    AgendaItem.themes.through.objects.bulk_create(
        [
            AgendaItem.themes.through(agendaitem_id=item.pk, theme_id=themes[(item.pk + k) % len(themes)].pk)
            for item in business
            for k in range(2)
        ],
        batch_size=2000,
    )
    views = Feedback.objects.bulk_create(
        [
            Feedback(agenda_item=item, participant=people[item.pk % pool], text="Views on the item")
            for item in business
            if item.feedback_status != "none"
        ],
        batch_size=1000,
    )
    Feedback.themes.through.objects.bulk_create(
        [Feedback.themes.through(feedback_id=view.pk, theme_id=themes[view.pk % len(themes)].pk) for view in views],
        batch_size=2000,
    )
    Response.objects.bulk_create(
        [
            Response(
                agenda_item=item,
                what_we_did="We changed the plan.",
                decided_by="Board",
                decided_on=datetime.date(FIRST_YEAR + years, 1, 15),
                changed=Response.Changed.PLAN,
            )
            for item in business
            if item.feedback_status == "responded"
        ],
        batch_size=1000,
    )
    last_year = FIRST_YEAR + years - 1
    YearReview.objects.create(
        partnership=partnership,
        year=last_year,
        went_well="· People came back\n· The charter changed",
        challenges="· Reaching new voices",
        learnt="· Pay people for their time",
        ideas="· A development group",
    )
    return partnership, last_year, counted


def measure(client, url, runs):
    """Median seconds over ``runs`` requests (after one warm-up), the query count, the size in bytes."""
    times, queries, size = [], None, 0
    for run in range(runs + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        if run:  # the first request warms template, font and import caches
            times.append(elapsed)
        queries, size = len(captured), len(content)
    return statistics.median(times), queries, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed requests per format (default 3)")
    parser.add_argument("--sizes", default="small,large", help="comma-separated: small,large")
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench-staff")
    client = Client()
    client.force_login(user, backend="engagement.backends.MembershipBackend")

    lines = [
        f"Year review benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, "
        f"SQLite, DEBUG=0, median of {args.runs} runs",
        "",
        "| size | attendances (all years) | report year: meetings, attendances | format | time (s) | queries | bytes |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    results, missed = {}, []
    # DEBUG=0 serves static files from a collectstatic manifest; the benchmark has none.
    with override_settings(
        STORAGES={
            **django.conf.settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        for name in args.sizes.split(","):
            years, per_year, attendees, pool = SIZES[name]
            started = time.perf_counter()
            partnership, year, counted = build(name, years, per_year, attendees, pool)
            built = time.perf_counter() - started
            Membership.objects.create(user=user, partnership=partnership, role=STAFF)  # staff of this one
            _, _, opens, closes = partnership.year_window(year)
            held = Meeting.objects.filter(
                partnership=partnership, status=Meeting.Status.HELD, start__gte=opens, start__lt=closes
            )
            year_meetings = held.count()
            year_counted = Attendance.objects.counted().filter(meeting__in=held).count()
            print(f"(built {name}: {counted:,} counted attendances in {built:.1f} s)", file=sys.stderr, flush=True)
            for fmt in FORMATS:
                if fmt == "html":
                    url = reverse("year_review", kwargs={"slug": partnership.slug, "year": year})
                else:
                    url = reverse("year_review_file", kwargs={"slug": partnership.slug, "year": str(year), "fmt": fmt})
                seconds, queries, size = measure(client, url, args.runs)
                results[(name, fmt)] = queries
                if name == "large" and seconds > TARGETS[fmt]:
                    missed.append(f"{fmt} took {seconds:.2f} s (target {TARGETS[fmt]:g} s)")
                line = (
                    f"| {name} | {counted:,} | {year_meetings}, {year_counted:,} | {fmt} | {seconds:.3f} | "
                    f"{queries} | {size:,} |"
                )
                lines.append(line)
                print(line, flush=True)
    for fmt in FORMATS:
        counts = {results[(name, fmt)] for name in args.sizes.split(",") if (name, fmt) in results}
        if len(counts) > 1:
            missed.append(f"{fmt}: the number of queries grew with the size ({sorted(counts)})")
    verdict = "All targets met." if not missed else "Missed: " + "; ".join(missed)
    lines += ["", verdict]
    print("\n" + verdict)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"year_review-{datetime.datetime.now():%Y%m%d-%H%M%S}.md").write_text("\n".join(lines) + "\n")
    connection.close()
    shutil.rmtree(WORKDIR, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
