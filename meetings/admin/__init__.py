"""The chair's back office for meetings. One module per area of work.

Every admin here is scoped to the partnerships the user runs
(``engagement.admin_scope.PartnershipScopedAdmin``); the choices of other
admins' forms that point at meetings' records are scoped by ``CHOICE_PATHS``.
"""

from engagement.admin_scope import CHOICE_PATHS

CHOICE_PATHS.update(
    {
        "meetings.meeting": "partnership",
        "meetings.agendaitem": "meeting__partnership",
        "meetings.paper": "meeting__partnership",
        "meetings.attendance": "meeting__partnership",
        "meetings.feedback": "agenda_item__meeting__partnership",
        "meetings.response": "agenda_item__meeting__partnership",
        "meetings.yearreview": "partnership",
    }
)

from . import meetings, participation, reports, topics  # noqa: E402, F401
