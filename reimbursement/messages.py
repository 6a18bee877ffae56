"""The emails claims send: sent back (with the reason), approved, paid (with the date).

A claim decision is a message a person must get: it carries no unsubscribe.
``reimbursement/services.py`` calls ``after_change`` once per change of status.
"""

from django.db import transaction
from django_tasks import task

from notifications.models import Kind
from notifications.outbox import Message, queue, site_url

from .models import Claim

SUBJECTS = {
    Claim.Status.REJECTED: "Your claim has been sent back",
    Claim.Status.APPROVED: "Your claim has been approved",
    Claim.Status.PAID: "Your claim has been paid",
}


@task()
def claim_decided(claim_id: int, status: str) -> None:
    """Tell the claimant what happened to their claim (once per claim and status)."""
    claim = (
        Claim.objects.select_related("claimant__user", "attendance__meeting__partnership").filter(pk=claim_id).first()
    )
    if claim is None or claim.status != status or status not in SUBJECTS:
        return
    claimant, meeting = claim.claimant, claim.attendance.meeting
    address = claimant.email or (claimant.user.email if claimant.user_id else "")
    queue(
        Message(
            kind=Kind.CLAIM_DECISION,
            key=f"claim:{claim.pk}:{status}:{(claim.decided_at or claim.paid_on)}",
            to_email=address,
            to_name=claimant.name,
            user=claimant.user,
            partnership=meeting.partnership,
            subject=f"{SUBJECTS[status]}: {meeting.title}",
            template="reimbursement/email/decision",
            reason="you claimed for your time and expenses at this meeting",
            context={"claim": claim, "meeting": meeting, "claim_url": site_url(claim.get_absolute_url())},
        )
    )


def after_change(claim, reason: str) -> None:
    """Queue the claimant's email once the change commits, for the changes they are told about."""
    if claim.status in SUBJECTS and reason in ("rejected", "approved", "paid"):
        transaction.on_commit(lambda: claim_decided.enqueue(claim.pk, claim.status))
