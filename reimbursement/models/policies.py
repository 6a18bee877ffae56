"""What a partnership pays for: expense categories, how time is paid, and its payment policies.

Money is ``Decimal`` with two places, rounded half-up at each line (``money``).
A claim keeps a copy of the rates it was worked out with (``RateCard``), so a
new or edited policy never changes an old claim.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from engagement import roles
from engagement.models import Partnership
from engagement.querysets import PartnershipQuerySet
from engagement.validators import validate_typed_date

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")


def person_name(user):
    """How a user is named on claims and finance files: full name, else username; '' for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def money(value):
    """``value`` in pounds and pence, rounded half-up (2.345 -> 2.35): how each line is rounded."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


class ExpenseCategory(models.TextChoices):
    PUBLIC_TRANSPORT = "public_transport", "Public transport"
    MILEAGE = "mileage", "Mileage (own car)"
    TAXI = "taxi", "Taxi"
    PARKING = "parking", "Parking"
    CARE = "care", "Carer or childcare cost"
    SUBSISTENCE = "subsistence", "Food and drink (subsistence)"
    OTHER = "other", "Other"


class TimeBasis(models.TextChoices):
    HOURLY = "hourly", "By the hour"
    SESSION = "session", "A half-day or full-day amount"
    HOURLY_UP_TO_SESSION = "hourly_capped", "By the hour, up to the half-day or full-day amount"


class RateCard(models.Model):
    """The rates a payment is worked out with: held by a policy, and copied onto each claim.

    The arithmetic lives here so that a policy's page and a claim's total can
    never disagree about how a figure is reached.
    """

    time_basis = models.CharField(
        "involvement payment", max_length=20, choices=TimeBasis.choices, default=TimeBasis.HOURLY
    )
    hourly_rate = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    half_day_amount = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    full_day_amount = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    half_day_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text="Up to this many hours counts as a half day; more is a full day.",
    )
    preparation_paid = models.BooleanField(default=False, help_text="Time spent reading papers is paid.")
    preparation_cap_hours = models.DecimalField(
        "preparation paid up to (hours)",
        max_digits=4,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    mileage_rate = models.DecimalField(
        "mileage rate (£ a mile)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.45"),
        validators=[MinValueValidator(ZERO)],
        help_text="HMRC's rate is 45p a mile for the first 10,000 miles.",
    )
    passenger_rate = models.DecimalField(
        "passenger supplement (£ a mile each)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.05"),
        validators=[MinValueValidator(ZERO)],
    )
    receipt_threshold = models.DecimalField(
        "receipt needed above (£)",
        max_digits=7,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="Expenses above this amount need a receipt. Mileage never needs one. 0 means every expense.",
    )

    RATE_FIELDS = (
        "time_basis",
        "hourly_rate",
        "half_day_amount",
        "full_day_amount",
        "half_day_hours",
        "preparation_paid",
        "preparation_cap_hours",
        "mileage_rate",
        "passenger_rate",
        "receipt_threshold",
    )

    class Meta:
        abstract = True

    def paid_preparation_hours(self, preparation_hours):
        if not self.preparation_paid:
            return ZERO
        return min(Decimal(preparation_hours or 0), self.preparation_cap_hours)

    def paid_hours(self, meeting_hours, preparation_hours=ZERO):
        """Meeting time plus preparation, as far as the rates pay it."""
        return Decimal(meeting_hours or 0) + self.paid_preparation_hours(preparation_hours)

    def involvement_payment(self, meeting_hours, preparation_hours=ZERO, declined=False):
        """The involvement payment for this time, rounded half-up; nothing when it is declined."""
        hours = self.paid_hours(meeting_hours, preparation_hours)
        if declined or hours <= 0:
            return ZERO
        session = self.half_day_amount if hours <= self.half_day_hours else self.full_day_amount
        if self.time_basis == TimeBasis.SESSION:
            return money(session or ZERO)
        by_the_hour = money(hours * (self.hourly_rate or ZERO))
        if self.time_basis == TimeBasis.HOURLY_UP_TO_SESSION and session is not None:
            return min(by_the_hour, money(session))
        return by_the_hour

    def mileage_amount(self, miles, passengers=0):
        """Miles at the mileage rate plus the supplement for each passenger, rounded half-up."""
        per_mile = self.mileage_rate + (passengers or 0) * self.passenger_rate
        return money(Decimal(miles or 0) * per_mile)

    def needs_receipt(self, category, amount):
        """Every expense above the threshold needs a receipt, except mileage (HMRC rates need none)."""
        return category != ExpenseCategory.MILEAGE and Decimal(amount or 0) > self.receipt_threshold

    def receipt_rule(self):
        """The receipt rule in words, the same on every page: with no threshold, every expense needs one."""
        if self.receipt_threshold > 0:
            return f"a receipt for every expense over £{self.receipt_threshold:,.2f} except mileage"
        return "a receipt for every expense except mileage"

    def copy_rates_to(self, other):
        for field in self.RATE_FIELDS:
            setattr(other, field, getattr(self, field))

    def time_rates_text(self):
        """The involvement payment in words, e.g. '£25.00 an hour, up to £75.00 for a half day …'."""
        half = f"£{self.half_day_amount} for a half day (up to {self.half_day_hours.normalize():f} hours)"
        full = f"£{self.full_day_amount} for a full day"
        if self.time_basis == TimeBasis.SESSION:
            return f"{half}, {full}"
        if self.time_basis == TimeBasis.HOURLY_UP_TO_SESSION:
            return f"£{self.hourly_rate} an hour, up to {half} and {full}"
        return f"£{self.hourly_rate} an hour"


class PaymentRoute(models.TextChoices):
    PAYROLL = "payroll", "Payroll"
    ACCOUNTS_PAYABLE = "accounts_payable", "Accounts payable (paid into your bank account)"
    VOUCHERS = "vouchers", "Vouchers"


class PaymentPolicyQuerySet(PartnershipQuerySet):
    """``for_user``: the policies of the partnerships where a person approves or pays claims (all may read them)."""

    default_roles = roles.APPROVER_ROLES

    def in_force(self, partnership, day):
        """The policy that applies on ``day``: the latest one in effect by then, or None."""
        return self.filter(partnership=partnership, effective_from__lte=day).order_by("-effective_from").first()


# The policy's flag for each expense category.
CATEGORY_FLAGS = {
    ExpenseCategory.PUBLIC_TRANSPORT: "allows_public_transport",
    ExpenseCategory.MILEAGE: "allows_mileage",
    ExpenseCategory.TAXI: "allows_taxi",
    ExpenseCategory.PARKING: "allows_parking",
    ExpenseCategory.CARE: "allows_care",
    ExpenseCategory.SUBSISTENCE: "allows_subsistence",
    ExpenseCategory.OTHER: "allows_other",
}


class PaymentPolicy(RateCard):
    """A partnership's rates for people's time and expenses, from a date.

    The policy in force on a meeting's date applies to claims for it. A new
    policy (a later ``effective_from``) never changes claims already made:
    each claim keeps its policy and a copy of the rates it used.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="payment_policies")
    name = models.CharField(max_length=200, help_text="e.g. Involvement payments 2024/25")
    effective_from = models.DateField(
        validators=[validate_typed_date], help_text="Applies to meetings on or after this date, until a newer policy."
    )
    allows_public_transport = models.BooleanField("public transport", default=True)
    allows_mileage = models.BooleanField("mileage", default=True)
    allows_taxi = models.BooleanField("taxi (with a reason)", default=True)
    allows_parking = models.BooleanField("parking", default=True)
    allows_care = models.BooleanField("carer or childcare cost", default=True)
    allows_subsistence = models.BooleanField("food and drink", default=False)
    allows_other = models.BooleanField("other", default=False)
    claim_deadline_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Claims must be submitted within this many days after the meeting.",
    )
    budget_code = models.CharField(max_length=60, blank=True, help_text="Shown on the payment run for finance.")
    payment_route = models.CharField(max_length=20, choices=PaymentRoute.choices, default=PaymentRoute.ACCOUNTS_PAYABLE)
    benefits_advice_url = models.URLField(
        "benefits advice link",
        blank=True,
        help_text="Where people can get independent advice on how payments affect their benefits.",
    )
    notes = models.TextField(blank=True, help_text="Anything else people should know, in plain language.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "-effective_from"]
        verbose_name_plural = "payment policies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "effective_from"], name="payment_policy_one_per_date"),
            models.CheckConstraint(
                condition=~Q(time_basis="hourly") | Q(hourly_rate__isnull=False),
                name="payment_policy_hourly_has_rate",
            ),
            models.CheckConstraint(
                condition=~Q(time_basis__in=["session", "hourly_capped"])
                | (Q(half_day_amount__isnull=False) & Q(full_day_amount__isnull=False)),
                name="payment_policy_session_has_amounts",
            ),
            models.CheckConstraint(
                condition=~Q(time_basis="hourly_capped") | Q(hourly_rate__isnull=False),
                name="payment_policy_capped_has_rate",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.partnership}, from {self.effective_from:%d %b %Y})"

    def clean(self):
        errors = {}
        if self.time_basis in (TimeBasis.HOURLY, TimeBasis.HOURLY_UP_TO_SESSION) and self.hourly_rate is None:
            errors["hourly_rate"] = "Give the hourly rate."
        if self.time_basis in (TimeBasis.SESSION, TimeBasis.HOURLY_UP_TO_SESSION):
            if self.half_day_amount is None:
                errors["half_day_amount"] = "Give the half-day amount."
            if self.full_day_amount is None:
                errors["full_day_amount"] = "Give the full-day amount."
        if self.preparation_paid and not self.preparation_cap_hours:
            errors["preparation_cap_hours"] = "Say how many hours of preparation are paid at most."
        if errors:
            raise ValidationError(errors)

    def allowed_categories(self):
        return [category for category, flag in CATEGORY_FLAGS.items() if getattr(self, flag)]

    def allows(self, category):
        flag = CATEGORY_FLAGS.get(category)
        return bool(flag and getattr(self, flag))

    def deadline_for(self, meeting):
        """The last day a claim for ``meeting`` may be submitted."""
        return meeting.local_date + datetime.timedelta(days=self.claim_deadline_days)
