"""What the claims app tells claimants: a claim sent back (with the reason), approved, paid (with the date).

Claim decisions are a kind people must get (``kinds.CLAIM_DECISION``): no preference switches them off.
The services tell through ``tell_once_committed``; inside ``meetings.signals.muted()`` (loading the demo)
no one is told, as meetings' messages are not.
"""

from django.db import transaction

from engagement.notifications import kinds
from engagement.notifications.services import notify, recipient_for_participant
from engagement.notifications.tokens import site_url
from meetings.signals import is_muted

from .models import Claim

TEMPLATES = {
    Claim.Status.REJECTED: ("reimbursement/email/sent_back", "Your claim was sent back: {meeting}"),
    Claim.Status.APPROVED: ("reimbursement/email/approved", "Your claim is approved: {meeting}"),
    Claim.Status.PAID: ("reimbursement/email/paid", "Your claim is paid: {meeting}"),
}


def tell_once_committed(claim_id: int) -> None:
    """Tell the claimant once the change commits, unless it is made inside ``muted()``.

    Whether to tell is decided when the change is made, not when the transaction commits (as meetings' are).
    """
    if is_muted():
        return
    transaction.on_commit(lambda: claim_decided(claim_id))


def claim_decided(claim_id: int) -> None:
    """Tell the claimant what was decided on their claim, as it now stands (after the service commits)."""
    claim = (
        Claim.objects.select_related("claimant__user", "attendance__meeting", "policy__partnership")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None or claim.status not in TEMPLATES:
        return
    template, subject = TEMPLATES[claim.status]
    meeting = claim.attendance.meeting
    moment = claim.paid_on if claim.status == Claim.Status.PAID else claim.decided_at
    notify(
        kinds.CLAIM_DECISION,
        recipient_for_participant(claim.claimant),
        key=f"claim:{claim.pk}:{claim.status}:{moment:%Y%m%d%H%M%S}" if moment else f"claim:{claim.pk}:{claim.status}",
        subject=subject.format(meeting=meeting.title),
        template=template,
        context={"claim": claim, "meeting": meeting, "claim_url": site_url(claim.get_absolute_url())},
        partnership=claim.policy.partnership,
    )
