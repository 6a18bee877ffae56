"""Writes for the action plan: progress notes and status changes, and the admin's action form.

An action's status changes only here, always with a note saying why (so a
blocked action always says what blocks it), inside a transaction with the
row locked. Views, the admin and the demo call these functions.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Action, ActionUpdate


def change_action_status(
    action: Action, new_status: str | None, note: str, user=None, date: datetime.date | None = None
) -> ActionUpdate:
    """Record a progress note on ``action`` and, if ``new_status`` differs, move the action to it.

    A change always needs a note. Asking for the status the action already
    has just records the note. The same note sent again (a double click, a
    refresh) is kept once: the note already kept is returned. ``action`` is
    updated in memory too.
    """
    note = (note or "").strip()
    new_status = new_status or None
    if new_status is not None and new_status not in Action.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        changing = new_status is not None and new_status != locked.status
        if changing and not note:
            raise ValidationError({"note": "Say why the status is changing."})
        if not note:
            raise ValidationError({"note": "Write a note."})
        author = user if user is not None and user.is_authenticated else None
        repeat = (
            ActionUpdate.objects.filter(action=locked, note=note, date=date or timezone.localdate(), author=author)
            .order_by("pk")
            .first()
        )
        if repeat is not None and not changing:
            return repeat
        update = ActionUpdate.objects.create(
            action=locked,
            date=date or timezone.localdate(),
            note=note,
            status_from=locked.status if changing else "",
            status_to=new_status if changing else "",
            author=author,
        )
        if changing:
            Action.objects.filter(pk=locked.pk).update(status=new_status, updated_at=timezone.now())
            action.status_stored_as(new_status)
    return update


def add_action_note(action: Action, note: str, user=None, date: datetime.date | None = None) -> ActionUpdate:
    """A progress note that leaves the status as it is."""
    return change_action_status(action, None, note, user=user, date=date)


def save_action_from_admin(form, user) -> Action:
    """Save an admin action form, moving its status only through ``change_action_status``."""
    action = form.instance
    new_status = action.status
    action.status = form.stored_status
    action.save()
    if new_status != form.stored_status:
        change_action_status(action, new_status, form.cleaned_data.get("status_note"), user)
    return action
