"""Reads for claiming: which meetings a person can still claim for, under which policy, and why not.

``services.py`` changes claims; these only read, in a fixed number of queries.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from engagement import roles
from engagement.models import Participant
from meetings.models import Attendance, Meeting

from .models import Claim, ClaimLine, ExpenseCategory, PaymentPolicy


def long_date(day: datetime.date) -> str:
    """'23 April 2024', as claims' messages write a date."""
    return f"{day.day} {day:%B %Y}"


def deadline_message(meeting: Meeting, policy: PaymentPolicy) -> str:
    deadline = policy.deadline_for(meeting)
    return (
        f"The deadline for claims for {meeting.title} on {long_date(meeting.local_date)} was {long_date(deadline)}: "
        f"claims must be submitted within {policy.claim_deadline_days} days of the meeting."
    )


def policy_for(meeting: Meeting, policies: Iterable[PaymentPolicy]) -> PaymentPolicy | None:
    """The policy in force on the meeting's date, from ``policies`` (newest first), or None."""
    for policy in policies:
        if policy.partnership_id == meeting.partnership_id and policy.effective_from <= meeting.local_date:
            return policy
    return None


@dataclass
class ClaimOption:
    """A meeting the person attended and has not claimed for, and whether they still can."""

    attendance: Attendance
    policy: PaymentPolicy | None
    refusal: str

    @property
    def meeting(self):
        return self.attendance.meeting

    @property
    def deadline(self):
        return self.policy.deadline_for(self.meeting) if self.policy else None

    @property
    def can_claim(self):
        return not self.refusal


def claimable_attendances(participant: Participant, user=None) -> QuerySet[Attendance]:
    """Attendances a claim could be made for: recorded as attended, not as staff, not claimed yet, at
    meetings of partnerships ``user`` (by default the participant's own user) belongs to."""
    attendances = (
        Attendance.objects.counted()
        .filter(participant=participant, claims__isnull=True)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__partnership")
        .order_by("-meeting__start")
    )
    user = user if user is not None else participant.user
    if user is None:
        return attendances.none()
    return roles.scope(attendances, user, *roles.ALL_ROLES, path="meeting__partnership")


def refusal_for(attendance: Attendance, policy: PaymentPolicy | None, now: datetime.datetime | None = None) -> str:
    """Why a claim for ``attendance`` cannot be started now, or '' if it can."""
    meeting = attendance.meeting
    if meeting.start > (now or timezone.now()):
        return "You can claim once the meeting has taken place."
    if policy is None:
        return (
            f"{meeting.partnership.name} had no payment policy for meetings on {long_date(meeting.local_date)}, "
            "so there is nothing to claim. Please ask the chair."
        )
    if timezone.localdate(now or timezone.now()) > policy.deadline_for(meeting):
        return deadline_message(meeting, policy)
    return ""


def claim_options(
    participant: Participant | None, now: datetime.datetime | None = None, *, user=None
) -> list[ClaimOption]:
    """The person's unclaimed meetings of their partnerships, newest first, each with its policy and whether
    it is still open. ``user`` is the one claiming (by default the participant's user).

    Two queries whatever the number of meetings (three the first time a user's roles are read).
    """
    if participant is None:
        return []
    attendances = list(claimable_attendances(participant, user).filter(meeting__start__lte=(now or timezone.now())))
    partnership_ids = {a.meeting.partnership_id for a in attendances}
    policies = list(PaymentPolicy.objects.filter(partnership_id__in=partnership_ids).order_by("-effective_from"))
    options = []
    for attendance in attendances:
        policy = policy_for(attendance.meeting, policies)
        options.append(ClaimOption(attendance, policy, refusal_for(attendance, policy, now)))
    return options


def default_meeting_hours(meeting: Meeting) -> Decimal:
    """The meeting's length in hours, to the quarter hour (a starting point the member can change)."""
    quarters = round((meeting.end - meeting.start) / datetime.timedelta(minutes=15))
    return min(Decimal(quarters) / 4, Decimal(12)).quantize(Decimal("0.01"))


def line_problems(claim: Claim, lines: Iterable[ClaimLine], receipts_by_line: dict) -> list[str]:
    """What is wrong with the lines under the claim's policy: categories, receipts, taxi reasons."""
    problems = []
    for line in lines:
        label = line.get_category_display()
        if not claim.policy.allows(line.category):
            problems.append(f"{label} is not an expense this policy pays.")
        if claim.needs_receipt(line.category, line.amount) and line.pk not in receipts_by_line:
            problems.append(f"Add a receipt for {label.lower()} (£{line.amount}).")
        if line.category == ExpenseCategory.TAXI and not line.taxi_reason.strip():
            problems.append("Say why you needed a taxi.")
    return problems
