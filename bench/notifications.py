"""Benchmark: a 2,000-person meeting's reminder through the task worker, and registering's web request.

Builds a throwaway SQLite database (a temporary file, migrated from scratch)
with one partnership and a meeting tomorrow that ``--people`` members
(2,000 by default) registered for, then:

1. times the web request of one more member registering (the full request
   cycle: sign-in session, form, service, outbox row and task written; the
   email itself is sent by the worker, not the request), median of several;
2. times ``send_reminders`` (the outbox rows and their tasks, one task per
   ``SEND_BATCH`` rows) and ``db_worker --batch`` (the worker sending every
   reminder, a batch to a mail connection) to Django's file backend, and
   checks that every person got exactly one message. Beside the wall time
   it prints the process's CPU time and the load average: on a shared
   machine the wall time says as much about the neighbours as about us.

Targets (issue 16): reminders for 2,000 people sent in under 30 s; the
registering request under 200 ms.

    .venv/bin/python bench/notifications.py                # 2,000 people
    .venv/bin/python bench/notifications.py --people 100   # a quick check
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

WORKDIR = tempfile.mkdtemp(prefix="bench-notifications-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"
os.environ["TASKS_BACKEND"] = "database"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
os.environ["EMAIL_FILE_PATH"] = f"{WORKDIR}/mail"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from engagement import placing  # noqa: E402
from engagement.models import Membership, Participant, Partnership  # noqa: E402
from engagement.notifications.models import Notification  # noqa: E402
from meetings.models import Attendance, Meeting  # noqa: E402


def build(people):
    partnership = Partnership.objects.create(
        name="Bench People's Partnership", slug="bench", contact_email="hello@bench.example.org"
    )
    start = timezone.now() + datetime.timedelta(days=1)
    meeting = Meeting.objects.create(
        partnership=partnership,
        title="Big forum",
        start=start,
        end=start + datetime.timedelta(hours=2),
        venue="Town Hall",
        format=Meeting.Format.HYBRID,
        online_link="https://meet.example.org/big",
        published_at=timezone.now(),
    )
    participants = Participant.objects.bulk_create(
        Participant(name=f"Person {n}", email=f"person{n}@example.org") for n in range(people)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, participant=participant, status=Attendance.Status.REGISTERED)
        for participant in participants
    )
    placing.recount(Participant.objects.filter(pk__in=[p.pk for p in participants]))  # bulk_create sends no signal
    return partnership, meeting


def time_registering(partnership, runs):
    """The web request of members registering for a meeting (each a new member), in seconds."""
    later = timezone.now() + datetime.timedelta(days=20)
    meeting = Meeting.objects.create(
        partnership=partnership,
        title="Another forum",
        start=later,
        end=later + datetime.timedelta(hours=2),
        published_at=timezone.now(),
    )
    times = []
    for n in range(runs):
        user = User.objects.create_user(f"bench-member-{n}", email=f"bench{n}@example.org")
        Membership.objects.create(user=user, partnership=partnership, role="member")
        Participant.objects.create(name=f"Bench Member {n}", email=f"bench{n}@example.org", user=user)
        client = Client()
        client.force_login(user)
        url = reverse("meeting_register", args=[meeting.pk])
        began = time.perf_counter()
        response = client.post(url, {"coming": "in_person"})
        times.append(time.perf_counter() - began)
        assert response.status_code == 302, response.status_code
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7, help="registering requests to time")
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        setup_test_environment()
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["testserver"]
        settings.EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]  # setup_test_environment put locmem in its place
        # DEBUG=0 serves static files from a collectstatic manifest; the benchmark has none.
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        partnership, meeting = build(args.people)

        request_times = time_registering(partnership, args.runs)
        # The test client needed the test environment; the worker runs without it, as in production
        # (it instruments every template rendered and swaps the email backend).
        teardown_test_environment()
        settings.EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)  # their confirmations
        Notification.objects.all().delete()
        shutil.rmtree(f"{WORKDIR}/mail", ignore_errors=True)

        began, cpu_began = time.perf_counter(), time.process_time()
        call_command("send_reminders", stdout=open(os.devnull, "w"))
        written, cpu_written = time.perf_counter() - began, time.process_time() - cpu_began
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        total, cpu = time.perf_counter() - began, time.process_time() - cpu_began

        sent = Notification.objects.filter(kind="reminder", status=Notification.Status.SENT).count()
        files = list(Path(f"{WORKDIR}/mail").glob("*.log"))
        messages = sum(path.read_text().count("\nSubject: Reminder: Big forum") for path in files)
        print(f"Reminder for {args.people} people: {total:.1f} s in all (target < 30 s)")
        print(f"  written to the outbox with their tasks: {written:.1f} s; sent by db_worker: {total - written:.1f} s")
        print(
            f"  {sent} sent, {messages} messages in the file backend's folder; CPU time of the process: {cpu:.1f} s "
            f"({cpu_written:.1f} s writing, {cpu - cpu_written:.1f} s sending)"
        )
        print(f"  load average (1, 5, 15 min): {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
        print(
            f"Registering (web request, {args.runs} runs): median {statistics.median(request_times) * 1000:.0f} ms, "
            f"max {max(request_times) * 1000:.0f} ms (target < 200 ms)"
        )
        if sent != args.people or messages != args.people:
            sys.exit("Not every person got exactly one reminder.")
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
