"""Every change to a claim: start, edit, submit, approve, reject, pay, delete a draft.

Each function runs in one transaction and locks the claim's row
(``select_for_update``) before it looks at the status, so two approvers
clicking at once, or one clicking twice, approve once; "mark paid" twice pays
once. Doing a thing that has already been done returns ``False`` and changes
nothing; a change the rules do not allow raises ``ClaimRefused`` with the
reasons in plain words. Views, the admin and the demo call these; nothing
else sets a claim's status.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement.roles import CHAIR, FINANCE, has_role
from meetings.models import Attendance, Meeting

from . import messages
from .models import ZERO, Claim, ClaimLine, ExpenseCategory, PaymentPolicy, Receipt, money

APPROVERS = (FINANCE, CHAIR)
PAYERS = (FINANCE,)


class ClaimRefused(Exception):
    """A change the rules do not allow. ``problems`` says why, one sentence each."""

    def __init__(self, *problems):
        self.problems = [str(problem) for problem in problems]
        super().__init__(" ".join(self.problems))


def _day(day):
    return f"{day.day} {day:%B %Y}"


def _now(now):
    return now or timezone.now()


def _record(claim, by, now, reason):
    """Who made this change and when, for the claim's history (django-simple-history)."""
    claim._history_user = by
    claim._history_date = now
    claim._change_reason = reason
    messages.after_change(claim, reason)


# --- Which meetings a person can claim for ---------------------------------------------------


def deadline_message(meeting, policy):
    deadline = policy.deadline_for(meeting)
    return (
        f"The deadline for claims for {meeting.title} on {_day(meeting.local_date)} was {_day(deadline)}: "
        f"claims must be submitted within {policy.claim_deadline_days} days of the meeting."
    )


def policy_for(meeting, policies):
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


def claimable_attendances(participant):
    """Attendances a claim could be made for: recorded as attended, not as staff, not claimed yet."""
    return (
        Attendance.objects.counted()
        .filter(participant=participant, claims__isnull=True)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__partnership")
        .order_by("-meeting__start")
    )


def refusal_for(attendance, policy, now=None):
    """Why a claim for ``attendance`` cannot be started now, or '' if it can."""
    meeting = attendance.meeting
    if meeting.start > _now(now):
        return "You can claim once the meeting has taken place."
    if policy is None:
        return (
            f"{meeting.partnership.name} had no payment policy for meetings on {_day(meeting.local_date)}, "
            "so there is nothing to claim. Please ask the chair."
        )
    if timezone.localdate(_now(now)) > policy.deadline_for(meeting):
        return deadline_message(meeting, policy)
    return ""


def claim_options(participant, now=None):
    """The person's unclaimed meetings, newest first, each with its policy and whether it is still open.

    Two queries whatever the number of meetings.
    """
    if participant is None:
        return []
    attendances = list(claimable_attendances(participant).filter(meeting__start__lte=_now(now)))
    partnership_ids = {a.meeting.partnership_id for a in attendances}
    policies = list(PaymentPolicy.objects.filter(partnership_id__in=partnership_ids).order_by("-effective_from"))
    options = []
    for attendance in attendances:
        policy = policy_for(attendance.meeting, policies)
        options.append(ClaimOption(attendance, policy, refusal_for(attendance, policy, now)))
    return options


def default_meeting_hours(meeting):
    """The meeting's length in hours, to the quarter hour (a starting point the member can change)."""
    quarters = round((meeting.end - meeting.start) / datetime.timedelta(minutes=15))
    return min(Decimal(quarters) / 4, Decimal(12)).quantize(Decimal("0.01"))


