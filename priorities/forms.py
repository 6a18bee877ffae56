"""Forms: a progress note on an action, and the chair's action form in the admin."""

from django import forms
from django.utils import timezone

from engagement.validators import validate_typed_date

from .models import EARLIEST_DUE_DATE, Action

STATUS_NOTE_REQUIRED = "Say why the status is changing."


class ProgressNoteForm(forms.Form):
    """A dated note on an action, optionally moving it to a new status.

    Validation only: the view saves through ``services.change_action_status``.
    """

    note = forms.CharField(
        label="Progress note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has happened since the last note. Needed when you change the status.",
    )
    new_status = forms.ChoiceField(label="Status", required=False)
    date = forms.DateField(
        label="Date of this note",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_typed_date],
        help_text="Leave empty for today.",
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if self.is_bound and self.data.get(self.add_prefix("new_status")) == action.status:
            # Sent again once it took effect (a double click, a refresh): the action already has that status.
            self.data = self.data.copy()
            self.data[self.add_prefix("new_status")] = ""
        self.fields["new_status"].choices = [("", f"Keep as “{action.get_status_display()}”")] + [
            (value, label) for value, label in Action.Status.choices if value != action.status
        ]

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is None:
            return timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("A progress note cannot be dated in the future.")
        if day < EARLIEST_DUE_DATE:
            raise forms.ValidationError("Give a date from 2000 onwards.")
        return day

    def clean(self):
        cleaned = super().clean()
        note = (cleaned.get("note") or "").strip()
        if cleaned.get("new_status") and not note:
            self.add_error("note", STATUS_NOTE_REQUIRED)
        elif not note and "note" not in self.errors:
            self.add_error("note", "Write a note, or go back without saving.")
        cleaned["note"] = note
        return cleaned


class ActionAdminForm(forms.ModelForm):
    """The chair's form for an action, inline under a priority or on its own.

    A status different from the stored one (or, for a new action, from "not
    started") needs a note; the admin then saves the change through
    ``services.save_action_from_admin`` so it is recorded like any other.
    """

    status_note = forms.CharField(
        label="Why the status changed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text="Needed when you change the status; saved as a progress note.",
    )

    class Meta:
        model = Action
        fields = [
            "priority",
            "horizon",
            "order",
            "description",
            "owner_organisation",
            "owner_participant",
            "due_date",
            "status",
            "agenda_items",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_status = self.instance.status if self.instance.pk else Action.Status.NOT_STARTED

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and status != self.stored_status and not (cleaned.get("status_note") or "").strip():
            self.add_error("status_note", STATUS_NOTE_REQUIRED)
        return cleaned
