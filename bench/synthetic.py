"""A synthetic meeting history on top of the demo, for the load benchmark (``bench/load.sh``).

Adds 50 held meetings to the Lewisham partnership, spread over April 2021 to
March 2026, each with five timed agenda items (engagement types and themes)
and 30 attendances from a pool of 120 people: 1,500 attendances in all. Makes
Lewisham's 2023/24 year review final and public, so visitors can read it.

Idempotent: meetings are keyed on their title, items on (meeting, order),
attendances on (meeting, participant); a second run adds nothing. Run it on a
throwaway database only (load.sh points DATABASE_URL at one):

    DATABASE_URL=sqlite:////tmp/portal-bench.sqlite3 DEBUG=1 .venv/bin/python bench/synthetic.py
"""

import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from engagement import placing  # noqa: E402
from engagement.models import EngagementType, Participant, Partnership, Theme  # noqa: E402
from meetings.models import AgendaItem, Attendance, Meeting, YearReview  # noqa: E402

MEETINGS = 50
PEOPLE = 120
PER_MEETING = 30
ITEMS = ["Arrivals", "Community voices", "Presentation", "Discussion in groups", "Dates and close"]


def meeting_start(n):
    """Every 36 days or so from 1 April 2021, on a weekday morning, London time."""
    day = datetime.date(2021, 4, 6) + datetime.timedelta(days=36 * n)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@transaction.atomic
def build():
    lewisham = Partnership.objects.get(slug="lewisham")
    ladder = list(EngagementType.objects.order_by("rank"))
    themes = list(Theme.objects.order_by("name")[:4])
    people = [
        Participant.objects.get_or_create(
            email=f"bench-person-{n:03d}@example.org", defaults={"name": f"Bench Person {n:03d}"}
        )[0]
        for n in range(PEOPLE)
    ]
    for n in range(MEETINGS):
        start = meeting_start(n)
        meeting, _ = Meeting.objects.get_or_create(
            partnership=lewisham,
            title=f"Synthetic meeting {n + 1:02d}",
            defaults={
                "start": start,
                "end": start + datetime.timedelta(hours=2),
                "status": Meeting.Status.HELD,
                "format": Meeting.Format.HYBRID,
                "venue": "Civic Suite, Catford",
                "published_at": start,
            },
        )
        for order, title in enumerate(ITEMS, start=1):
            item, created = AgendaItem.objects.get_or_create(
                meeting=meeting,
                order=order,
                defaults={
                    "title": title,
                    "start_time": datetime.time(10 + 20 * (order - 1) // 60, 20 * (order - 1) % 60),
                    "duration_minutes": 20,
                    "engagement_type": ladder[(n + order) % len(ladder)],
                    "outcome": "Views gathered and shared with the Place Executive Group.",
                },
            )
            if created and themes:
                item.themes.add(themes[(n + order) % len(themes)])
        # 30 of the 120 people, a different window each time.
        chosen = [people[(n * 7 + k) % PEOPLE] for k in range(PER_MEETING)]
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    participant=person,
                    status=Attendance.Status.ATTENDED,
                    mode=Attendance.Mode.ONLINE if k % 3 == 0 else Attendance.Mode.IN_PERSON,
                )
                for k, person in enumerate(chosen)
            ],
            ignore_conflicts=True,
        )
    placing.recount(Participant.objects.filter(has_attendance=False))  # bulk_create sends no signal
    YearReview.objects.update_or_create(
        partnership=lewisham, year=2023, defaults={"status": YearReview.Status.FINAL, "is_public": True}
    )
    synthetic = Meeting.objects.filter(title__startswith="Synthetic meeting ")
    return synthetic.count(), Attendance.objects.filter(meeting__in=synthetic).count()


if __name__ == "__main__":
    meetings, attendances = build()
    print(f"Synthetic history: {meetings} meetings, {attendances} attendances.")
