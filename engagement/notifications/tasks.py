"""The queue's tasks: each sends messages of the outbox (web requests only enqueue them)."""

from django_tasks import task


@task()
def send_notification_task(notification_id: int) -> str:
    """Send one outbox row (safe to run twice: the row is locked and a sent row is left alone)."""
    from .sending import send_notification

    return send_notification(notification_id)


@task()
def send_notifications_task(notification_ids: list[int]) -> dict[str, int]:
    """Send a batch of outbox rows through one mail connection (safe to run twice, as one row is)."""
    from .sending import send_batch

    return send_batch(notification_ids)
