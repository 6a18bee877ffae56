"""Import a meeting's sign-in sheet from CSV: ``name,email,organisation,mode,staff``.

Used by the attendance screen's upload form and by
``manage.py import_attendance <meeting-id> <file.csv>``.

- All rows are imported or none: every row is checked before anything is
  written, and the writes run in one transaction.
- Every error names its row as a spreadsheet shows it (the header is row 1).
- Importing the same sheet twice creates nothing twice: people are found by
  email, then by name, and an attendance already recorded is updated.
- Values are stored as typed (nothing is "neutralised" here), but they are
  checked for length and form; pages escape them and CSV exports neutralise
  formulas on the way out.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from engagement.models import Organisation, Participant

from .models import Attendance, Meeting
from .services import attendance_closed_reason, check_runs

HEADER = ["name", "email", "organisation", "mode", "staff"]
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
MODES = {"in_person": Attendance.Mode.IN_PERSON, "online": Attendance.Mode.ONLINE}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
# The longest value each column's model field takes.
NAME_MAX = Participant._meta.get_field("name").max_length
EMAIL_MAX = Participant._meta.get_field("email").max_length
ORGANISATION_MAX = Organisation._meta.get_field("name").max_length


class AttendanceImportError(Exception):
    """The sheet was not imported; ``errors`` says why, row by row."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class SheetRow:
    """One checked row of the sheet."""

    row: int
    name: str
    email: str
    organisation: str
    mode: str
    staff: bool

    @property
    def identity(self):
        """Who this row is about, as far as the sheet itself can tell."""
        return ("email", self.email.lower()) if self.email else ("name", self.name.lower())


@dataclass
class ImportResult:
    """What an import did, for the message staff see."""

    rows: int = 0
    people_created: int = 0
    people_found: int = 0
    organisations_created: int = 0
    attendances_created: int = 0
    attendances_updated: int = 0
    attendances_unchanged: int = 0
    created_names: list = field(default_factory=list)

    def summary(self):
        return (
            f"Imported {self.rows} row{'s' if self.rows != 1 else ''}: "
            f"{self.people_created} new {'person' if self.people_created == 1 else 'people'}, "
            f"{self.people_found} already known; "
            f"{self.attendances_created} attendance{'s' if self.attendances_created != 1 else ''} added, "
            f"{self.attendances_updated} updated, {self.attendances_unchanged} already recorded."
        )


