"""The queue's tasks for email (Django's Tasks API; run by ``db_worker`` or an RQ worker).

Tasks take ids, never model instances, and look everything up again: a task
may run long after it was queued, or twice.
"""

from django.utils import timezone
from django_tasks import task, task_backends

from .models import Notification
from .outbox import deliver_many


@task()
def send_notifications(ids: list[int]) -> dict:
    """Send these outbox rows; failures are retried later with back-off."""
    counts = deliver_many(ids)
    schedule_retries()
    return counts


@task()
def send_due_notifications() -> dict:
    """Send every outbox row that is due (new, or waiting for its next try)."""
    ids = list(Notification.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:5000])
    counts = deliver_many(ids)
    schedule_retries()
    return counts


def schedule_retries() -> None:
    """Queue the next try of failed messages for when it is due, where the backend can wait.

    The immediate backend (tests) cannot: there ``manage.py send_notifications``
    (run every few minutes, see README) sends what is due.
    """
    backend = task_backends[send_due_notifications.backend]
    if not backend.supports_defer:
        return
    next_try = (
        Notification.objects.filter(status=Notification.Status.RETRYING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_try is not None:
        send_due_notifications.using(run_after=max(next_try, timezone.now())).enqueue()