def start_claim(participant, attendance_id, *, by, now=None):
    """Start a draft claim for one attendance. Refused after the deadline, for others' or unattended meetings."""
    now = _now(now)
    with transaction.atomic():
        # Locking the attendance makes two "start" clicks wait for each other; the
        # unique constraint is the last word if anything else gets in between.
        attendance = (
            Attendance.objects.select_for_update(of=("self",))
            .select_related("meeting__partnership", "participant")
            .filter(pk=attendance_id)
            .first()
        )
        if attendance is None or participant is None or attendance.participant_id != participant.pk:
            raise ClaimRefused("You can only claim for a meeting you are recorded as attending.")
        if attendance.status != Attendance.Status.ATTENDED or attendance.counts_as_staff:
            raise ClaimRefused(
                "You can only claim for a meeting you are recorded as attending. If this is wrong, please tell staff."
            )
        if Claim.objects.filter(attendance=attendance).exists():
            raise ClaimRefused("You have already made a claim for this meeting.")
        meeting = attendance.meeting
        policy = PaymentPolicy.objects.in_force(meeting.partnership, meeting.local_date)
        refusal = refusal_for(attendance, policy, now)
        if refusal:
            raise ClaimRefused(refusal)
        claim = Claim(
            claimant=participant,
            attendance=attendance,
            policy=policy,
            meeting_hours=default_meeting_hours(meeting),
            created_at=now,
        )
        policy.copy_rates_to(claim)
        claim.calculate([])
        _record(claim, by, now, "started")
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            raise ClaimRefused("You have already made a claim for this meeting.") from None
    return claim


# --- The claimant's changes ------------------------------------------------------------------


@dataclass
class LineChange:
    """One expense line as the form left it: new (``line`` None), changed, or to delete."""

    line: ClaimLine | None = None
    delete: bool = False
    category: str = ""
    description: str = ""
    amount: Decimal | None = None
    miles: Decimal | None = None
    passengers: int = 0
    taxi_reason: str = ""
    receipt: object = None  # an uploaded file, already checked by engagement.files.clean_upload


def _locked(claim_id):
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise ClaimRefused("This claim no longer exists.")
    return claim


def _own(claim, by):
    if claim.claimant.user_id is None or claim.claimant.user_id != by.pk:
        raise ClaimRefused("You can only change your own claims.")


def not_editable_message(claim):
    return f"This claim is {claim.get_status_display().lower()}, so it can no longer be changed."


def _delete_file_after_commit(name):
    if name:
        storage = Receipt._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


def _apply_line(claim, change, order, saved_files):
    if change.line is not None and change.line.claim_id != claim.pk:
        raise ClaimRefused("That expense line belongs to another claim.")
    if change.delete:
        if change.line is not None and change.line.pk:
            receipt = Receipt.objects.filter(line=change.line).first()
            if receipt:
                _delete_file_after_commit(receipt.file.name)
            change.line.delete()
        return
    if not claim.policy.allows(change.category):
        label = ExpenseCategory(change.category).label if change.category in ExpenseCategory.values else "This"
        raise ClaimRefused(f"{label} is not an expense this policy pays.")
    line = change.line or ClaimLine(claim=claim)
    line.category = change.category
    line.description = change.description.strip()
    line.order = order
    if change.category == ExpenseCategory.MILEAGE:
        line.miles = change.miles
        line.passengers = change.passengers or 0
        line.amount = claim.mileage_amount(change.miles, line.passengers)
    else:
        line.miles = None
        line.passengers = 0
        line.amount = money(change.amount or ZERO)
    line.taxi_reason = change.taxi_reason.strip() if change.category == ExpenseCategory.TAXI else ""
    line.full_clean(exclude=["claim"])
    line.save()
    if change.receipt is not None:
        old = Receipt.objects.filter(line=line).first()
        if old is not None:
            _delete_file_after_commit(old.file.name)
            old.delete()
        receipt = Receipt(claim=claim, line=line, size=change.receipt.size)
        receipt.file.save(change.receipt.name, change.receipt, save=False)
        saved_files.append(receipt.file.name)
        receipt.save()


def update_claim(claim_id, *, by, meeting_hours, preparation_hours, payment_declined, lines=(), now=None):
    """Save the claimant's changes to a draft or rejected claim and work out its totals again."""
    now = _now(now)
    saved_files = []
    try:
        return _update_claim(claim_id, by, meeting_hours, preparation_hours, payment_declined, lines, now, saved_files)
    except BaseException:
        # The rows were rolled back: files saved for them must not stay behind on disk.
        storage = Receipt._meta.get_field("file").storage
        for name in saved_files:
            storage.delete(name)
        raise


