"""Forms for claims (the member's side) and for approving and paying them (finance's side).

Forms check what people type and say what is wrong beside the field; the
rules that matter for money are checked again in ``services.py``.
"""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from engagement import roles
from engagement.files import clean_upload, largest_upload
from engagement.formsets import BoundedInlineFormSet
from engagement.models import Partnership
from engagement.query_string import QueryForm
from engagement.validators import FiniteDecimalField, validate_typed_date

from .models import Claim, ClaimLine, ExpenseCategory, PaymentRoute
from .services import LineChange

MAX_LINES = 15
DECLARATION = (
    "I declare that I have not claimed for this before, that any mileage is the actual distance I travelled, "
    "and that I chose the cheapest reasonable way to travel."
)


class StartClaimForm(forms.Form):
    """Choose the meeting to claim for, from those still open for claims."""

    attendance = forms.TypedChoiceField(
        label="Which meeting are you claiming for?", coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendance"].choices = [
            (
                option.attendance.pk,
                f"{option.meeting.title}, {option.meeting.local_date:%-d %B %Y} (claim by {option.deadline:%-d %B %Y})",
            )
            for option in options
            if option.can_claim
        ]


class HoursInput(forms.NumberInput):
    def __init__(self, maximum):
        super().__init__(attrs={"step": "0.25", "min": "0", "max": str(maximum), "inputmode": "decimal"})


class ClaimForm(forms.ModelForm):
    """The time claimed, whether the payment is declined, and the declaration.

    ``version`` is the claim's version the page was built from: ``update_claim``
    refuses the form once the claim has changed since (a second copy of it).
    """

    declaration = forms.BooleanField(label=DECLARATION, required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = ["meeting_hours", "preparation_hours", "payment_declined"]
        widgets = {"meeting_hours": HoursInput(12), "preparation_hours": HoursInput(24)}

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        self.submitting = submitting
        self.fields["version"].initial = claim.version
        self.fields["meeting_hours"].help_text = (
            f"The meeting was planned to last {_hours(claim.attendance.meeting)}. Use quarter hours: 1.5 is "
            "an hour and a half."
        )
        if claim.preparation_paid:
            self.fields[
                "preparation_hours"
            ].help_text = f"Time reading papers or preparing. Up to {_hours_text(claim.preparation_cap_hours)} paid."
        else:
            del self.fields["preparation_hours"]
        self.fields[
            "payment_declined"
        ].help_text = "For example if payments could affect your benefits. You can still claim your expenses."

    def clean_version(self):
        """The version as a number; None when it is missing or garbled, which update_claim refuses as stale.

        Never an error beside a field: it is hidden, and the member can do nothing about it but reload.
        """
        value = self.cleaned_data.get("version") or ""
        return int(value) if len(value) <= 18 and value.isascii() and value.isdigit() else None

    def clean(self):
        data = super().clean()
        if self.submitting and not data.get("declaration"):
            self.add_error("declaration", "Tick this box to confirm the declaration before you submit.")
        return data


def _hours_text(hours):
    """'1 hour is', '1.5 hours are'."""
    hours = hours.normalize()
    return f"{hours:f} hour is" if hours == 1 else f"{hours:f} hours are"


def _hours(meeting):
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}" if hours else ""
    if minutes:
        text = f"{text} {minutes} minutes".strip()
    return text or "no time"


class OneMessagePerField:
    """A field shows one problem at a time: the first, which ``clean()`` words for people.

    Without this, the model's own check (``ClaimLine.clean``, there for every other way in)
    said again, in other words, what the form had already said beside the field.
    """

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            fresh = {
                name: errors
                for name, errors in error.error_dict.items()
                if name == NON_FIELD_ERRORS or name not in self.errors
            }
            if not fresh:
                return
            error = ValidationError(fresh)
        elif field is not None and field in self.errors:
            return
        super().add_error(field, error)


