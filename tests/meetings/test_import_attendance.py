"""Sign-in sheet import (CSV): all rows or none, row numbers in errors, twice creates nothing twice."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from engagement.models import Organisation, Participant
from meetings.attendance_import import AttendanceImportError, import_attendance
from meetings.models import Attendance
from tests.conftest import ROLES
from tests.factories import attend, make_meeting, make_participant, page_text

GOOD_SHEET = """\
name,email,organisation,mode,staff
Ada Lovelace,ada@example.org,Catford Carers Circle,in_person,no
Brian Online,,,online,
Sam Officer,sam.officer@example.org,Lewisham Council,in_person,yes
"""


def sheet(*rows, header="name,email,organisation,mode,staff"):
    return "\n".join([header, *rows]) + "\n"


def counts():
    return (Participant.objects.count(), Attendance.objects.count(), Organisation.objects.count())


class TestService:
    def test_a_good_sheet_records_who_came(self, held_meeting):
        result = import_attendance(held_meeting, GOOD_SHEET.encode())
        assert (result.people_created, result.attendances_created) == (3, 3)
        ada = Attendance.objects.get(participant__email="ada@example.org")
        assert ada.status == Attendance.Status.ATTENDED and ada.mode == Attendance.Mode.IN_PERSON and ada.is_walk_in
        assert ada.participant.organisation.name == "Catford Carers Circle"
        assert Attendance.objects.get(participant__name="Brian Online").mode == Attendance.Mode.ONLINE
        officer = Attendance.objects.get(participant__name="Sam Officer")
        assert officer.counts_as_staff and officer.participant.is_system_staff
        assert Attendance.objects.counted().count() == 2

    def test_importing_the_same_sheet_twice_creates_nothing_twice(self, held_meeting):
        import_attendance(held_meeting, GOOD_SHEET.encode())
        before = counts()
        result = import_attendance(held_meeting, GOOD_SHEET.encode())
        assert counts() == before
        assert (result.people_created, result.attendances_created, result.attendances_unchanged) == (0, 0, 3)

    def test_a_same_named_person_without_email_is_found_again_beside_one_with_an_email(self, held_meeting):
        data = sheet("Jo Smith,,,in_person,no", "Jo Smith,jo@example.org,,online,no")
        import_attendance(held_meeting, data)
        before = counts()
        import_attendance(held_meeting, data)
        assert counts() == before == (2, 2, 0)

    def test_names_in_capitals_with_accents_are_found_again(self, held_meeting):
        data = sheet("ÉLODIE ÅSTRÖM,,ÖRGANISATION,in_person,no")
        import_attendance(held_meeting, data)
        before = counts()
        import_attendance(held_meeting, data)
        assert counts() == before

    def test_registered_people_on_the_sheet_are_marked_attended_not_duplicated(self, held_meeting):
        ada = make_participant(name="Ada Lovelace", email="ada@example.org")
        attend(held_meeting, ada, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)
        result = import_attendance(held_meeting, sheet("ADA LOVELACE,Ada@Example.org,,in_person,no"))
        attendance = Attendance.objects.get(meeting=held_meeting)
        assert attendance.participant == ada and attendance.status == Attendance.Status.ATTENDED
        assert attendance.mode == Attendance.Mode.IN_PERSON and not attendance.is_walk_in
        assert (result.people_found, result.attendances_updated) == (1, 1)

    def test_existing_people_are_found_by_email_and_their_record_is_not_overwritten(self, held_meeting):
        ada = make_participant(name="Ada Lovelace", email="ada@example.org")
        import_attendance(held_meeting, sheet("Ada L,ada@example.org,New Org,online,no"))
        ada.refresh_from_db()
        assert ada.name == "Ada Lovelace" and ada.organisation is None
        assert not Organisation.objects.exists()

    def test_values_are_stored_as_typed_not_neutralised(self, held_meeting):
        import_attendance(held_meeting, sheet('"=HYPERLINK(""http://x"")",,@Org,in_person,no'))
        person = Participant.objects.get()
        assert person.name == '=HYPERLINK("http://x")' and person.organisation.name == "@Org"

    def test_a_byte_order_mark_and_windows_1252_are_read(self, held_meeting):
        import_attendance(held_meeting, "\ufeff".encode() + sheet("Zoë Brontë,,,in_person,no").encode())
        import_attendance(held_meeting, sheet("Renée Café,,,online,no").encode("cp1252"))
        assert set(Participant.objects.values_list("name", flat=True)) == {"Zoë Brontë", "Renée Café"}

    @pytest.mark.parametrize(
        "data, message",
        [
            (sheet("Ada,,,in_person,no", header="name,email,org,mode,staff"), "Row 1: the header must be exactly"),
            ("", "Row 1: the header must be exactly"),
            (sheet("Ada,,,in_person,no", "Bob,,,zoom,no"), "Row 3: the mode must be in_person or online, not “zoom”"),
            (sheet("Ada,,,in_person,no", "Bob,,,,no"), "Row 3: the mode must be in_person or online"),
            (sheet("Ada,not-an-email,,in_person,no"), "Row 2: “not-an-email” is not an email address"),
            (sheet("Ada,,,in_person,no", "  ,,,online,no"), "Row 3: the name is empty"),
            (sheet("Ada,,,in_person,maybe"), "Row 2: staff must be yes or no"),
            (sheet("Ada,,in_person,no"), "Row 2: expected 5 columns, found 4"),
            (sheet("x" * 201 + ",,,online,no"), "Row 2: the name is longer than 200 characters"),
            (sheet("Ada,,,online,no", "ada,,,online,no"), "Row 3: ada is already on row 2"),
            (sheet("Ada,a@example.org,,online,no", "Ann,A@example.org,,online,no"), "Row 3: Ann is already on row 2"),
            ("name,email,organisation,mode,staff\n", "no people in it"),
            (b"name,email\x00", "not a CSV text file"),
        ],
    )
    def test_a_bad_sheet_imports_nothing_and_names_the_row(self, held_meeting, data, message):
        before = counts()
        with pytest.raises(AttendanceImportError) as raised:
            import_attendance(held_meeting, data)
        assert any(message in error for error in raised.value.errors), raised.value.errors
        assert counts() == before

    def test_every_bad_row_is_reported_at_once(self, held_meeting):
        data = sheet("Ada,,,in_person,no", "Bob,bad,,online,no", ",,,online,no", "Cy,,,bus,no")
        with pytest.raises(AttendanceImportError) as raised:
            import_attendance(held_meeting, data)
        assert [error.split(":")[0] for error in raised.value.errors] == ["Row 3", "Row 4", "Row 5"]
        assert counts() == (0, 0, 0)

    def test_a_name_shared_by_two_people_without_email_is_an_error_not_a_guess(self, held_meeting):
        make_participant(name="Jo Smith", email="")
        make_participant(name="Jo Smith", email="")
        with pytest.raises(AttendanceImportError, match="Row 2: more than one person is called Jo Smith"):
            import_attendance(held_meeting, sheet("Jo Smith,,,in_person,no"))
        assert not Attendance.objects.exists()

    def test_an_error_found_while_writing_rolls_back_every_row(self, held_meeting, monkeypatch):
        """All or nothing holds even when the database refuses a row halfway through."""
        original = Attendance.objects.create
        calls = []

        def fail_on_second(**kwargs):
            calls.append(kwargs)
            if len(calls) == 2:
                raise RuntimeError("database went away")
            return original(**kwargs)

        monkeypatch.setattr(Attendance.objects, "create", fail_on_second)
        with pytest.raises(RuntimeError):
            import_attendance(held_meeting, GOOD_SHEET)
        assert counts() == (0, 0, 0)

    def test_a_meeting_that_has_not_started_takes_no_sheet(self, meeting):
        with pytest.raises(AttendanceImportError, match="has not started yet"):
            import_attendance(meeting, GOOD_SHEET)
        assert counts() == (0, 0, 0)


class TestCommand:
    @pytest.fixture
    def csv_file(self, tmp_path):
        def write(text):
            path = tmp_path / "sheet.csv"
            path.write_text(text, encoding="utf-8")
            return str(path)

        return write

    def test_command_imports_a_sheet_and_says_what_it_did(self, held_meeting, csv_file, capsys):
        call_command("import_attendance", str(held_meeting.pk), csv_file(GOOD_SHEET))
        assert "3 new people" in capsys.readouterr().out
        assert Attendance.objects.filter(meeting=held_meeting).count() == 3

    def test_command_twice_creates_nothing_twice(self, held_meeting, csv_file, capsys):
        path = csv_file(GOOD_SHEET)
        call_command("import_attendance", str(held_meeting.pk), path)
        before = counts()
        call_command("import_attendance", str(held_meeting.pk), path)
        assert counts() == before
        assert "3 already recorded" in capsys.readouterr().out

    def test_command_refuses_a_bad_sheet_with_row_numbers_and_imports_nothing(self, held_meeting, csv_file):
        path = csv_file(sheet("Ada,,,in_person,no", "Bob,bob@,,online,no", "Cy,,,bus,no"))
        with pytest.raises(CommandError) as raised:
            call_command("import_attendance", str(held_meeting.pk), path)
        assert "Nothing was imported" in str(raised.value)
        assert "Row 3:" in str(raised.value) and "Row 4:" in str(raised.value)
        assert counts() == (0, 0, 0)

    def test_command_says_so_for_an_unknown_meeting_or_file(self, held_meeting, csv_file, tmp_path):
        with pytest.raises(CommandError, match="no meeting with id 999999"):
            call_command("import_attendance", "999999", csv_file(GOOD_SHEET))
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_attendance", str(held_meeting.pk), str(tmp_path / "missing.csv"))


class TestUpload:
    def url(self, meeting):
        return reverse("meeting_attendance_import", args=[meeting.pk])

    def upload(self, client, meeting, text, name="sheet.csv"):
        data = text.encode() if isinstance(text, str) else text
        return client.post(self.url(meeting), {"sheet": SimpleUploadedFile(name, data, content_type="text/csv")})

    @pytest.mark.parametrize("role, expected", list(zip(ROLES, [302, 403, 403, 200, 200, 403], strict=True)))
    def test_upload_page_permission_matrix(self, client_for, held_meeting, role, expected):
        assert client_for(role).get(self.url(held_meeting)).status_code == expected

    def test_staff_upload_a_sheet_and_are_told_what_happened(self, client, staff_user, held_meeting):
        client.force_login(staff_user)
        response = self.upload(client, held_meeting, GOOD_SHEET)
        assert response.status_code == 302 and response.url == reverse("meeting_attendance", args=[held_meeting.pk])
        assert "Imported 3 rows: 3 new people" in page_text(client.get(response.url))
        second = self.upload(client, held_meeting, GOOD_SHEET)
        assert "0 new people, 3 already known" in page_text(client.get(second.url))
        assert Participant.objects.count() == 3

    def test_a_bad_upload_lists_each_row_beside_the_field_and_imports_nothing(self, client, chair, held_meeting):
        client.force_login(chair)
        response = self.upload(client, held_meeting, sheet("Ada,,,in_person,no", "Bob,,,zoom,no", ",x@,,online,no"))
        assert response.status_code == 200
        body = page_text(response)
        assert "Nothing was imported" in body
        assert "Row 3: the mode must be in_person or online, not “zoom”" in body
        assert "Row 4: the name is empty; “x@” is not an email address" in body
        assert counts() == (0, 0, 0)

    def test_an_upload_without_a_file_is_refused_beside_the_field(self, client, staff_user, held_meeting):
        client.force_login(staff_user)
        response = client.post(self.url(held_meeting), {})
        assert "sheet" in response.context["form"].errors

    def test_a_sheet_for_a_future_meeting_is_refused(self, client, staff_user, partnership):
        future = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=2))
        client.force_login(staff_user)
        response = self.upload(client, future, GOOD_SHEET)
        assert "has not started yet" in page_text(response)
        assert counts() == (0, 0, 0)

    def test_a_binary_file_named_csv_is_refused(self, client, staff_user, held_meeting):
        client.force_login(staff_user)
        response = self.upload(client, held_meeting, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        assert response.status_code == 200
        assert "not a CSV text file" in page_text(response) or "Row 1" in page_text(response)
        assert counts() == (0, 0, 0)
