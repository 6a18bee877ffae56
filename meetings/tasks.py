"""The queue's tasks for meetings: web requests enqueue these; the worker composes and sends.

Each takes ids (a task may run long after it was queued, or twice) and calls
``meetings/messages.py``. ``enqueue_after_commit`` is what services and the
admin call: nothing is queued for a change that is rolled back.
"""

from django.db import transaction
from django_tasks import task

from . import messages


@task()
def registration_confirmed(attendance_id: int) -> None:
    messages.registration_confirmed(attendance_id)


@task()
def meeting_changed(meeting_id: int, changes: list[str]) -> None:
    messages.meeting_changed(meeting_id, changes)


@task()
def agenda_published(meeting_id: int) -> None:
    messages.agenda_published(meeting_id)


@task()
def paper_added(paper_id: int) -> None:
    messages.paper_added(paper_id)


@task()
def we_did(response_id: int) -> None:
    messages.we_did(response_id)


@task()
def scheduled_messages() -> dict:
    """Reminders, the staff digest and the chair's weekly list, whichever are due."""
    return {
        "reminders": messages.queue_due_reminders(),
        "staff_digests": messages.queue_staff_digests(),
        "chair_weekly": messages.queue_chair_weekly(),
    }


def enqueue_after_commit(task_, *args) -> None:
    """Queue ``task_`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_.enqueue(*args))


def enqueue_each_after_commit(task_, ids, *args) -> None:
    """``enqueue_after_commit`` for each of ``ids`` (a bulk action in the admin)."""
    for pk in ids:
        enqueue_after_commit(task_, pk, *args)
