"""Forms for taking part: registering, recording who came, views and 'we did'."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory

from engagement.models import Organisation, Participant, Partnership, Theme
from engagement.query_string import QueryForm

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


class AttendanceRowForm(forms.ModelForm):
    """One person on the attendance screen: did they come, how, and are they system staff."""

    attended = forms.BooleanField(label="Attended", required=False)

    class Meta:
        model = Attendance
        fields = ["mode", "counts_as_staff"]
        labels = {"mode": "How", "counts_as_staff": "System staff"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].initial = self.instance.status == Attendance.Status.ATTENDED
        self.fields["mode"].widget.attrs["class"] = "form-select form-select-sm w-auto"
        self.fields["attended"].widget.attrs["class"] = "form-check-input"
        self.fields["counts_as_staff"].widget.attrs["class"] = "form-check-input"
        name = self.instance.participant.name if self.instance.pk else ""
        # Screen readers hear whose row each control is in.
        for field_name, label in [("attended", "attended"), ("mode", "how"), ("counts_as_staff", "system staff")]:
            self.fields[field_name].widget.attrs["aria-label"] = f"{name}: {label}"


class KnownRowField(forms.ModelChoiceField):
    """A row's hidden id, checked against the rows already loaded rather than one query per row."""

    def __init__(self, rows, **kwargs):
        self.rows = rows
        super().__init__(queryset=Attendance.objects.none(), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.rows[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class BaseAttendanceFormSet(BaseModelFormSet):
    """Only this meeting's attendances: a row for anyone else (a forged or stale id) is refused."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if not hasattr(self, "_object_dict"):
            self._object_dict = {row.pk: row for row in self.get_queryset()}
        pk_field = form.fields["id"]
        form.fields["id"] = KnownRowField(
            self._object_dict, initial=pk_field.initial, required=False, widget=pk_field.widget
        )

    def clean(self):
        super().clean()
        if any(form.instance.pk is None for form in self.forms):
            raise ValidationError("The list changed while you were working on it. Reload the page and try again.")


AttendanceFormSet = modelformset_factory(
    Attendance, form=AttendanceRowForm, formset=BaseAttendanceFormSet, extra=0, can_delete=False
)


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
        queryset=Organisation.objects.all(), required=False, empty_label="None, or not known"
    )
    mode = forms.ChoiceField(label="How they took part", choices=Attendance.Mode.choices)
    counts_as_staff = forms.BooleanField(label="System staff (not counted as an attendee)", required=False)
    match = forms.ChoiceField(
        label="Is this one of these people?",
        required=False,
        widget=forms.RadioSelect,
        help_text="We found people with this name. Choose them, or say this is someone new.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        self.fields["mode"].widget.attrs["class"] = "form-select"
        self.email_match = None
        self.candidates = []
        if self.is_bound:
            # Search only with what the fields accept: a NUL byte or an over-long value never reaches a query.
            name, email = self._valid_value("name"), self._valid_value("email")
            found = list(Participant.objects.find(name=name, email=email).select_related("organisation")[:10])
            by_email = [p for p in found if email and p.email.lower() == email.lower()]
            if by_email:
                self.email_match = by_email[0]
            else:
                self.candidates = found
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


class RecordViewsForm(forms.ModelForm):
    """Views staff received by email, phone, paper or in the meeting."""

    class Meta:
        model = Feedback
        fields = ["participant", "channel", "text", "themes"]
        labels = {"participant": "From", "channel": "Received by", "text": "Their views"}
        help_texts = {"participant": "Choose “Not known” if the person did not give their name."}
        widgets = {"text": forms.Textarea(attrs={"rows": 5}), "themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(erased_at__isnull=True).order_by("name")
        self.fields["participant"].empty_label = "Not known"
        self.fields["channel"].choices = [c for c in Feedback.Channel.choices if c[0] != Feedback.Channel.PORTAL]
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
        queryset=None, required=False, to_field_name="slug", empty_label="All partnerships"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.order_by("name")
        self.fields["partnership"].widget.attrs["class"] = "form-select"
