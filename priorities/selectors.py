"""Reads for the action plan that pages outside this app use too (the partnership page's priority cards)."""

from collections.abc import Iterable

from engagement.models import Partnership

from .models import Priority, note_permission


def mark_note_rights(priorities: Iterable[Priority], user) -> Iterable[Priority]:
    """Set ``user_can_note`` on every action shown, without a query per action."""
    may_note = note_permission(user)
    for priority in priorities:
        for action in priority.action_list:
            action.user_can_note = may_note(action)
    return priorities


def partnership_priorities(partnership: Partnership, user) -> list[Priority]:
    """The current priorities of one partnership, ready for the priority cards (a fixed number of queries)."""
    priorities = list(
        Priority.objects.current().filter(partnership=partnership).for_listing().order_by("order", "number")
    )
    return mark_note_rights(priorities, user)
