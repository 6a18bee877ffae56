"""The chair's dashboard panel: agenda items waiting too long for feedback."""

from django import template

from engagement.roles import OFFICE_ROLES, has_role

from ..selectors import overdue_feedback, with_days_waiting

register = template.Library()

PANEL_LIMIT = 10


@register.simple_tag(takes_context=True)
def waiting_too_long(context):
    """``{"items": [...], "total": n}`` of the partnerships a person runs (staff, chair); None for anyone else."""
    request = context.get("request")
    if request is None or not has_role(request.user, *OFFICE_ROLES):
        return None
    items = overdue_feedback(user=request.user)
    return {"items": with_days_waiting(items[:PANEL_LIMIT]), "total": items.count()}
