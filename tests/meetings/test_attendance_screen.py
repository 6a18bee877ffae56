"""Staff record who came on one screen: ticks, mode, system staff, walk-ins and the sign-in sheet."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from engagement.models import Organisation, Participant
from meetings.models import Attendance, Meeting
from tests.conftest import ROLES
from tests.factories import attend, make_meeting, make_participant, make_user, page_text

OFFICE_ONLY = list(zip(ROLES, [302, 403, 403, 200, 200, 403], strict=True))


def screen_url(meeting):
    return reverse("meeting_attendance", args=[meeting.pk])


def walk_in_url(meeting):
    return reverse("meeting_walk_in", args=[meeting.pk])


def formset_data(rows, overrides=None):
    """POST data for the attendance screen; ``overrides`` maps attendance pk to {field: value}.

    The fields are those of a row as people think of it (``attended``, ``mode``,
    ``counts_as_staff``); the screen posts one choice per row, ``came-<id>``
    ("absent", "in_person" or "online"), and the ids of the system staff.
    """
    data = {"staff": []}
    for row in rows:
        fields = {
            "mode": row.mode,
            "attended": "on" if row.status == Attendance.Status.ATTENDED else "",
            "counts_as_staff": "on" if row.counts_as_staff else "",
        }
        fields.update((overrides or {}).get(row.pk, {}))
        data[f"came-{row.pk}"] = fields["mode"] if fields["attended"] else "absent"
        if fields["counts_as_staff"]:
            data["staff"].append(str(row.pk))
    return data


def ordered_rows(meeting):
    return list(Attendance.objects.filter(meeting=meeting).order_by("participant__name", "pk"))


@pytest.mark.parametrize("role, expected", OFFICE_ONLY)
def test_attendance_screen_permission_matrix(client_for, held_meeting, role, expected):
    assert client_for(role).get(screen_url(held_meeting)).status_code == expected


@pytest.mark.parametrize("role, expected", OFFICE_ONLY)
def test_walk_in_page_permission_matrix(client_for, held_meeting, role, expected):
    assert client_for(role).get(walk_in_url(held_meeting)).status_code == expected


@pytest.mark.parametrize("role, expected", OFFICE_ONLY)
def test_sign_in_sheet_permission_matrix(client_for, meeting, role, expected):
    response = client_for(role).get(reverse("meeting_sign_in_sheet", args=[meeting.pk]))
    assert response.status_code == expected


def test_staff_tick_who_came_and_everyone_else_is_absent_except_apologies(client, staff_user, held_meeting):
    came = attend(held_meeting, make_participant(name="Ann"), status=Attendance.Status.REGISTERED)
    stayed_home = attend(held_meeting, make_participant(name="Ben"), status=Attendance.Status.REGISTERED)
    sorry = attend(held_meeting, make_participant(name="Cat"), status=Attendance.Status.APOLOGIES)
    client.force_login(staff_user)
    rows = ordered_rows(held_meeting)
    response = client.post(
        screen_url(held_meeting),
        formset_data(rows, {came.pk: {"attended": "on", "mode": "online"}, stayed_home.pk: {"attended": ""}}),
    )
    assert response.status_code == 302
    came.refresh_from_db(), stayed_home.refresh_from_db(), sorry.refresh_from_db()
    assert (came.status, came.mode) == (Attendance.Status.ATTENDED, Attendance.Mode.ONLINE)
    assert stayed_home.status == Attendance.Status.ABSENT
    assert sorry.status == Attendance.Status.APOLOGIES
    assert "1 attendee counted" in str(list(get_messages(response.wsgi_request))[0])


def test_system_staff_are_never_counted_whatever_the_tick(client, staff_user, held_meeting):
    officer = attend(
        held_meeting, make_participant(name="Officer", is_system_staff=True), status=Attendance.Status.REGISTERED
    )
    client.force_login(staff_user)
    client.post(
        screen_url(held_meeting),
        formset_data(ordered_rows(held_meeting), {officer.pk: {"attended": "on", "counts_as_staff": ""}}),
    )
    officer.refresh_from_db()
    assert officer.status == Attendance.Status.ATTENDED and officer.counts_as_staff
    assert not Attendance.objects.counted().exists()


def test_a_bad_mode_changes_nothing_and_is_shown_beside_the_row(client, staff_user, held_meeting):
    row = attend(held_meeting, make_participant(), status=Attendance.Status.REGISTERED)
    client.force_login(staff_user)
    response = client.post(screen_url(held_meeting), formset_data([row], {row.pk: {"attended": "on", "mode": "zoom"}}))
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    row.refresh_from_db()
    assert row.status == Attendance.Status.REGISTERED


def test_an_attendance_from_another_meeting_cannot_be_changed_through_this_screen(
    client, staff_user, held_meeting, partnership
):
    other = attend(make_meeting(partnership, start=timezone.now() - datetime.timedelta(days=3)), make_participant())
    client.force_login(staff_user)
    response = client.post(screen_url(held_meeting), formset_data([other], {other.pk: {"attended": ""}}))
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.status == Attendance.Status.ATTENDED


def test_attendance_cannot_be_recorded_before_the_meeting_starts(client, staff_user, meeting):
    row = attend(meeting, make_participant(), status=Attendance.Status.REGISTERED)
    client.force_login(staff_user)
    response = client.post(screen_url(meeting), formset_data([row], {row.pk: {"attended": "on"}}))
    assert "has not started yet" in page_text(response)
    row.refresh_from_db()
    assert row.status == Attendance.Status.REGISTERED


def regular(meeting, **fields):
    """Someone who came to an earlier meeting of ``meeting``'s partnership: staff may pick them."""
    person = make_participant(**fields)
    earlier = make_meeting(meeting.partnership, start=meeting.start - datetime.timedelta(days=30))
    attend(earlier, person, status=Attendance.Status.ATTENDED)
    return person


