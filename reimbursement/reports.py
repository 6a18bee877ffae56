"""Finance's figures: the payment run and the year summary, each computed once.

The renderers in ``exports.py`` format these and never query the database.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from meetings.models import Meeting
from toolkit.downloads import download_name

from .models import ZERO, Claim, ExpenseCategory, person_name

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


def payment_run_claims(approved_before):
    """Approved, unpaid claims up to the cut-off, with everything the run shows, oldest meeting first."""
    return (
        Claim.objects.awaiting_payment(approved_before)
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


@dataclass
class StatusRow:
    status: str
    label: str
    count: int = 0
    time_payment: object = ZERO
    expenses: object = ZERO
    total: object = ZERO


@dataclass
class MeetingRow:
    meeting: Meeting
    counts: dict = field(default_factory=dict)
    claimed: object = ZERO  # submitted, approved or paid
    approved: object = ZERO  # approved or paid
    paid: object = ZERO

    @property
    def claims(self):
        return sum(self.counts.values())


@dataclass
class ClaimYearSummary:
    """Claims and amounts by status and by meeting for one partnership's financial year."""

    partnership: object
    year: int
    start: datetime.date
    end: datetime.date
    by_status: list
    by_meeting: list
    claims: list  # submitted or later: drafts are the member's own until sent
    generated_at: datetime.datetime

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
    def total_amount(self):
        return sum((row.total for row in self.by_status if row.status != Claim.Status.DRAFT), ZERO)

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
    by_meeting = {meeting.pk: MeetingRow(meeting, dict.fromkeys(Claim.Status.values, 0)) for meeting in meetings}
    for claim in claims:
        row = by_status[claim.status]
        row.count += 1
        row.time_payment += claim.time_payment
        row.expenses += claim.expenses_total
        row.total += claim.total
        meeting = claim.attendance.meeting
        meeting_row = by_meeting.setdefault(meeting.pk, MeetingRow(meeting, dict.fromkeys(Claim.Status.values, 0)))
        meeting_row.counts[claim.status] += 1
        if claim.status in (Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.PAID):
            meeting_row.claimed += claim.total
        if claim.status in (Claim.Status.APPROVED, Claim.Status.PAID):
            meeting_row.approved += claim.total
        if claim.status == Claim.Status.PAID:
            meeting_row.paid += claim.total
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
