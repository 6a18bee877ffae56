"""The queue's tasks: each sends one message of the outbox (web requests only enqueue them)."""

from django_tasks import task


@task()
def send_notification_task(notification_id: int) -> str:
    """Send one outbox row (safe to run twice: the row is locked and a sent row is left alone)."""
    from .services import send_notification

    return send_notification(notification_id)
