"""Forms for taking part: registering, recording who came, views and 'we did'."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from engagement import roles
from engagement.models import Organisation, Participant, Partnership, Theme
from engagement.query_string import QueryForm
from toolkit.widgets import QuickSelect

from .attendance_import import MAX_BYTES
from .models import Attendance, Feedback, Response

ACCESS_NEEDS_MAX = 1000
VIEWS_MAX = 5000


class RegistrationForm(forms.Form):
    """A member says whether they are coming, and how, or sends apologies."""

    IN_PERSON, ONLINE, APOLOGIES = "in_person", "online", "apologies"
    CHOICES = [
        (IN_PERSON, "I will come in person"),
        (ONLINE, "I will join online"),
        (APOLOGIES, "I cannot come (send apologies)"),
    ]

    coming = forms.ChoiceField(label="Are you coming?", choices=CHOICES, widget=forms.RadioSelect)
    access_needs = forms.CharField(
        label="Access needs (optional)",
        required=False,
        max_length=ACCESS_NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What should we arrange for you? For example step-free access, a BSL interpreter, a hearing "
        "loop, large-print papers.",
    )
    share_access_needs = forms.BooleanField(
        label="I agree to share my access needs with the chair and the staff organising the meeting",
        required=False,
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None and meeting.format == meeting.Format.IN_PERSON:
            self.fields["coming"].help_text = "This meeting is in person only; online is for those who cannot travel."

    def clean(self):
        data = super().clean()
        needs = (data.get("access_needs") or "").strip()
        data["access_needs"] = needs
        if needs and not data.get("share_access_needs"):
            self.add_error(
                "share_access_needs",
                "Tick this box so that we can arrange what you need, or leave the access needs empty.",
            )
        return data

    @classmethod
    def initial_for(cls, attendance, participant=None):
        if attendance is None:
            return {"access_needs": participant.access_needs if participant else ""}
        coming = cls.APOLOGIES if attendance.status == Attendance.Status.APOLOGIES else attendance.mode
        return {
            "coming": coming,
            "access_needs": attendance.access_needs,
            "share_access_needs": attendance.share_access_needs,
        }

    def registration(self):
        """Status and mode for ``services.register``."""
        coming = self.cleaned_data["coming"]
        if coming == self.APOLOGIES:
            return Attendance.Status.APOLOGIES, Attendance.Mode.IN_PERSON
        return Attendance.Status.REGISTERED, coming


@dataclass
class SheetRow:
    """One person on the attendance screen, as the form shows them: did they come, how, system staff.

    ``key`` is the id as text and ``choices`` are ready to print, so that a
    screen of 500 rows renders without localising numbers 6,000 times.
    """

    attendance: Attendance
    came: str
    staff: bool
    errors: list

    @property
    def key(self):
        return str(self.attendance.pk)

    @property
    def choices(self):
        """(value, label, checked) of each answer to "Came?"."""
        return [(value, label, value == self.came) for value, label in AttendanceSheetForm.CAME_CHOICES]


@dataclass
class AttendanceChange:
    """What saving the screen does to one attendance."""

    attendance: Attendance
    status: str
    mode: str
    counts_as_staff: bool

    @property
    def withdraws(self) -> bool:
        """This change stops the attendance counting: the person is no longer recorded as having come."""
        was_counted = self.attendance.status == Attendance.Status.ATTENDED and not self.attendance.counts_as_staff
        return was_counted and (self.status != Attendance.Status.ATTENDED or self.counts_as_staff)


class AttendanceSheetForm(forms.Form):
    """Who came to a meeting, on one screen: one choice per person, and the list of those who are system staff.

    A row is one field, ``came-<id>`` (did not come / in person / online), and a
    ticked "system staff" box adds its id to ``staff``: a meeting of 500 people
    posts about 500 fields, well under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS
    (1,000), where a form per row (id, tick, mode, staff) passed it at about
    250 rows. A row that is not posted (someone added since the page was
    opened) is left as it is; an id that is not this meeting's is refused.
    """

    NOT_HERE = "absent"
    CAME_CHOICES = [(NOT_HERE, "Did not come"), *Attendance.Mode.choices]
    STALE = "The list changed while you were working on it. Reload the page and try again."

    staff = forms.TypedMultipleChoiceField(coerce=int, required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            came = row.mode if row.status == Attendance.Status.ATTENDED else self.NOT_HERE
            self.fields[self.came_name(row)] = forms.ChoiceField(
                choices=self.CAME_CHOICES, required=False, initial=came
            )
        self.fields["staff"].choices = [(row.pk, row.participant.name) for row in self.rows]
        self.fields["staff"].initial = [row.pk for row in self.rows if row.counts_as_staff]

    @staticmethod
    def came_name(row):
        return f"came-{row.pk}"

    def clean(self):
        data = super().clean()
        known = {self.came_name(row) for row in self.rows}
        if any(key.startswith("came-") and key not in known for key in self.data):
            raise ValidationError(self.STALE)
        if "staff" in self.errors:
            # A ticked id that is not on this list: a stale page or a forged one.
            del self.errors["staff"]
            raise ValidationError(self.STALE)
        return data

    def sheet_rows(self):
        """The rows as shown: what was posted (on a page shown again), else what is recorded."""
        rows = []
        staff = {str(pk) for pk in (self.data.getlist("staff") if self.is_bound else self["staff"].initial)}
        for row in self.rows:
            name = self.came_name(row)
            came = self[name].value()
            if self.is_bound and name not in self.data:
                came = self.fields[name].initial
                ticked = row.counts_as_staff
            else:
                ticked = str(row.pk) in staff
            rows.append(SheetRow(row, came or self.NOT_HERE, ticked, list(self.errors.get(name, []))))
        return rows

    def posted_fields(self):
        """(name, value) of every choice posted, to send again from the confirmation step."""
        fields = [(name, self.data[name]) for name in (self.came_name(row) for row in self.rows) if name in self.data]
        return fields + [("staff", value) for value in self.data.getlist("staff")]

    def changes(self):
        """The attendances this form changes, and how. Unticked keeps apologies as apologies; else absent."""
        staff = set(self.cleaned_data["staff"])
        changes = []
        for row in self.rows:
            name = self.came_name(row)
            if name not in self.data:
                continue
            came = self.cleaned_data[name] or self.NOT_HERE
            if came != self.NOT_HERE:
                status, mode = Attendance.Status.ATTENDED, came
            elif row.status == Attendance.Status.APOLOGIES:
                status, mode = Attendance.Status.APOLOGIES, row.mode
            else:
                status, mode = Attendance.Status.ABSENT, row.mode
            # System staff are never counted, whatever the tick box says.
            counts_as_staff = row.pk in staff or row.participant.is_system_staff
            if (status, mode, counts_as_staff) != (row.status, row.mode, row.counts_as_staff):
                changes.append(AttendanceChange(row, status, mode, counts_as_staff))
        return changes


class WalkInForm(forms.Form):
    """Someone who came without registering. We look for them before making a new record.

    An email that matches finds the person at once. A name that matches
    shows the people found, and staff say whether it is one of them or
    someone new, so one person stays one record.
    """

    NEW = "new"

    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False, max_length=254, help_text="If they gave one: it finds them quickly.")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, empty_label="None, or not known", widget=QuickSelect
    )
    mode = forms.ChoiceField(label="How they took part", choices=Attendance.Mode.choices)
    counts_as_staff = forms.BooleanField(label="System staff (not counted as an attendee)", required=False)
    match = forms.ChoiceField(
        label="Is this one of these people?",
        required=False,
        widget=forms.RadioSelect,
        help_text="We found people with this name. Choose them, or say this is someone new.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        self.fields["mode"].widget.attrs["class"] = "form-select"
        self.email_match = None
        self.candidates = []
        if self.is_bound:
            # Search only with what the fields accept: a NUL byte or an over-long value never reaches a query.
            name, email = self._valid_value("name"), self._valid_value("email")
            # An email the person gave is theirs alone (one record per email), wherever they took part;
            # a list of names to choose from holds only the people of the partnerships the user runs.
            by_email = Participant.objects.find(email=email).select_related("organisation").first() if email else None
            if by_email is not None:
                self.email_match = by_email
            elif name:
                people = Participant.objects.run_by(user).find(name=name).select_related("organisation")
                self.candidates = list(people.order_by("name", "pk")[:10])
        if self.candidates:
            self.fields["match"].choices = [(str(p.pk), describe(p)) for p in self.candidates] + [
                (self.NEW, "No: someone new")
            ]
        else:
            del self.fields["match"]

    def _valid_value(self, name):
        """The field's typed value if the field accepts it, else ''."""
        try:
            return self.fields[name].clean(self[name].data) or ""
        except ValidationError:
            return ""

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the person's name.")
        return name

    def clean(self):
        data = super().clean()
        data["participant"] = self.email_match
        if self.candidates and "match" in data:
            chosen = data["match"]
            if not chosen:
                self.add_error("match", "We found someone with this name. Say whether it is them or someone new.")
            elif chosen != self.NEW:
                data["participant"] = next(p for p in self.candidates if str(p.pk) == chosen)
        return data

    def new_participant(self):
        """An unsaved participant from the form, for when nobody matched."""
        data = self.cleaned_data
        return Participant(
            name=data["name"],
            email=data.get("email", ""),
            organisation=data.get("organisation"),
            is_system_staff=data.get("counts_as_staff", False),
        )


