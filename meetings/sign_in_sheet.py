"""The sign-in desk's list as CSV, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse
from django.utils import timezone

from .models import Attendance

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (CSV injection); tab and carriage return can hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ["Name", "Organisation", "Coming", "Walk-in", "Access needs (shared with the chair)", "Signed in"]


def neutralise(value):
    """The cell as text, with a leading quote if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def coming(attendance):
    if attendance.status == Attendance.Status.APOLOGIES:
        return "Apologies"
    return attendance.get_mode_display()


def rows(attendances):
    """One row per person; access needs only where the person agreed to share them."""
    for attendance in attendances:
        participant = attendance.participant
        yield [
            participant.name,
            participant.organisation.name if participant.organisation_id else "",
            coming(attendance),
            "Yes" if attendance.is_walk_in else "",
            attendance.access_needs if attendance.share_access_needs else "",
            "Yes" if attendance.status == Attendance.Status.ATTENDED else "",
        ]


def response(attendances, filename):
    """A CSV download of ``attendances`` (already ordered and with participants selected)."""
    http = HttpResponse(content_type="text/csv; charset=utf-8")
    http["Content-Disposition"] = f'attachment; filename="{filename}"'
    http["Cache-Control"] = "no-store"  # personal data: no shared caches
    http.write("\ufeff")  # so Excel reads UTF-8 names correctly
    writer = csv.writer(http)
    writer.writerow(COLUMNS)
    for row in rows(attendances):
        writer.writerow([neutralise(cell) for cell in row])
    return http


def filename_for(meeting):
    return f"sign-in-sheet-{timezone.localtime(meeting.start):%Y-%m-%d}-meeting-{meeting.pk}.csv"
