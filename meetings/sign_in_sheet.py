"""The sign-in desk's list: its columns, rows and file name (``toolkit.exports`` writes the CSV).

Personal data (names, access needs): the download is never kept by browsers or proxies.
"""

from django.utils import timezone

from toolkit.downloads import download_name
from toolkit.exports import Column, Table, csv_response

from .models import Attendance

COLUMNS = ["Name", "Organisation", "Coming", "Walk-in", "Access needs (shared with the chair)", "Signed in"]


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
    table = Table("Sign-in sheet", [Column(header) for header in COLUMNS], rows(attendances))
    return csv_response(table, filename, personal=True)


def filename_for(meeting):
    day = timezone.localtime(meeting.start).date()
    return download_name("sign-in-sheet", day, "meeting", meeting.pk, extension="csv")
