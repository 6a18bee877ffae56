"""Every change to a claim: start, edit, submit, approve, reject, pay, delete a draft.

Each function runs in one transaction and locks the claim's row
(``select_for_update``) before it looks at the status, so two approvers
clicking at once, or one clicking twice, approve once; "mark paid" twice pays
once. Doing a thing that has already been done returns ``False`` and changes
nothing; a change the rules do not allow raises ``ClaimRefused`` with the
reasons in plain words. Views, the admin and the demo call these; nothing
else sets a claim's status.

Who may decide or pay is ``engagement.roles`` (``can_approve``, ``can_pay``):
someone with no such role anywhere is refused in words (``ClaimRefused``);
someone who holds it only in other partnerships gets ``PermissionDenied``
(the views have already answered 404 for such a claim, so only a direct call
gets that far).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement import roles
from engagement.models import Participant
from meetings.models import Attendance

from . import notifications
from .models import ZERO, Claim, ClaimLine, ExpenseCategory, PaymentPolicy, Receipt, money
from .selectors import deadline_message, default_meeting_hours, line_problems, refusal_for


class ClaimRefused(Exception):
    """A change the rules do not allow. ``problems`` says why, one sentence each."""

    def __init__(self, *problems):
        self.problems = [str(problem) for problem in problems]
        super().__init__(" ".join(self.problems))


def _now(now):
    return now or timezone.now()


STALE_FORM = "This claim changed since you opened it: check it and try again."
ATTENDANCE_WITHDRAWN = (
    "The attendance record no longer says this person came: it is held back from payment. "
    "Check with staff, then send it back or ask them to record the attendance again."
)


def _record(claim, by, now, reason):
    """Who changed the claim and when, for its history; a new version; a decision is told once kept."""
    notifications.tell_once_committed(claim.pk)
    claim._history_user = by
    claim._history_date = now
    claim._change_reason = reason
    # A form built from the claim before this change is now out of date (update_claim refuses it).
    claim.version += 1


def start_claim(participant: Participant, attendance_id: int, *, by, now: datetime.datetime | None = None) -> Claim:
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
        if not roles.is_member_of(by, attendance.meeting.partnership_id):
            raise ClaimRefused("You can only claim for meetings of partnerships you belong to.")
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


def not_editable_message(claim: Claim) -> str:
    return f"This claim {claim.status_phrase}, so it can no longer be changed."


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


def update_claim(
    claim_id: int,
    *,
    by,
    version: int | None,
    meeting_hours: Decimal,
    preparation_hours: Decimal,
    payment_declined: bool,
    lines: list[LineChange] | tuple = (),
    now: datetime.datetime | None = None,
) -> Claim:
    """Save the claimant's changes to a draft or rejected claim and work out its totals again.

    ``version`` is the claim's version the changes were made from (the form
    carries it). Any other is refused with ``STALE_FORM`` and changes nothing:
    the same form sent twice (a double click, a refresh, two tabs) would
    otherwise add its new lines twice.
    """
    now = _now(now)
    saved_files = []
    try:
        return _update_claim(
            claim_id, by, version, meeting_hours, preparation_hours, payment_declined, lines, now, saved_files
        )
    except BaseException:
        # The rows were rolled back: files saved for them must not stay behind on disk.
        storage = Receipt._meta.get_field("file").storage
        for name in saved_files:
            storage.delete(name)
        raise


def _update_claim(claim_id, by, version, meeting_hours, preparation_hours, payment_declined, lines, now, saved_files):
    with transaction.atomic():
        claim = _locked(claim_id)
        _own(claim, by)
        if not claim.is_editable:
            raise ClaimRefused(not_editable_message(claim))
        # Checked under the row lock: of twenty copies of one form, the first changes the
        # version and the other nineteen find it changed.
        if version != claim.version:
            raise ClaimRefused(STALE_FORM)
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


def _lines_and_receipts(claim):
    lines = list(claim.lines.all())
    receipts = {receipt.line_id: receipt for receipt in Receipt.objects.filter(claim=claim)}
    return lines, receipts


def submit_claim(claim_id: int, *, by, declared: bool, now: datetime.datetime | None = None) -> bool:
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


def delete_draft(claim_id: int, *, by) -> bool:
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


def approval_problems(claim: Claim) -> list[str]:
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


def _check_not_own(claim, by, doing, who="another approver"):
    """Separation of duties: nobody approves, sends back or pays a claim of their own."""
    if claim.claimant.user_id is not None and claim.claimant.user_id == by.pk:
        raise ClaimRefused(f"You cannot {doing} your own claim: {who} must do it.")


def _check_approver(claim, by, doing="approve or send back"):
    """Finance or the chair of the claim's partnership (or one above it), and not their own claim."""
    if not roles.approves_anywhere(by):
        raise ClaimRefused(f"You cannot {doing} claims.")
    if not roles.can_approve(by, claim):
        raise PermissionDenied(f"You cannot {doing} claims of another partnership.")
    _check_not_own(claim, by, doing)


def approve_claim(claim_id: int, *, by, now: datetime.datetime | None = None) -> bool:
    """Approve a submitted claim after re-checking it. False if it was already approved (or paid)."""
    now = _now(now)
    with transaction.atomic():
        claim = _locked(claim_id)
        _check_approver(claim, by, doing="approve")
        if claim.status in (Claim.Status.APPROVED, Claim.Status.PAID):
            return False
        if claim.status != Claim.Status.SUBMITTED:
            raise ClaimRefused(f"This claim {claim.status_phrase}, so it cannot be approved.")
        problems = approval_problems(claim)
        if problems:
            raise ClaimRefused(*problems)
        claim.status = Claim.Status.APPROVED
        claim.decided_by = by
        claim.decided_at = now
        _record(claim, by, now, "approved")
        claim.save()
    return True


def reject_claim(claim_id: int, *, by, reason: str, now: datetime.datetime | None = None) -> bool:
    """Send a submitted claim back with a reason the claimant will read. False if already rejected.

    An approved, unpaid claim whose attendance has since been withdrawn can be sent back too.
    """
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise ClaimRefused("Give the reason, so the claimant knows what to correct.")
    with transaction.atomic():
        claim = _locked(claim_id)
        _check_approver(claim, by, doing="send back")
        if claim.status == Claim.Status.REJECTED:
            return False
        # An approved claim can still go back while unpaid if staff have since withdrawn its attendance.
        withdrawn = claim.status == Claim.Status.APPROVED and not claim.attendance_verified
        if claim.status != Claim.Status.SUBMITTED and not withdrawn:
            raise ClaimRefused(f"This claim {claim.status_phrase}, so it cannot be sent back.")
        claim.status = Claim.Status.REJECTED
        claim.rejection_reason = reason
        claim.decided_by = by
        claim.decided_at = now
        _record(claim, by, now, "rejected")
        claim.save()
    return True


# Paying (one claim, or a run) lives in payments.py; it is reached through this module.
from .payments import mark_run_paid, pay_claim  # noqa: E402, F401