def _text(data):
    """The sheet as text: UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it."""
    if isinstance(data, str):
        return data
    if len(data) > MAX_BYTES:
        raise AttendanceImportError([f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller sheets."])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise AttendanceImportError(["The file is not a CSV text file."]) from None


def _mode(value):
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    return MODES.get(key)


def parse_sheet(data):
    """Check every row of the sheet; return ``SheetRow``s or raise ``AttendanceImportError``."""
    text = _text(data).lstrip("\ufeff")
    if "\x00" in text:
        raise AttendanceImportError(["The file is not a CSV text file."])
    reader = csv.reader(io.StringIO(text, newline=""))
    errors, rows = [], []
    try:
        header = next(reader, None)
        if header is None or [cell.strip().lower() for cell in header] != HEADER:
            found = ",".join(header or [])[:120]
            raise AttendanceImportError(
                [f"Row 1: the header must be exactly {','.join(HEADER)}" + (f" (found: {found})." if found else ".")]
            )
        for number, cells in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise AttendanceImportError([f"The sheet has more than {MAX_ROWS} rows; split it into smaller sheets."])
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are common at the end of a sheet
            if len(cells) != len(HEADER):
                errors.append(f"Row {number}: expected {len(HEADER)} columns, found {len(cells)}.")
                continue
            name, email, organisation, mode, staff = (cell.strip() for cell in cells)
            row_errors = []
            if not name:
                row_errors.append("the name is empty")
            elif len(name) > NAME_MAX:
                row_errors.append(f"the name is longer than {NAME_MAX} characters")
            if email:
                try:
                    if len(email) > EMAIL_MAX:
                        raise ValidationError("too long")
                    validate_email(email)
                except ValidationError:
                    row_errors.append(f"“{email[:60]}” is not an email address")
            if len(organisation) > ORGANISATION_MAX:
                row_errors.append(f"the organisation is longer than {ORGANISATION_MAX} characters")
            if _mode(mode) is None:
                row_errors.append(f"the mode must be in_person or online, not “{mode[:30]}”")
            if staff.lower() not in YES | NO:
                row_errors.append(f"staff must be yes or no, not “{staff[:30]}”")
            if row_errors:
                errors.append(f"Row {number}: {'; '.join(row_errors)}.")
                continue
            rows.append(SheetRow(number, name, email, organisation, _mode(mode), staff.lower() in YES))
    except csv.Error as error:
        raise AttendanceImportError([f"Row {reader.line_num}: this line could not be read ({error})."]) from None
    first_row = {}
    for sheet_row in rows:
        earlier = first_row.setdefault(sheet_row.identity, sheet_row.row)
        if earlier != sheet_row.row:
            errors.append(f"Row {sheet_row.row}: {sheet_row.name} is already on row {earlier}.")
    if errors:
        raise AttendanceImportError(errors)
    if not rows:
        raise AttendanceImportError(["The sheet has a header but no people in it."])
    return rows


def _case_insensitive(model, field_name, values):
    """Rows whose ``field_name`` is any of ``values``, ignoring case.

    The exact values are matched too because SQLite lowers only ASCII
    letters: a sheet imported twice must find its own "ÉLODIE" again.
    """
    return model.objects.annotate(key=Lower(field_name)).filter(
        Q(key__in={v.lower() for v in values}) | Q(**{f"{field_name}__in": values})
    )


def _resolve(rows):
    """Match each row to an existing person (or None for a new one), in two queries.

    By email first; then by name, preferring a record without an email, so
    that a person the first import created without an email is found again.
    A name shared by several people with no email to tell them apart is an
    error: guessing would merge two people.
    """
    by_email = {p.email.lower(): p for p in _case_insensitive(Participant, "email", {r.email for r in rows if r.email})}
    by_name = {}
    for p in _case_insensitive(Participant, "name", {r.name for r in rows}).order_by("pk"):
        by_name.setdefault(p.name.lower(), []).append(p)

    matches, errors = {}, []
    for r in rows:
        if r.email and r.email.lower() in by_email:
            matches[r.row] = by_email[r.email.lower()]
            continue
        same_name = by_name.get(r.name.lower(), [])
        without_email = [p for p in same_name if not p.email]
        candidates = without_email if r.email else (same_name if len(same_name) == 1 else without_email)
        if len(candidates) == 1:
            matches[r.row] = candidates[0]
        elif len(candidates) > 1 or (not r.email and same_name):
            errors.append(f"Row {r.row}: more than one person is called {r.name}; add their email so we know who came.")
        else:
            matches[r.row] = None
    seen = {}
    for r in rows:
        person = matches.get(r.row)
        if person is not None:
            earlier = seen.setdefault(person.pk, r.row)
            if earlier != r.row:
                errors.append(f"Row {r.row}: this is the same person as row {earlier}.")
    if errors:
        raise AttendanceImportError(errors)
    return matches


def import_attendance(meeting, data, by=None):
    """Record who came to ``meeting`` from a sign-in sheet (bytes or text). All rows or none.

    ``by`` (the person uploading) must run the meeting's partnership (``services.check_runs``).

    Raises ``AttendanceImportError`` with every problem found; returns an ``ImportResult``.
    """
    check_runs(by, meeting.partnership_id)
    rows = parse_sheet(data)
    result = ImportResult(rows=len(rows))
    with transaction.atomic():
        # One import at a time per meeting: the second waits, then finds everything recorded.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        reason = attendance_closed_reason(meeting)
        if reason:
            raise AttendanceImportError([reason])
        matches = _resolve(rows)
        organisations = {
            o.name.lower(): o
            for o in _case_insensitive(Organisation, "name", {r.organisation for r in rows if r.organisation})
        }
        existing = {a.participant_id: a for a in Attendance.objects.filter(meeting=meeting)}
        for r in rows:
            person = matches[r.row]
            if person is None:
                organisation = None
                if r.organisation:
                    organisation = organisations.get(r.organisation.lower())
                    if organisation is None:
                        # Staff set the kind later; "other" until then.
                        organisation = Organisation.objects.create(name=r.organisation, kind=Organisation.Kind.OTHER)
                        organisations[r.organisation.lower()] = organisation
                        result.organisations_created += 1
                person = Participant.objects.create(
                    name=r.name, email=r.email, organisation=organisation, is_system_staff=r.staff
                )
                result.people_created += 1
                result.created_names.append(r.name)
            else:
                result.people_found += 1
            counts_as_staff = r.staff or person.is_system_staff
            attendance = existing.get(person.pk)
            if attendance is None:
                existing[person.pk] = Attendance.objects.create(
                    meeting=meeting,
                    participant=person,
                    status=Attendance.Status.ATTENDED,
                    mode=r.mode,
                    counts_as_staff=counts_as_staff,
                    is_walk_in=True,  # on the sheet without having registered
                )
                result.attendances_created += 1
            elif (attendance.status, attendance.mode, attendance.counts_as_staff) == (
                Attendance.Status.ATTENDED,
                r.mode,
                counts_as_staff,
            ):
                result.attendances_unchanged += 1
            else:
                attendance.status, attendance.mode = Attendance.Status.ATTENDED, r.mode
                attendance.counts_as_staff = counts_as_staff
                attendance.save(update_fields=["status", "mode", "counts_as_staff", "updated_at"])
                result.attendances_updated += 1
    return result