class TestWalkIns:
    def post(self, client, meeting, **data):
        data.setdefault("mode", "in_person")
        return client.post(walk_in_url(meeting), data)

    def test_someone_new_is_created_once_and_marked_as_a_walk_in(self, client, staff_user, held_meeting):
        organisation = Organisation.objects.create(name="Catford Carers Circle")
        client.force_login(staff_user)
        response = self.post(
            client, held_meeting, name="Wendy Walker", email="wendy@example.org", organisation=organisation.pk
        )
        assert response.status_code == 302
        attendance = Attendance.objects.get(meeting=held_meeting)
        assert attendance.is_walk_in and attendance.status == Attendance.Status.ATTENDED
        assert attendance.participant.organisation == organisation

    def test_an_email_finds_the_existing_person(self, client, staff_user, held_meeting):
        known = make_participant(name="Wendy Walker", email="wendy@example.org")
        client.force_login(staff_user)
        self.post(client, held_meeting, name="W. Walker", email="WENDY@example.org", mode="online")
        assert Participant.objects.count() == 1
        assert Attendance.objects.get(meeting=held_meeting).participant == known

    def test_a_name_match_asks_whether_it_is_them_and_changes_nothing_until_answered(
        self, client, staff_user, held_meeting
    ):
        known = regular(held_meeting, name="Wendy Walker", email="ww@example.org")
        client.force_login(staff_user)
        response = self.post(client, held_meeting, name="wendy walker")
        assert response.status_code == 200
        assert "Say whether it is them or someone new" in page_text(response)
        assert "Wendy Walker – ww…@example.org" in page_text(response)
        assert not Attendance.objects.filter(meeting=held_meeting).exists()
        self.post(client, held_meeting, name="wendy walker", match=str(known.pk))
        assert Attendance.objects.get(meeting=held_meeting).participant == known
        assert Participant.objects.count() == 1

    def test_staff_can_say_a_same_named_person_is_someone_new(self, client, staff_user, held_meeting):
        regular(held_meeting, name="Wendy Walker")
        client.force_login(staff_user)
        assert "match" in self.post(client, held_meeting, name="Wendy Walker").context["form"].fields
        self.post(client, held_meeting, name="Wendy Walker", match="new")
        assert Participant.objects.filter(name="Wendy Walker").count() == 2

    def test_a_forged_match_is_refused(self, client, staff_user, held_meeting):
        regular(held_meeting, name="Wendy Walker")
        stranger = make_participant(name="Someone Else")
        client.force_login(staff_user)
        response = self.post(client, held_meeting, name="Wendy Walker", match=str(stranger.pk))
        assert "match" in response.context["form"].errors
        assert not Attendance.objects.filter(meeting=held_meeting).exists()

    def test_only_people_of_the_partnerships_the_user_runs_are_offered_and_a_forged_one_is_refused(
        self, client, staff_user, held_meeting, elsewhere
    ):
        ours = regular(held_meeting, name="Wendy Walker", email="ours@example.org")
        member_user = make_user("wendy-member", "member", partnership=held_meeting.partnership)
        member = make_participant(name="Wendy Walker", email="member@example.org", user=member_user)
        theirs = make_participant(name="Wendy Walker", email="theirs@example.org")
        attend(make_meeting(elsewhere), theirs, status=Attendance.Status.ATTENDED)
        unconnected = make_participant(name="Wendy Walker", email="nobody@example.org")
        client.force_login(staff_user)
        response = self.post(client, held_meeting, name="Wendy Walker")
        offered = {person.pk for person in response.context["form"].candidates}
        assert offered == {ours.pk, member.pk}
        assert "theirs" not in page_text(response) and "nobody" not in page_text(response)
        for forged in (theirs, unconnected):
            response = self.post(client, held_meeting, name="Wendy Walker", match=str(forged.pk))
            assert "match" in response.context["form"].errors
        assert not Attendance.objects.filter(meeting=held_meeting).exists()

    def test_someone_who_registered_and_came_is_not_added_twice(self, client, staff_user, held_meeting):
        known = make_participant(name="Reg Istered", email="reg@example.org")
        attend(held_meeting, known, status=Attendance.Status.REGISTERED)
        client.force_login(staff_user)
        self.post(client, held_meeting, name="Reg Istered", email="reg@example.org")
        attendance = Attendance.objects.get(meeting=held_meeting)
        assert attendance.status == Attendance.Status.ATTENDED and not attendance.is_walk_in

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"name": "Wendy", "email": "not-an-email"}, "email"),
            ({"name": "Wendy", "mode": "zoom"}, "mode"),
        ],
    )
    def test_bad_input_is_shown_beside_the_field_and_changes_nothing(
        self, client, staff_user, held_meeting, data, field
    ):
        client.force_login(staff_user)
        response = self.post(client, held_meeting, **data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert not Participant.objects.exists() and not Attendance.objects.exists()

    def test_walk_ins_are_refused_before_the_meeting(self, client, staff_user, meeting):
        client.force_login(staff_user)
        response = self.post(client, meeting, name="Early Bird")
        assert response.status_code == 302
        assert not Participant.objects.exists()


def test_one_attendance_per_person_per_meeting_is_a_database_constraint(held_meeting):
    person = make_participant()
    attend(held_meeting, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=held_meeting, participant=person, status=Attendance.Status.APOLOGIES)
    assert Attendance.objects.filter(meeting=held_meeting, participant=person).count() == 1


def test_sign_in_sheet_lists_people_coming_with_shared_needs_and_neutralises_formulas(client, chair, meeting):
    organisation = Organisation.objects.create(name="+Plus Group")
    attend(
        meeting,
        make_participant(name='=HYPERLINK("http://evil")', organisation=organisation),
        status=Attendance.Status.REGISTERED,
        access_needs="@SUM(1)",
        share_access_needs=True,
    )
    attend(
        meeting,
        make_participant(name="Private Person"),
        status=Attendance.Status.REGISTERED,
        mode=Attendance.Mode.ONLINE,
        access_needs="Not for the chair",
        share_access_needs=False,
    )
    attend(meeting, make_participant(name="Apologetic"), status=Attendance.Status.APOLOGIES)
    attend(meeting, make_participant(name="-Absent"), status=Attendance.Status.ABSENT)
    client.force_login(chair)
    response = client.get(reverse("meeting_sign_in_sheet", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert rows[1][:3] == ['\'=HYPERLINK("http://evil")', "'+Plus Group", "In person"]
    assert rows[1][4] == "'@SUM(1)"
    assert rows[2][0] == "Private Person" and rows[2][2] == "Online" and rows[2][4] == ""
    assert rows[3][0] == "Apologetic" and rows[3][2] == "Apologies"
    assert len(rows) == 4  # the absent person is not expected at the desk
    assert "Not for the chair" not in response.content.decode()


@pytest.mark.parametrize("attendances", [10, 200])
def test_attendance_screen_queries_do_not_grow_with_attendances(
    client, staff_user, held_meeting, attendances, django_assert_max_num_queries
):
    organisation = Organisation.objects.create(name="Org")
    people = Participant.objects.bulk_create(
        [Participant(name=f"P{i:03}", email=f"p{i}@example.org", organisation=organisation) for i in range(attendances)]
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=held_meeting, participant=p, status=Attendance.Status.REGISTERED) for p in people]
    )
    client.force_login(staff_user)
    with django_assert_max_num_queries(10):
        response = client.get(screen_url(held_meeting))
    assert response.status_code == 200
    assert len(response.context["sheet"].rows) == attendances


def test_saving_attendance_for_200_people_is_one_update(
    client, staff_user, held_meeting, django_assert_max_num_queries
):
    people = Participant.objects.bulk_create([Participant(name=f"P{i:03}") for i in range(200)])
    Attendance.objects.bulk_create(
        [Attendance(meeting=held_meeting, participant=p, status=Attendance.Status.REGISTERED) for p in people]
    )
    rows = ordered_rows(held_meeting)
    data = formset_data(rows, {row.pk: {"attended": "on"} for row in rows})
    client.force_login(staff_user)
    with django_assert_max_num_queries(14):
        assert client.post(screen_url(held_meeting), data).status_code == 302
    assert Attendance.objects.filter(meeting=held_meeting, status=Attendance.Status.ATTENDED).count() == 200


def test_held_meeting_agenda_links_staff_to_the_attendance_screen(client, staff_user, held_meeting):
    client.force_login(staff_user)
    body = page_text(client.get(held_meeting.get_absolute_url()))
    assert screen_url(held_meeting) in body
    assert reverse("meeting_sign_in_sheet", args=[held_meeting.pk]) in body


def test_cancelled_meeting_has_no_attendance_to_record(client, staff_user, partnership):
    cancelled = make_meeting(
        partnership, start=timezone.now() - datetime.timedelta(days=1), status=Meeting.Status.CANCELLED
    )
    client.force_login(staff_user)
    assert "was cancelled" in page_text(client.get(screen_url(cancelled)))


class BrowserForm(HTMLParser):
    """What a browser sends for the page's first POST form with a submit button: checked boxes and radios, hidden."""

    def __init__(self, page, button_text="Save attendance"):
        super().__init__()
        self.fields, self._in_form, self._done, self._select = [], False, False, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and not self._done and "action" not in attrs:
            self._in_form = True
        elif not self._in_form:
            return
        elif tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self._select, self._first = attrs["name"], None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = attrs.get("value", "")
            if "selected" in attrs:
                self.fields.append((self._select, attrs.get("value", "")))
                self._select = None

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._in_form and self._select:
            self.fields.append((self._select, self._first))
            self._select = None

    def data(self, **changes):
        """The form as a MultiValueDict-like list, with ``changes`` ({name: value}) applied to radios."""
        fields = [(name, changes.pop(name, value)) for name, value in self.fields]
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        return data


def registrations(meeting, count, status=Attendance.Status.REGISTERED):
    organisation = Organisation.objects.create(name="Org")
    people = Participant.objects.bulk_create(
        [Participant(name=f"P{i:03}", email=f"p{i}@example.org", organisation=organisation) for i in range(count)]
    )
    return Attendance.objects.bulk_create([Attendance(meeting=meeting, participant=p, status=status) for p in people])


def test_a_meeting_of_500_registrations_is_recorded_on_one_screen(client, staff_user, held_meeting, settings):
    rows = registrations(held_meeting, 500)
    client.force_login(staff_user)
    page = client.get(screen_url(held_meeting))
    assert page.status_code == 200
    form = BrowserForm(page.content.decode())
    # Everyone came, half online, and two are system staff: what a browser sends, as the page built it.
    changes = {f"came-{row.pk}": ("online" if index % 2 else "in_person") for index, row in enumerate(rows)}
    data = form.data(**changes)
    data["staff"] = [str(rows[0].pk), str(rows[1].pk)]
    sent = sum(len(values) for values in data.values())
    assert sent < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS  # Django answers 400 above it
    response = client.post(screen_url(held_meeting), data)
    assert response.status_code == 302
    assert "Attendance saved (500 changes). 498 attendees counted" in str(list(get_messages(response.wsgi_request))[0])
    saved = Attendance.objects.filter(meeting=held_meeting)
    assert saved.filter(status=Attendance.Status.ATTENDED).count() == 500
    assert saved.filter(mode=Attendance.Mode.ONLINE).count() == 250
    assert set(saved.filter(counts_as_staff=True).values_list("pk", flat=True)) == {rows[0].pk, rows[1].pk}


@pytest.mark.parametrize("count", [10, 500])
def test_saving_the_screen_takes_the_same_queries_for_10_or_500_people(
    client, staff_user, held_meeting, count, django_assert_max_num_queries
):
    rows = registrations(held_meeting, count)
    data = formset_data(
        rows, {row.pk: {"attended": "on", "mode": "online" if row.pk % 2 else "in_person"} for row in rows}
    )
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        assert client.post(screen_url(held_meeting), data).status_code == 302
    assert Attendance.objects.filter(meeting=held_meeting, status=Attendance.Status.ATTENDED).count() == count


def test_every_choice_on_the_screen_has_a_label_naming_the_person(client, staff_user, held_meeting):
    row = attend(held_meeting, make_participant(name="Grace Adebayo"), status=Attendance.Status.REGISTERED)
    client.force_login(staff_user)
    body = client.get(screen_url(held_meeting)).content.decode()
    for value, label in (("absent", "Did not come"), ("in_person", "In person"), ("online", "Online")):
        control = f'id="came-{row.pk}-{value}"'
        assert control in body
        assert (
            f'for="came-{row.pk}-{value}"><span class="visually-hidden">Grace Adebayo: </span>{label}</label>' in body
        )
    assert f'<label class="visually-hidden" for="staff-{row.pk}">Grace Adebayo: system staff</label>' in body
    assert '<legend class="visually-hidden">Did Grace Adebayo come?</legend>' in body


def test_someone_added_while_the_screen_was_open_is_left_as_they_are(client, staff_user, held_meeting):
    shown = attend(held_meeting, make_participant(name="Ann"), status=Attendance.Status.REGISTERED)
    data = formset_data([shown], {shown.pk: {"attended": "on"}})
    walked_in = attend(held_meeting, make_participant(name="Walk In"), is_walk_in=True)
    client.force_login(staff_user)
    assert client.post(screen_url(held_meeting), data).status_code == 302
    walked_in.refresh_from_db()
    assert walked_in.status == Attendance.Status.ATTENDED
    assert Attendance.objects.get(pk=shown.pk).status == Attendance.Status.ATTENDED