def _update_claim(claim_id, by, meeting_hours, preparation_hours, payment_declined, lines, now, saved_files):
    with transaction.atomic():
        claim = _locked(claim_id)
        _own(claim, by)
        if not claim.is_editable:
            raise ClaimRefused(not_editable_message(claim))
        # Until it is submitted a claim follows its policy (an administrator may
        # have corrected a rate); from submission its copy of the rates is fixed.
        claim.policy.copy_rates_to(claim)
        claim.meeting_hours = meeting_hours
        claim.preparation_hours = preparation_hours if claim.preparation_paid else ZERO
        claim.payment_declined = payment_declined
        for order, change in enumerate(lines, start=1):
            _apply_line(claim, change, order, saved_files)
        claim.calculate(list(claim.lines.all()))
        _record(claim, by, now, "edited")
        claim.save()
    return claim


def line_problems(claim, lines, receipts_by_line):
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


def _lines_and_receipts(claim):
    lines = list(claim.lines.all())
    receipts = {receipt.line_id: receipt for receipt in Receipt.objects.filter(claim=claim)}
    return lines, receipts


def submit_claim(claim_id, *, by, declared, now=None):
    """Send a draft, or a corrected rejected claim, to the approvers.

    A draft is refused after the policy's deadline (the message names the
    date); a rejected claim was in on time, so it can always be corrected.
    Returns False if it was already submitted.
    """
    now = _now(now)
    with transaction.atomic():
        claim = _locked(claim_id)
        _own(claim, by)
        if claim.status == Claim.Status.SUBMITTED:
            return False
        if not claim.is_editable:
            raise ClaimRefused(not_editable_message(claim))
        problems = []
        if claim.past_deadline(timezone.localdate(now)):
            problems.append(deadline_message(claim.attendance.meeting, claim.policy))
        if not claim.attendance_verified:
            problems.append("The attendance record no longer says you came to this meeting. Please ask staff.")
        if not declared:
            problems.append("Tick the declaration to confirm what you are claiming.")
        lines, receipts = _lines_and_receipts(claim)
        problems += line_problems(claim, lines, receipts)
        claim.calculate(lines)
        if claim.total <= 0:
            problems.append("There is nothing to pay: add your time or an expense.")
        if problems:
            raise ClaimRefused(*problems)
        was_rejected = claim.status == Claim.Status.REJECTED
        claim.status = Claim.Status.SUBMITTED
        claim.submitted_at = now
        claim.declared_at = now
        claim.rejection_reason = ""
        claim.decided_by = None
        claim.decided_at = None
        _record(claim, by, now, "resubmitted" if was_rejected else "submitted")
        claim.save()
    return True


def delete_draft(claim_id, *, by):
    """Delete a draft (for example one started for the wrong meeting). Submitted claims stay on record."""
    with transaction.atomic():
        claim = _locked(claim_id)
        _own(claim, by)
        if claim.status != Claim.Status.DRAFT:
            raise ClaimRefused("Only a draft can be deleted; this claim is on record.")
        for receipt in Receipt.objects.filter(claim=claim):
            _delete_file_after_commit(receipt.file.name)
        claim._history_user = by
        claim.delete()


# --- The approvers' changes ------------------------------------------------------------------


def approval_problems(claim):
    """Re-check a claim before it is approved: the attendance, the policy, the receipts, the sums."""
    problems = []
    attendance = claim.attendance
    meeting = attendance.meeting
    if attendance.participant_id != claim.claimant_id:
        problems.append("The attendance on this claim is someone else's.")
    elif attendance.status != Attendance.Status.ATTENDED:
        problems.append(f"The attendance record says {attendance.get_status_display().lower()}, not attended.")
    elif attendance.counts_as_staff:
        problems.append("The attendance record says this person came as system staff.")
    policy = claim.policy
    if policy.partnership_id != meeting.partnership_id or policy.effective_from > meeting.local_date:
        problems.append("The claim's policy is not the one for this meeting's partnership and date.")
    lines, receipts = _lines_and_receipts(claim)
    problems += line_problems(claim, lines, receipts)
    for line in lines:
        if line.category == ExpenseCategory.MILEAGE and line.amount != claim.mileage_amount(
            line.miles, line.passengers
        ):
            problems.append(f"The mileage amount (£{line.amount}) does not match the policy's rates.")
    expected_time = claim.involvement_payment(claim.meeting_hours, claim.preparation_hours, claim.payment_declined)
    expected_total = expected_time + sum((line.amount for line in lines), ZERO)
    if claim.time_payment != expected_time or claim.total != expected_total:
        problems.append(f"The total (£{claim.total}) does not match the policy's rates (£{expected_total}).")
    return problems


