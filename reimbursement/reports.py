"""Finance's figures: the payment run and the year summary, each computed once.

The renderers in ``exports.py`` format these and never query the database.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone

from meetings.models import Meeting
from toolkit.downloads import download_name

from .models import ZERO, Claim, ExpenseCategory, PaymentRoute, person_name

# --- The payment run --------------------------------------------------------------------------

PAYMENT_RUN_HEADERS = [
    "Claim id",
    "Claimant",
    "Email",
    "Phone",
    "Partnership",
    "Budget code",
    "Payment route",
    "Meeting date",
    "Meeting",
    "Time payment",
    *[f"Expenses: {label}" for label in ExpenseCategory.labels],
    "Expenses total",
    "Total",
    "Approved by",
    "Approved on",
]


@dataclass
class WaitingRun:
    """A payment run with claims waiting: one partnership, one payment route."""

    partnership_id: int
    slug: str
    name: str
    route: str
    count: int
    total: object

    @property
    def route_label(self):
        return PaymentRoute(self.route).label if self.route in PaymentRoute.values else self.route


def waiting_runs(approved_before, runner):
    """Each partnership and route with claims ``runner`` could pay now, with their number and total: one query."""
    rows = (
        Claim.objects.payable_now(approved_before, runner)
        .values(
            "policy__partnership", "policy__partnership__slug", "policy__partnership__name", "policy__payment_route"
        )
        .annotate(count=Count("pk"), total=Sum("total"))
        .order_by("policy__partnership__name", "policy__partnership", "policy__payment_route")
    )
    return [
        WaitingRun(
            row["policy__partnership"],
            row["policy__partnership__slug"],
            row["policy__partnership__name"],
            row["policy__payment_route"],
            row["count"],
            row["total"],
        )
        for row in rows
    ]


def payment_run_claims(approved_before, runner, partnership, route):
    """One run's claims (``partnership``, ``route``) up to the cut-off, none of ``runner``'s own, with
    everything the run shows. Oldest meeting first.
    """
    return (
        Claim.objects.payment_run(approved_before, runner, partnership, route)
        .select_related("claimant", "attendance__meeting__partnership", "policy", "decided_by")
        .prefetch_related("lines")
        .order_by("attendance__meeting__start", "pk")
    )


def payment_run_rows(claims):
    """One row per claim, as Python values (amounts stay Decimal; text is neutralised by the renderer)."""
    rows = []
    for claim in claims:
        meeting = claim.attendance.meeting
        by_category = claim.expenses_by_category()
        approver = claim.decided_by
        rows.append(
            [
                claim.pk,
                claim.claimant.name,
                claim.claimant.email,
                claim.claimant.phone,
                meeting.partnership.name,
                claim.policy.budget_code,
                claim.policy.get_payment_route_display(),
                meeting.local_date,
                meeting.title,
                claim.time_payment,
                *[by_category[category] for category in ExpenseCategory.values],
                claim.expenses_total,
                claim.total,
                person_name(approver),
                timezone.localdate(claim.decided_at) if claim.decided_at else "",
            ]
        )
    return rows


# --- The year summary -------------------------------------------------------------------------


# What both tables of the year summary count as money claimed: what the partnership owes or has paid.
CLAIMED = (Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.PAID)
APPROVED_OR_PAID = (Claim.Status.APPROVED, Claim.Status.PAID)

BY_STATUS_COUNTS = (
    "Every claim for this year's meetings, by where it stands now. The total counts claims submitted, approved "
    "or paid; drafts (not yet sent) and claims sent back (waiting for the claimant to correct them) are shown "
    "but not in the total."
)
BY_MEETING_COUNTS = (
    "The same claims, by meeting. “Claimed” is submitted, approved or paid, as in the total by status; "
    "“Sent back” is the claims waiting to be corrected; drafts are counted but have no amount here."
)


@dataclass
class StatusRow:
    status: str
    label: str
    count: int = 0
    time_payment: object = ZERO
    expenses: object = ZERO
    total: object = ZERO

    @property
    def in_total(self):
        """Counted in the year's total (claimed: submitted, approved or paid)."""
        return self.status in CLAIMED

    def add(self, claim):
        self.count += 1
        self.time_payment += claim.time_payment
        self.expenses += claim.expenses_total
        self.total += claim.total


