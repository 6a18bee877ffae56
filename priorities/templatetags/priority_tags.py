"""Template tags that let other apps' pages show priorities without importing this app.

The agenda page (meetings) includes ``priorities/includes/item_actions.html``
for each item; the tag below reads the links for the whole meeting once.
"""

from django import template

from ..models import Action, Priority

register = template.Library()

NO_LINKS = {"actions": [], "priorities": []}


def links_for_meeting(meeting_id):
    """``{agenda item pk: {"actions": [...], "priorities": [...]}}`` for one meeting, in two queries."""
    links = {}
    action_rows = (
        Action.agenda_items.through.objects.filter(agendaitem__meeting_id=meeting_id)
        .select_related("action__priority")
        .order_by("action__priority__number", "action__horizon", "action__order", "action__pk")
    )
    for row in action_rows:
        links.setdefault(row.agendaitem_id, {"actions": [], "priorities": []})["actions"].append(row.action)
    priority_rows = (
        Priority.discussed_at.through.objects.filter(agendaitem__meeting_id=meeting_id)
        .select_related("priority")
        .order_by("priority__number")
    )
    for row in priority_rows:
        links.setdefault(row.agendaitem_id, {"actions": [], "priorities": []})["priorities"].append(row.priority)
    return links


@register.simple_tag(takes_context=True)
def agenda_item_links(context, item):
    """The actions and priorities linked to ``item``: read once per meeting and kept on the meeting."""
    meeting = context.get("meeting")
    if meeting is None or getattr(meeting, "pk", None) != item.meeting_id:
        return links_for_meeting(item.meeting_id).get(item.pk, NO_LINKS)
    if not hasattr(meeting, "_priority_links"):
        meeting._priority_links = links_for_meeting(meeting.pk)
    return meeting._priority_links.get(item.pk, NO_LINKS)
