"""What people are emailed about: one ``Kind`` for each message, by key.

A kind a person must get (``must_get``: password reset, a decision on their
claim) is sent whatever their preferences say and carries no unsubscribe
link; every other kind can be switched off on /my/notifications/ or by the
one-click unsubscribe in the message itself.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    must_get: bool = False
    staff_only: bool = False


PASSWORD_RESET = "password_reset"
ACCOUNT = "account"
REGISTERED = "registered"
MEETING_CHANGED = "meeting_changed"
REMINDER = "reminder"
AGENDA_PUBLISHED = "agenda_published"
WE_DID = "we_did"
TOPIC_CHANGED = "topic_changed"
CLAIM_DECISION = "claim_decision"
ACCESS_NEEDS = "access_needs"
STAFF_DIGEST = "staff_digest"
CHAIR_WAITING = "chair_waiting"

# Messages holding a link that acts for the person (set a password, confirm an address): nobody else reads them.
PERSONAL_LINK_KINDS = frozenset({PASSWORD_RESET, ACCOUNT})

KINDS = {
    kind.key: kind
    for kind in (
        Kind(PASSWORD_RESET, "Password reset", "The link to set a new password, when you ask for one.", must_get=True),
        Kind(
            ACCOUNT,
            "Your account and requests",
            "Confirming your email address, joining a partnership, and views you sent without an account.",
            must_get=True,
        ),
        Kind(REGISTERED, "Registration confirmed", "When you say you are coming to a meeting, with a calendar file."),
        Kind(
            MEETING_CHANGED, "Meeting changed or cancelled", "When a meeting you registered for moves or is cancelled."
        ),
        Kind(REMINDER, "Meeting reminder", "A reminder a few days before a meeting you registered for."),
        Kind(AGENDA_PUBLISHED, "Agenda and papers", "When an agenda is published, or a paper added to it."),
        Kind(WE_DID, "You said, we did", "What was done with views you sent on an agenda item."),
        Kind(
            TOPIC_CHANGED,
            "Topics you proposed or supported",
            "When a topic you proposed or said “me too” to is considered, scheduled, answered or declined.",
        ),
        Kind(CLAIM_DECISION, "Claim decisions", "Your claim approved, sent back or paid.", must_get=True),
        Kind(ACCESS_NEEDS, "Access needs (staff)", "Access needs asked for a meeting within a week.", staff_only=True),
        Kind(
            STAFF_DIGEST, "Daily digest (staff)", "One email a day: registrations, apologies, views.", staff_only=True
        ),
        Kind(
            CHAIR_WAITING,
            "Weekly waiting list (chair)",
            "Items waiting past the target for a response.",
            staff_only=True,
        ),
    )
}


def get(key: str) -> Kind:
    return KINDS[key]