@dataclass
class MeetingRow:
    meeting: Meeting | None  # None: the totals row
    counts: dict = field(default_factory=dict)
    claimed: object = ZERO  # submitted, approved or paid
    approved: object = ZERO  # approved or paid
    paid: object = ZERO
    sent_back: object = ZERO

    @property
    def claims(self):
        return sum(self.counts.values())

    def add(self, claim):
        self.counts[claim.status] += 1
        if claim.status in CLAIMED:
            self.claimed += claim.total
        if claim.status in APPROVED_OR_PAID:
            self.approved += claim.total
        if claim.status == Claim.Status.PAID:
            self.paid += claim.total
        if claim.status == Claim.Status.REJECTED:
            self.sent_back += claim.total


def _meeting_row(meeting):
    return MeetingRow(meeting, dict.fromkeys(Claim.Status.values, 0))


@dataclass
class ClaimYearSummary:
    """Claims and amounts by status and by meeting for one partnership's financial year.

    Both tables count the same claims the same way: the by-status total
    (``claimed``) is the by-meeting total of "Claimed", and each status's
    count is the sum of its column by meeting.
    """

    partnership: object
    year: int
    start: datetime.date
    end: datetime.date
    by_status: list
    by_meeting: list
    claims: list  # submitted or later: drafts are the member's own until sent
    generated_at: datetime.datetime
    by_status_counts: str = BY_STATUS_COUNTS
    by_meeting_counts: str = BY_MEETING_COUNTS

    @property
    def label(self):
        return self.partnership.financial_year_label(self.year)

    @property
    def title(self):
        return f"Claims for {self.partnership.name}, {self.label}"

    @property
    def statuses(self):
        return Claim.Status

    @property
    def total_claims(self):
        return sum(row.count for row in self.by_status)

    @property
    def claimed(self):
        """The by-status total: claims submitted, approved or paid."""
        total = StatusRow("claimed", "Claimed (submitted, approved or paid)")
        for row in self.by_status:
            if row.in_total:
                total.count += row.count
                total.time_payment += row.time_payment
                total.expenses += row.expenses
                total.total += row.total
        return total

    @property
    def total_amount(self):
        return self.claimed.total

    @property
    def meeting_totals(self):
        """The by-meeting table's totals row: every column summed."""
        total = _meeting_row(None)
        for row in self.by_meeting:
            for status, count in row.counts.items():
                total.counts[status] += count
            total.claimed += row.claimed
            total.approved += row.approved
            total.paid += row.paid
            total.sent_back += row.sent_back
        return total

    def filename(self, extension):
        # Always "2023-24", whatever month the partnership's year starts.
        return download_name("claims", self.partnership.slug, self.year, str(self.year + 1)[-2:], extension=extension)


def year_summary(partnership, year):
    """The year summary in two queries: the year's claims, and its meetings."""
    start, end, opens, closes = partnership.year_window(year)
    claims = list(
        Claim.objects.filter(
            attendance__meeting__partnership=partnership,
            attendance__meeting__start__gte=opens,
            attendance__meeting__start__lt=closes,
        )
        .select_related("claimant", "attendance__meeting", "decided_by")
        .order_by("attendance__meeting__start", "pk")
    )
    meetings = list(
        Meeting.objects.filter(partnership=partnership, start__gte=opens, start__lt=closes)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")
    )
    by_status = {status: StatusRow(status.value, status.label) for status in Claim.Status}
    by_meeting = {meeting.pk: _meeting_row(meeting) for meeting in meetings}
    for claim in claims:
        by_status[claim.status].add(claim)
        meeting = claim.attendance.meeting
        by_meeting.setdefault(meeting.pk, _meeting_row(meeting)).add(claim)
    return ClaimYearSummary(
        partnership=partnership,
        year=year,
        start=start,
        end=end,
        by_status=list(by_status.values()),
        by_meeting=sorted(by_meeting.values(), key=lambda row: row.meeting.start),
        claims=[claim for claim in claims if claim.status != Claim.Status.DRAFT],
        generated_at=timezone.now(),
    )