def _check_approver(claim, by, roles=APPROVERS, doing="approve or reject"):
    if not has_role(by, *roles):
        raise ClaimRefused(f"You cannot {doing} claims.")
    if claim.claimant.user_id is not None and claim.claimant.user_id == by.pk:
        raise ClaimRefused(f"You cannot {doing} your own claim: another approver must do it.")


def approve_claim(claim_id, *, by, now=None):
    """Approve a submitted claim after re-checking it. False if it was already approved (or paid)."""
    now = _now(now)
    with transaction.atomic():
        claim = _locked(claim_id)
        _check_approver(claim, by, doing="approve")
        if claim.status in (Claim.Status.APPROVED, Claim.Status.PAID):
            return False
        if claim.status != Claim.Status.SUBMITTED:
            raise ClaimRefused(f"This claim is {claim.get_status_display().lower()}, so it cannot be approved.")
        problems = approval_problems(claim)
        if problems:
            raise ClaimRefused(*problems)
        claim.status = Claim.Status.APPROVED
        claim.decided_by = by
        claim.decided_at = now
        _record(claim, by, now, "approved")
        claim.save()
    return True


def reject_claim(claim_id, *, by, reason, now=None):
    """Send a submitted claim back with a reason the claimant will read. False if already rejected."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ClaimRefused("Give the reason, so the claimant knows what to correct.")
    with transaction.atomic():
        claim = _locked(claim_id)
        _check_approver(claim, by, doing="reject")
        if claim.status == Claim.Status.REJECTED:
            return False
        if claim.status != Claim.Status.SUBMITTED:
            raise ClaimRefused(f"This claim is {claim.get_status_display().lower()}, so it cannot be rejected.")
        claim.status = Claim.Status.REJECTED
        claim.rejection_reason = reason
        claim.decided_by = by
        claim.decided_at = now
        _record(claim, by, now, "rejected")
        claim.save()
    return True


def _mark_paid(claim, by, reference, paid_on, now):
    claim.status = Claim.Status.PAID
    claim.payment_reference = reference
    claim.paid_on = paid_on
    claim.paid_by = by
    _record(claim, by, now, "paid")
    claim.save()


def _check_payment(by, reference):
    if not has_role(by, *PAYERS):
        raise ClaimRefused("Only finance can mark claims paid.")
    reference = (reference or "").strip()
    if not reference:
        raise ClaimRefused("Give the payment reference from the finance system.")
    return reference


def pay_claim(claim_id, *, by, reference, paid_on, now=None):
    """Mark one approved claim paid. False if it was already paid; refused unless approved."""
    now = _now(now)
    reference = _check_payment(by, reference)
    with transaction.atomic():
        claim = _locked(claim_id)
        if claim.status == Claim.Status.PAID:
            return False
        if claim.status != Claim.Status.APPROVED:
            raise ClaimRefused(f"This claim is {claim.get_status_display().lower()}, so it cannot be paid.")
        _mark_paid(claim, by, reference, paid_on, now)
    return True


def mark_run_paid(*, by, reference, paid_on, approved_before, now=None):
    """Mark paid every claim of a payment run: approved by ``approved_before`` and not yet paid.

    The payment run's CSV and this use the same cut-off, so exactly the claims
    exported are paid. Returns the ids newly marked; a second call finds none.
    """
    now = _now(now)
    reference = _check_payment(by, reference)
    with transaction.atomic():
        # Locked in id order so two runs never wait on each other in a circle; a row
        # another run has just paid no longer matches the filter once its lock is free.
        claims = list(Claim.objects.awaiting_payment(approved_before).select_for_update().order_by("pk"))
        for claim in claims:
            _mark_paid(claim, by, reference, paid_on, now)
    return [claim.pk for claim in claims]
