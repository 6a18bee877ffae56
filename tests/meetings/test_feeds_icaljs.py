"""The calendar feed read by Mozilla's ical.js (Thunderbird's calendar and many web calendars), run by Node.

A parser from another ecosystem than the one that wrote the feed: the icalendar tests in
test_feeds.py read the TZID by name and never look at the VTIMEZONE, so they cannot see a
definition that another app reads wrongly. ical.js uses only the file's own VTIMEZONE.

``tests/icaljs/`` pins ical.js in package.json and package-lock.json; ``npm ci`` installs it
there once (node_modules is kept between runs and ignored by git). The tests are skipped,
saying why, when Node or npm is missing or the npm registry cannot be reached.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import aware, make_meeting

ICALJS_DIR = Path(__file__).resolve().parent.parent / "icaljs"
SCRIPT = ICALJS_DIR / "event_starts.mjs"
OFFLINE_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH")


@pytest.fixture(autouse=True)
def every_year_in_the_feed(settings):
    """These tests' meetings are on fixed dates (2023, 2024): the feed's window (FEED_PAST_DAYS) is
    widened to take them all; tests/meetings/test_region_scale.py tests the window itself."""
    settings.FEED_PAST_DAYS = 365 * 50


@pytest.fixture(scope="module")
def icaljs():
    """``node`` ready to run the script: ical.js installed from the lock file (once; kept afterwards)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are needed to run ical.js (Debian: apt-get install nodejs npm)")
    installed = ICALJS_DIR / "node_modules" / "ical.js" / "package.json"
    lock = ICALJS_DIR / "package-lock.json"
    marker = ICALJS_DIR / "node_modules" / ".package-lock.json"
    if not installed.exists() or not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ICALJS_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr)[-2000:]
            if any(code in output for code in OFFLINE_ERRORS):
                pytest.skip(f"npm could not reach its registry to install ical.js: {output.strip()[-300:]}")
            pytest.fail(f"npm ci in {ICALJS_DIR} failed:\n{output}")
    return node


def utc_starts(node, ics):
    """{UID: start} as ical.js reads them: '2024-04-23T09:00:00Z', or '2024-06-26' for an all-day event."""
    result = subprocess.run(
        [node, str(SCRIPT)], input=ics, cwd=ICALJS_DIR, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split("\t") for line in result.stdout.splitlines())


# Local (UK) start, and the UTC start every calendar must show.
MEETINGS = [
    (aware(2024, 4, 23, 10, 0), "2024-04-23T09:00:00Z"),  # the Year 1 Review: BST
    (aware(2023, 12, 6, 10, 0), "2023-12-06T10:00:00Z"),  # GMT
    (aware(2031, 7, 9, 18, 30), "2031-07-09T17:30:00Z"),  # BST, after any list of dates would end
    (aware(2031, 1, 15, 10, 0), "2031-01-15T10:00:00Z"),  # GMT
    (aware(2031, 3, 30, 10, 0), "2031-03-30T09:00:00Z"),  # the morning the clocks went forward
    (aware(2031, 10, 26, 10, 0), "2031-10-26T10:00:00Z"),  # the morning they went back
]


def test_icaljs_reads_summer_and_winter_meetings_at_the_right_utc_time(client, partnership, icaljs):
    meetings = [(make_meeting(partnership, start=start), utc) for start, utc in MEETINGS]
    response = client.get(reverse("meeting_calendar"), {"partnership": partnership.slug})
    starts = utc_starts(icaljs, response.content.decode())
    assert {uid: starts.get(uid) for uid in (f"meeting-{m.pk}@partnership-portal" for m, _ in meetings)} == {
        f"meeting-{meeting.pk}@partnership-portal": utc for meeting, utc in meetings
    }


def test_icaljs_reads_the_whole_feed_and_an_all_day_meeting(client, partnership, icaljs):
    dated = make_meeting(partnership, start=aware(2030, 6, 26, 10, 0), times_to_be_confirmed=True)
    timed = make_meeting(partnership, start=aware(2030, 6, 27, 10, 0))
    starts = utc_starts(icaljs, client.get(reverse("meeting_calendar")).content.decode())
    assert starts[f"meeting-{dated.pk}@partnership-portal"] == "2030-06-26"
    assert starts[f"meeting-{timed.pk}@partnership-portal"] == "2030-06-27T09:00:00Z"