def describe(participant):
    """How staff tell two people with one name apart, without showing full emails to onlookers."""
    parts = [participant.name]
    if participant.organisation_id:
        parts.append(participant.organisation.name)
    if participant.email:
        local, _, domain = participant.email.partition("@")
        parts.append(f"{local[:2]}…@{domain}")
    return " – ".join(parts)


class AttendanceImportForm(forms.Form):
    """A sign-in sheet saved as CSV."""

    sheet = forms.FileField(
        label="Sign-in sheet (CSV)",
        help_text="Columns: name,email,organisation,mode,staff. Mode is in_person or online; staff is yes or no.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_BYTES:
            raise ValidationError(f"This file is larger than {MAX_BYTES // 1024} KB; split it into smaller sheets.")
        return sheet


class SendViewsForm(forms.Form):
    """A member's views on an agenda item."""

    text = forms.CharField(
        label="Your views",
        max_length=VIEWS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the chair and staff will read this; it is never published with your name.",
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Write your views before sending them.")
        return text


def senders_for(item, user):
    """Who the views on ``item`` may be from: the people of its partnership and the ones below it.

    Its members (any role), the people registered or recorded at its meetings, and those who sent
    views on its agenda items; never the rest of the region (60,000 names in one list took seconds
    to send, meant nothing to the staff choosing from it, and showed them other partnerships' people).
    """
    people = Participant.objects.filter(erased_at__isnull=True).order_by("name")
    if item is None:
        return people.none()
    ids = sorted(roles.partnership_and_below(user, item.meeting.partnership_id))
    # One UNION of three short lists of ids, each read through an index: not a pass over the region's people.
    attendees = Attendance.objects.filter(meeting__partnership_id__in=ids).values("participant_id").order_by()
    members = Participant.objects.filter(user__memberships__partnership_id__in=ids).values("pk").order_by()
    views = Feedback.objects.filter(agenda_item__meeting__partnership_id__in=ids).values("participant_id").order_by()
    return people.filter(pk__in=attendees.union(members, views))


class RecordViewsForm(forms.ModelForm):
    """Views staff received by email, phone, paper or in the meeting."""

    class Meta:
        model = Feedback
        fields = ["participant", "channel", "text", "themes"]
        labels = {"participant": "From", "channel": "Received by", "text": "Their views"}
        help_texts = {"participant": "Choose “Not known” if the person did not give their name."}
        widgets = {"text": forms.Textarea(attrs={"rows": 5}), "themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, item=None, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = senders_for(item, user)
        self.fields["participant"].empty_label = "Not known"
        # Sent from the website, by a member or a visitor: never recorded by staff.
        sent_online = (Feedback.Channel.PORTAL, Feedback.Channel.VISITOR)
        self.fields["channel"].choices = [c for c in Feedback.Channel.choices if c[0] not in sent_online]
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        self.fields["themes"].required = False
        self.fields["text"].max_length = VIEWS_MAX
        self.fields["text"].widget.attrs["maxlength"] = VIEWS_MAX

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Write down the views you received.")
        if len(text) > VIEWS_MAX:
            raise ValidationError(f"Keep this under {VIEWS_MAX} characters; attach longer letters as a paper.")
        return text


class ResponseForm(forms.ModelForm):
    """'We did': what the decision makers did with what people said."""

    views_summary = forms.CharField(
        label="What people said",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A short summary of the views heard, published on 'You said, we did'. No names.",
    )

    field_order = ["views_summary", "what_we_did", "decided_by", "decided_on", "changed", "status", "reason"]

    class Meta:
        model = Response
        fields = ["what_we_did", "decided_by", "decided_on", "changed", "status", "reason", "reported_back_on"]
        widgets = {
            "what_we_did": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "decided_on": forms.DateInput(attrs={"type": "date"}),
            "reported_back_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["views_summary"].initial = item.views_summary
        self.fields["what_we_did"].max_length = 5000
        self.fields["reason"].help_text = "Required when the change was not possible: say why."

    def clean_what_we_did(self):
        text = self.cleaned_data["what_we_did"].strip()
        if not text:
            raise ValidationError("Say what was done with what people said.")
        if len(text) > 5000:
            raise ValidationError("Keep this under 5000 characters.")
        return text

    def clean(self):
        data = super().clean()
        decided_on, reported = data.get("decided_on"), data.get("reported_back_on")
        if decided_on and reported and reported < decided_on:
            self.add_error("reported_back_on", "People cannot hear back before the decision was made.")
        return data


class PartnershipFilterForm(QueryForm):
    """Which partnership's records to show (``?partnership=<slug>``): 'you said, we did', the calendar, policies."""

    partnership = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="All partnerships", widget=QuickSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.order_by("name")
        self.fields["partnership"].widget.attrs["class"] = "form-select"


class VisitorViewsForm(forms.Form):
    """A visitor's views on an agenda item, without an account: name, email, consent, and a honeypot."""

    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(
        label="Your email address",
        max_length=254,  # what Feedback.visitor_email and Participant.email hold
        help_text="We send you a link to confirm it; your views count once you do.",
    )
    text = forms.CharField(
        label="Your views",
        max_length=VIEWS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the chair and staff will read this; it is never published with your name.",
    )
    consent = forms.BooleanField(
        label="I agree that the partnership keeps my name, email and views to answer them and report what was done.",
        error_messages={"required": "Tick the box to say the partnership may keep your views and contact you."},
    )
    # A trap for robots: hidden from sight (and skipped by keyboard), labelled for anyone whose reader shows it.
    leave_empty = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Write your views before sending them.")
        return text

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Tell us your name.")
        return name

    def is_trapped(self):
        """True if the hidden field was filled in: a robot, whose views are dropped without saying so."""
        return bool(self.data.get("leave_empty", ""))