class ClaimLineForm(OneMessagePerField, forms.ModelForm):
    """One expense. Mileage is worked out from the miles; other amounts are what was paid."""

    receipt = forms.FileField(
        label="Receipt",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    class Meta:
        model = ClaimLine
        fields = ["category", "description", "amount", "miles", "passengers", "taxi_reason"]
        field_classes = {"amount": FiniteDecimalField, "miles": FiniteDecimalField}
        labels = {"amount": "Amount (£)", "miles": "Miles", "taxi_reason": "Why a taxi?"}
        widgets = {
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
            "miles": forms.NumberInput(attrs={"step": "0.1", "min": "0", "inputmode": "decimal"}),
            "passengers": forms.NumberInput(attrs={"min": "0", "max": "8"}),
        }

    def __init__(self, *args, claim=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.submitting = submitting
        allowed = claim.policy.allowed_categories()
        category = self.fields["category"]
        category.choices = [("", "Choose a type of expense")] + [(c.value, c.label) for c in allowed]
        self.fields["amount"].required = False
        self.fields["passengers"].required = False
        self.fields["receipt"].widget.attrs.pop("required", None)
        self.fields["receipt"].help_text = f"A PDF, JPEG or PNG scan or photo, up to {largest_upload()}."

    @property
    def existing_receipt(self):
        if not self.instance.pk:
            return None
        return getattr(self.instance, "receipt", None)

    def clean_receipt(self):
        upload = self.cleaned_data.get("receipt")
        if not upload:
            return None
        return clean_upload(upload)

    def clean(self):
        data = super().clean()
        category = data.get("category")
        data["passengers"] = data.get("passengers") or 0
        if category == ExpenseCategory.MILEAGE:
            if data.get("miles") is None and "miles" not in self.errors:
                self.add_error("miles", "Give the distance in miles, there and back.")
            else:
                data["amount"] = self.claim.mileage_amount(data.get("miles"), data.get("passengers") or 0)
        elif category:
            data["miles"] = None
            data["passengers"] = 0
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", "Give the amount you paid.")
            elif data.get("amount") is not None and data["amount"] <= 0:
                self.add_error("amount", "Give the amount you paid (more than £0).")
        if category == ExpenseCategory.TAXI and not (data.get("taxi_reason") or "").strip():
            self.add_error("taxi_reason", "Say why you needed a taxi, for example no step-free public transport.")
        if category != ExpenseCategory.TAXI:
            data["taxi_reason"] = ""
        if (
            self.submitting
            and category
            and data.get("amount") is not None
            and self.claim.needs_receipt(category, data["amount"])
            and not data.get("receipt")
            and self.existing_receipt is None
            and not self.errors
        ):
            self.add_error("receipt", f"Add a receipt: the policy needs {self.claim.receipt_rule()}.")
        return data


class BaseClaimLineFormSet(BoundedInlineFormSet):
    """A claim's expense lines: at most ``MAX_LINES``; a posted count above that builds no line at all."""

    default_error_messages = {"too_many_forms": f"A claim can have at most {MAX_LINES} expense lines."}

    def __init__(self, *args, submitting=False, **kwargs):
        self.submitting = submitting
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this expense"

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "claim": self.instance, "submitting": self.submitting}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            claim=self.instance,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def line_changes(self):
        """The lines as the member left them, for ``services.update_claim``."""
        changes = []
        for form in self.forms:
            existing = form.instance if form.instance.pk else None
            if self.can_delete and self._should_delete_form(form):
                if existing is not None:
                    changes.append(LineChange(line=existing, delete=True))
                continue
            if existing is None and not form.has_changed():
                continue
            data = form.cleaned_data
            changes.append(
                LineChange(
                    line=existing,
                    category=data["category"],
                    description=data.get("description") or "",
                    amount=data.get("amount"),
                    miles=data.get("miles"),
                    passengers=data.get("passengers") or 0,
                    taxi_reason=data.get("taxi_reason") or "",
                    receipt=data.get("receipt"),
                )
            )
        return changes


def claim_line_formset(claim, *args, **kwargs):
    """The expense lines of ``claim``, with three blank lines to start with and one once there are some."""
    has_lines = bool(claim.pk) and any(True for _ in claim.lines.all())
    formset_class = inlineformset_factory(
        Claim,
        ClaimLine,
        form=ClaimLineForm,
        formset=BaseClaimLineFormSet,
        extra=1 if has_lines else 3,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
        can_delete=True,
    )
    lines = ClaimLine.objects.select_related("receipt").order_by("order", "pk")
    return formset_class(*args, instance=claim, prefix="lines", queryset=lines, **kwargs)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why is this claim being sent back?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The claimant reads this. Say what to correct, for example which receipt is missing.",
    )


def paid_partnerships(user):
    """The partnerships whose claims ``user`` pays (finance there or above), by name."""
    return roles.scope(Partnership.objects.order_by("name"), user, *roles.PAYER_ROLES, path="pk")


def approved_partnerships(user):
    """The partnerships whose claims ``user`` approves (finance or chair there or above), by name."""
    return roles.scope(Partnership.objects.order_by("name"), user, *roles.APPROVER_ROLES, path="pk")


class RunChoiceForm(QueryForm):
    """Which payment run to open: one partnership the user pays, one payment route."""

    error_id = "error_1_{id}"  # drawn by crispy-forms
    # Not required: what is not given is the page's default (the first run with claims waiting).
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(), to_field_name="slug", empty_label=None, required=False
    )
    route = forms.ChoiceField(label="Payment route", choices=PaymentRoute.choices, required=False)

    def __init__(self, *args, payer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = paid_partnerships(payer)


class PaymentRunForm(forms.Form):
    """Mark the claims of a payment run paid, with the finance system's reference and date.

    The run is one partnership's claims for one payment route (hidden: the page chose them).
    """

    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(), to_field_name="slug", widget=forms.HiddenInput
    )
    route = forms.ChoiceField(choices=PaymentRoute.choices, widget=forms.HiddenInput)
    reference = forms.CharField(
        label="Payment reference", max_length=100, help_text="The batch or run reference in the finance system."
    )
    paid_on = forms.DateField(
        label="Date paid",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_typed_date],
    )
    approved_before = forms.DateTimeField(widget=forms.HiddenInput, validators=[validate_typed_date])

    def __init__(self, *args, payer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = paid_partnerships(payer)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        today = timezone.localdate()
        if paid_on > today + datetime.timedelta(days=31):
            raise forms.ValidationError("The date paid cannot be more than a month ahead.")
        if paid_on.year < 2000:
            raise forms.ValidationError("Give the date the payment was made.")
        return paid_on

    def clean_approved_before(self):
        cut_off = self.cleaned_data["approved_before"]
        if cut_off > timezone.now():
            raise forms.ValidationError("Open the payment run again and mark it paid from there.")
        return cut_off


class YearSummaryForm(QueryForm):
    """A partnership the user approves claims for (none other is a choice), and a financial year."""

    error_id = "error_1_{id}"  # drawn by crispy-forms
    partnership = forms.ModelChoiceField(queryset=Partnership.objects.none(), to_field_name="slug", empty_label=None)
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args, approver, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = approved_partnerships(approver)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(year, f"{year}/{str(year + 1)[-2:]}") for year in range(this_year, 2019, -1)]
