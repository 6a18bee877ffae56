"""Which model permissions each role brings, wherever it is held.

A ``Membership`` gives its role's model permissions below, through
``engagement.backends.MembershipBackend``: nothing is stored in groups, so a
role's rights change here and nowhere else. Which *records* those permissions
reach (the partnership and those below it) is ``engagement.roles.scope``,
applied by every admin's ``get_queryset`` and every view.
"""

from .roles import CHAIR, FINANCE, MEMBER, STAFF


def _crud(app_label, *models, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


ROLE_PERMISSIONS = {
    MEMBER: [],
    STAFF: [
        *_crud("engagement", "participant", "organisation", "theme", "glossaryterm"),
        *_crud("engagement", "joinrequest", actions=("view", "change")),
        *_crud("engagement", "partnership", "engagementtype", actions=("view",)),
        *_crud("meetings", "attendance", "feedback", "response", "yearreview"),
        *_crud("meetings", "meeting", "agendaitem", "paper", actions=("view", "change")),
        *_crud("meetings", "forwarddecision"),
        *_crud("meetings", "topic", actions=("view", "change")),
        *_crud("priorities", "actionupdate"),
        *_crud("priorities", "priority", "action", "frameworktag", actions=("view",)),
        *_crud("notifications", "notification", "partnershipnotificationsettings", actions=("view",)),
    ],
    CHAIR: [
        # Partnerships are created and deleted by the platform operators (superusers) alone.
        *_crud("engagement", "partnership", actions=("view", "change")),
        *_crud("engagement", "membership", "organisation", "participant", "engagementtype", "theme", "glossaryterm"),
        *_crud("engagement", "joinrequest", actions=("view", "change")),
        *_crud("meetings", "meeting", "agendaitem", "paper", "attendance", "feedback", "response", "yearreview"),
        *_crud("meetings", "topic", "forwarddecision"),
        *_crud("priorities", "priority", "action", "actionupdate", "frameworktag"),
        *_crud("reimbursement", "paymentpolicy"),
        *_crud("reimbursement", "claim", "claimline", "receipt", actions=("view",)),
        *_crud("notifications", "notification", actions=("view",)),
        *_crud("notifications", "partnershipnotificationsettings"),
    ],
    FINANCE: [
        *_crud("reimbursement", "paymentpolicy", actions=("view",)),
        *_crud("reimbursement", "claim", "claimline", "receipt", actions=("view", "change")),
        *_crud("meetings", "meeting", "attendance", actions=("view",)),
        *_crud("engagement", "participant", actions=("view",)),
        # The outbox shows finance the decisions on claims, nothing else (NotificationAdmin.get_queryset).
        *_crud("notifications", "notification", actions=("view",)),
    ],
}


def permissions_for_roles(roles):
    """The dotted permission names (``"meetings.change_meeting"``) that ``roles`` bring."""
    return {perm for role in roles for perm in ROLE_PERMISSIONS.get(role, ())}
