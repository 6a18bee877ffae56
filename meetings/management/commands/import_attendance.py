"""manage.py import_attendance <meeting-id> <file.csv>: record who came from a sign-in sheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.attendance_import import MAX_BYTES, AttendanceImportError, import_attendance
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Import a meeting's sign-in sheet (CSV with the header name,email,organisation,mode,staff). "
        "All rows or none; importing the same sheet twice adds nobody twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int, help="The meeting's id (as in /meetings/<id>/).")
        parser.add_argument("csv_file", type=Path, help="The sign-in sheet as a CSV file.")

    def handle(self, *args, meeting_id, csv_file, **options):
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"There is no meeting with id {meeting_id}.")
        try:
            with csv_file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {csv_file}: {error.strerror or error}.") from None
        try:
            result = import_attendance(meeting, data)
        except AttendanceImportError as error:
            raise CommandError(
                "Nothing was imported.\n" + "\n".join(f"  {message}" for message in error.errors)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{meeting}: {result.summary()}"))
