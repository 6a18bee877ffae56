"""Claims for time and expenses, their expense lines and receipts.

Totals are sums of rounded lines and are computed here, never typed. Claims
change state only in ``reimbursement/services.py``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from engagement import roles
from engagement.files import RandomName
from engagement.models import Participant
from engagement.validators import validate_typed_date
from meetings.models import Attendance

from .policies import (
    ZERO,
    ExpenseCategory,
    PaymentPolicy,
    RateCard,
    person_name,
)

# The claim's attendance still says the claimant came, not as system staff (``Claim.attendance_verified``).
ATTENDANCE_VERIFIED = (
    Q(attendance__participant=models.F("claimant"))
    & Q(attendance__status=Attendance.Status.ATTENDED)
    & Q(attendance__counts_as_staff=False)
)


# Where a claim's partnership is: that of its policy (``roles.claim_partnership_id``).
CLAIM_PARTNERSHIP = "policy__partnership"


class ClaimQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The user's own claims (through their participant record)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(claimant__user=user)

    def for_user(self, user):
        """What ``user`` may see: their own claims, and the submitted (or later) claims of the partnerships
        where they approve or pay (and those below them).

        Every view that fetches a claim by id goes through this, so an id in a
        URL grants nothing by itself (someone else's claim is a 404).
        """
        if not user.is_authenticated:
            return self.none()
        own = Q(claimant__user=user)
        decided_here = ~Q(status=Claim.Status.DRAFT)
        if not user.is_superuser:
            ids = roles.covered_ids(user, *roles.APPROVER_ROLES)
            if not ids:
                return self.filter(own)
            decided_here &= Q(**{f"{CLAIM_PARTNERSHIP}__in": sorted(ids)})
        return self.filter(own | decided_here)

    def approvable_by(self, user):
        """Claims of the partnerships where ``user`` approves (finance or chair; never their own: the service)."""
        return roles.scope(self, user, *roles.APPROVER_ROLES, path=CLAIM_PARTNERSHIP)

    def payable_by(self, user):
        """Claims of the partnerships where ``user`` is finance."""
        return roles.scope(self, user, *roles.PAYER_ROLES, path=CLAIM_PARTNERSHIP)

    def for_list(self):
        """What a list of claims shows, in one query (totals are stored on the claim)."""
        return self.select_related("claimant", "attendance__meeting__partnership")

    def for_detail(self):
        """A claim's page: the claim, its meeting and policy, and its lines with their receipts."""
        return self.select_related(
            "claimant",
            "attendance__meeting__partnership",
            "attendance__participant",
            "policy__partnership",
            "decided_by",
            "paid_by",
        ).prefetch_related(models.Prefetch("lines", queryset=ClaimLine.objects.select_related("receipt")))

    def for_queue(self):
        """The approver's queue: who, which meeting, whether they were recorded, and the receipts."""
        return self.select_related(
            "claimant", "attendance__meeting__partnership", "attendance__participant", "policy"
        ).prefetch_related(models.Prefetch("receipts", queryset=Receipt.objects.order_by("pk")))

    def awaiting_payment(self, approved_before=None):
        """Approved claims not yet paid."""
        claims = self.filter(status=Claim.Status.APPROVED)
        if approved_before is not None:
            claims = claims.filter(decided_at__lte=approved_before)
        return claims

    def in_run(self, partnership=None, route=None):
        """The claims of one partnership's payment route (a payment run never mixes partnerships or routes)."""
        claims = self
        if partnership is not None:
            claims = claims.filter(**{CLAIM_PARTNERSHIP: partnership})
        if route is not None:
            claims = claims.filter(policy__payment_route=route)
        return claims

    def payable_now(self, approved_before, runner):
        """Every claim ``runner`` could pay, in all their partnerships and routes: approved, verified, not theirs."""
        return (
            self.payable_by(runner)
            .awaiting_payment(approved_before)
            .exclude(claimant__user=runner)
            .filter(ATTENDANCE_VERIFIED)
        )

    def payment_run(self, approved_before, runner, partnership, route):
        """The claims ``runner`` exports and marks paid in one run: one partnership, one payment route.

        Awaiting payment, none of their own, none held back. The page, the CSV
        and ``services.mark_run_paid`` all read this, so what is shown is what
        is exported is what is paid.
        """
        return self.payable_now(approved_before, runner).in_run(partnership, route)

    def held_back(self, approved_before, runner, partnership=None, route=None):
        """Approved claims whose attendance staff have since withdrawn: not paid until finance has checked.

        Those ``runner`` approves (``runner``'s own claims are named apart, by ``left_out_of_run``).
        """
        return (
            self.approvable_by(runner)
            .awaiting_payment(approved_before)
            .in_run(partnership, route)
            .exclude(claimant__user=runner)
            .exclude(ATTENDANCE_VERIFIED)
        )

    def left_out_of_run(self, approved_before, runner, partnership=None, route=None):
        """``runner``'s own claims awaiting payment: another member of finance must pay them."""
        if not runner.is_authenticated:
            return self.none()
        return (
            self.payable_by(runner)
            .awaiting_payment(approved_before)
            .in_run(partnership, route)
            .filter(claimant__user=runner)
        )


class Claim(RateCard):
    """A person's claim for their time and expenses for one meeting they attended.

    ``time_payment``, ``expenses_total`` and ``total`` are worked out from the
    rates copied from ``policy`` and the lines; the member never types them.
    Status changes (submit, approve, reject, pay) happen only in
    ``reimbursement/services.py``, inside a transaction that locks the row.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Sent back"  # the word members read everywhere; the stored value is a contract
        PAID = "paid", "Paid"

    claimant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="claims")
    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="claims")
    policy = models.ForeignKey(PaymentPolicy, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    meeting_hours = models.DecimalField(
        "time at the meeting (hours)",
        max_digits=4,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("12"))],
    )
    preparation_hours = models.DecimalField(
        "preparation time (hours)",
        max_digits=4,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("24"))],
    )
    payment_declined = models.BooleanField(
        "I do not want the involvement payment", default=False, help_text="You can still claim your expenses."
    )
    time_payment = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO, editable=False)
    expenses_total = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO, editable=False)
    total = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO, editable=False)
    declared_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejection_reason = models.TextField(blank=True, editable=False)
    payment_reference = models.CharField(max_length=100, blank=True, editable=False)
    payment_run = models.ForeignKey(
        "reimbursement.PaymentRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        editable=False,
        help_text="The run it was paid in (none when it was marked paid on its own).",
    )
    paid_on = models.DateField(null=True, blank=True, editable=False)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up by one with every change (services.py); the claim form carries the version it showed.",
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["attendance"], name="claim_one_per_attendance"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "rejected", "paid"]),
                name="claim_status_known",
            ),
            models.CheckConstraint(
                condition=Q(time_payment__gte=0) & Q(expenses_total__gte=0) & Q(total__gte=0),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(payment_declined=False) | Q(time_payment=0), name="claim_declined_pays_no_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="claim_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (~Q(payment_reference="") & Q(paid_on__isnull=False)),
                name="claim_paid_has_reference_and_date",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="claim_submitted_has_date"
            ),
            models.CheckConstraint(
                condition=Q(meeting_hours__gte=0) & Q(meeting_hours__lte=24) & Q(preparation_hours__gte=0),
                name="claim_hours_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # A region's lists and feeds sort and filter on these (issue 13: bench/scale.py).
            models.Index(fields=["submitted_at"], name="claim_submitted_at"),
        ]

    def __str__(self):
        return f"Claim {self.pk} by {self.claimant} for {self.attendance.meeting}"

    def get_absolute_url(self):
        return reverse("claim_detail", args=[self.pk])

    @property
    def meeting(self):
        return self.attendance.meeting

    @property
    def status_phrase(self):
        """The status as a sentence says it: 'is a draft', 'has been sent back', 'is paid'."""
        return {
            self.Status.DRAFT: "is a draft",
            self.Status.REJECTED: "has been sent back",
        }.get(self.status, f"is {self.get_status_display().lower()}")

    @property
    def is_editable(self):
        """Drafts, and rejected claims being corrected; never once submitted."""
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)

    @property
    def attendance_verified(self):
        """The attendance record still says this person came (not as system staff)."""
        attendance = self.attendance
        return (
            attendance.participant_id == self.claimant_id
            and attendance.status == Attendance.Status.ATTENDED
            and not attendance.counts_as_staff
        )

    # Read by meetings (through ``Attendance.claims``, as meetings cannot import this app) before staff
    # record that someone did not come after all: see meetings.selectors.claims_at_stake.
    @property
    def relies_on_attendance(self):
        """Waiting for approval or payment: recording that the person did not come must flag it to finance."""
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)

    def attendance_warning(self):
        """How staff are told about this claim before they withdraw its attendance (no amounts: not theirs)."""
        waiting = "waiting for approval" if self.status == self.Status.SUBMITTED else "approved, not yet paid"
        return f"claim {self.pk}, {waiting}"

    @property
    def deadline(self):
        return self.policy.deadline_for(self.meeting)

    def past_deadline(self, today=None):
        """A draft whose deadline has gone by; a rejected claim was in on time, so it never is."""
        return self.status == self.Status.DRAFT and (today or timezone.localdate()) > self.deadline

    @property
    def paid_preparation(self):
        return self.paid_preparation_hours(self.preparation_hours)

    def calculate(self, lines):
        """Work out the time payment and totals from the claim's rates and ``lines`` (already rounded)."""
        self.time_payment = self.involvement_payment(self.meeting_hours, self.preparation_hours, self.payment_declined)
        self.expenses_total = sum((line.amount for line in lines), ZERO)
        self.total = self.time_payment + self.expenses_total

    def status_history(self):
        """Each change of status, oldest first: what it became, who did it, when, and why if rejected."""
        changes, previous = [], None
        for record in self.history.select_related("history_user").order_by("history_date", "history_id"):
            if record.status == previous:
                continue
            previous = record.status
            changes.append(
                StatusChange(
                    status=record.status,
                    label=_status_words(record),
                    by=record.history_user,
                    at=record.history_date,
                    reason=record.rejection_reason if record.status == self.Status.REJECTED else "",
                    reference=record.payment_reference if record.status == self.Status.PAID else "",
                )
            )
        return changes

    def expenses_by_category(self, lines=None):
        """{category: amount} for the claim's lines (every category, 0.00 where none)."""
        totals = dict.fromkeys(ExpenseCategory.values, ZERO)
        for line in self.lines.all() if lines is None else lines:
            totals[line.category] += line.amount
        return totals


@dataclass
class StatusChange:
    status: str
    label: str
    by: object
    at: datetime.datetime
    reason: str = ""
    reference: str = ""

    @property
    def by_name(self):
        return person_name(self.by) if self.by is not None else "the portal"


def _status_words(record):
    if record.status == Claim.Status.SUBMITTED and record.history_change_reason == "resubmitted":
        return "Corrected and resubmitted"
    return {
        Claim.Status.DRAFT: "Draft started",
        Claim.Status.SUBMITTED: "Submitted",
        Claim.Status.APPROVED: "Approved",
        Claim.Status.REJECTED: "Sent back",
        Claim.Status.PAID: "Paid",
    }.get(record.status, record.status)


class ClaimLineQuerySet(models.QuerySet):
    def for_user(self, user):
        """Lines of the claims ``user`` may see (``Claim.objects.for_user``)."""
        return self.filter(claim__in=Claim.objects.for_user(user))


class ClaimLine(models.Model):
    """One expense on a claim. Mileage is worked out from miles and passengers; other amounts are as paid."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(
        max_length=200, blank=True, help_text="e.g. Bus from Catford to Lewisham and back; from and to for mileage."
    )
    miles = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1000"))],
        help_text="Mileage only: the actual distance there and back.",
    )
    passengers = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(8)], help_text="Mileage only: other people you gave a lift to."
    )
    amount = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("5000"))],
        help_text="What you paid. For mileage this is worked out for you.",
    )
    taxi_reason = models.CharField(
        "why a taxi", max_length=300, blank=True, help_text="Taxis only: e.g. no step-free public transport."
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ClaimLineQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_line_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(category="mileage") | Q(miles__isnull=False), name="claim_line_mileage_has_miles"
            ),
            models.CheckConstraint(
                condition=~Q(category="taxi") | ~Q(taxi_reason=""), name="claim_line_taxi_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: £{self.amount}"

    def clean(self):
        if self.category == ExpenseCategory.MILEAGE and self.miles is None:
            raise ValidationError({"miles": "Give the distance in miles."})
        if self.category == ExpenseCategory.TAXI and not self.taxi_reason.strip():
            raise ValidationError({"taxi_reason": "Say why you needed a taxi."})


class ReceiptQuerySet(models.QuerySet):
    def for_user(self, user):
        """Receipts of the claims ``user`` may see (their own; approvers: submitted ones of their partnerships)."""
        return self.filter(claim__in=Claim.objects.for_user(user))


class Receipt(models.Model):
    """A scan or photo of a receipt for one expense line (PDF, JPEG or PNG, checked by content).

    Stored under a random name outside static files; served only by
    ``receipt_download``, which checks who is asking.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="receipts")
    line = models.OneToOneField(ClaimLine, on_delete=models.CASCADE, related_name="receipt")
    file = models.FileField(upload_to=RandomName("receipts"))
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now, validators=[validate_typed_date])

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "pk"]

    def __str__(self):
        return f"Receipt {self.pk} for claim {self.claim_id}"

    def get_absolute_url(self):
        return reverse("receipt_download", args=[self.pk])

    @property
    def extension(self):
        name = self.file.name or ""
        return name.rsplit(".", 1)[-1].lower() if "." in name else ""

    def download_name(self):
        return f"claim-{self.claim_id}-receipt-{self.pk}.{self.extension or 'bin'}"
