"""Sending the outbox: a batch of rows through one mail connection, each row once, failures retried with back-off.

``send_batch`` is what the queue's tasks run (``send_notifications_task`` for a
batch, ``send_notification_task`` for one row) and what the sweep
(``send_due_notifications``) runs. The rows are locked while they are sent and
only rows still queued or failed are sent, so a task run twice sends once; on
PostgreSQL a second run at the same moment skips the rows the first holds (it
is sending them) instead of waiting. Each message goes to its one recipient
alone; a row that fails is recorded and tried again after ``BACKOFF`` by a task
of its own, without the others of its batch. The queries of a batch do not grow
with its size: one read of the rows, one of who switched their kinds off, one
write of the results.

A batch is one transaction: a worker killed in the middle of one sends that
batch's rows again when the sweep finds them (at least once, never lost), as a
single row's send always did.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import kinds
from .models import Notification, NotificationPreference
from .services import SEND_BATCH, SWITCHED_OFF, contact_of, enqueue_send, sender_for
from .tokens import unsubscribe_url

logger = logging.getLogger(__name__)

# How long to wait before each new try of a failed send; after the last, the row stays failed.
BACKOFF = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1


def build_email(notification: Notification, connection=None) -> EmailMultiAlternatives:
    """The message as sent: plain text and HTML, From the partnership, to the one recipient only."""
    headers = {"X-Portal-Notification": notification.kind}
    if not kinds.get(notification.kind).must_get:
        link = notification.list_unsubscribe or unsubscribe_url(
            notification.kind, user_id=notification.recipient_id, email=notification.email
        )
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    partnership = notification.partnership
    contact = contact_of(partnership)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=sender_for(partnership),
        to=[notification.email],
        reply_to=[contact] if contact else None,
        headers=headers,
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if not sends_attachments():
        return message
    for attachment in notification.attachments or []:
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype", "text/plain"))
    return message


def sends_attachments() -> bool:
    """GOV.UK Notify's backend refuses attachments (its messages link to the agenda instead)."""
    return "django_gov_notify" not in settings.EMAIL_BACKEND


def send_batch(notification_ids, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send those of ``notification_ids`` still to be sent, through one mail connection; counts by status after.

    Rows already sent or skipped (a task run again), and on PostgreSQL rows another run is sending, are
    left alone and not counted.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("partnership")
            .filter(pk__in=list(notification_ids), status__in=(Notification.Status.QUEUED, Notification.Status.FAILED))
            .order_by("pk")
        )
        if not rows:
            return counts
        switched_off = _switched_off(rows)
        connection = _open_connection()
        try:
            for row in rows:
                if (row.kind, _whose(row.recipient_id, row.email)) in switched_off:
                    row.status, row.next_attempt_at, row.last_error = Notification.Status.SKIPPED, None, SWITCHED_OFF
                else:
                    _send_one(row, connection, now)
                counts[row.status] = counts.get(row.status, 0) + 1
        finally:
            _close_quietly(connection)
        _save_results(rows, now)
    return counts


def _save_results(rows, now: datetime.datetime) -> None:
    """Write what happened: one update for the sent rows and one for the skipped; each failed row alone (rare)."""
    by_status: dict[str, list[int]] = {}
    for row in rows:
        by_status.setdefault(row.status, []).append(row.pk)
    sent = by_status.get(Notification.Status.SENT)
    if sent:
        Notification.objects.filter(pk__in=sent).update(
            status=Notification.Status.SENT,
            sent_at=now,
            next_attempt_at=None,
            last_error="",
            attempts=F("attempts") + 1,
        )
    skipped = by_status.get(Notification.Status.SKIPPED)
    if skipped:
        Notification.objects.filter(pk__in=skipped).update(
            status=Notification.Status.SKIPPED, next_attempt_at=None, last_error=SWITCHED_OFF
        )
    for row in rows:
        if row.status == Notification.Status.FAILED:
            row.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
            if row.next_attempt_at is not None:
                enqueue_send(row.pk, run_after=row.next_attempt_at)


def send_notification(notification_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one outbox row if it is still to be sent; returns its status afterwards ("missing" if there is none)."""
    send_batch([notification_id], now=now)
    return Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first() or "missing"


def _send_one(row: Notification, connection, now: datetime.datetime) -> None:
    row.attempts += 1
    try:
        connection.send_messages([build_email(row, connection)])
    except Exception as error:  # noqa: BLE001 -- any failure of the mail server is recorded and retried
        logger.warning("Sending notification %s failed: %s", row.pk, error)
        row.status = Notification.Status.FAILED
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.next_attempt_at = now + BACKOFF[row.attempts - 1] if row.attempts < MAX_ATTEMPTS else None
        _close_quietly(connection)  # the next message opens a fresh connection, not a broken one
    else:
        row.status = Notification.Status.SENT
        row.sent_at = now
        row.next_attempt_at = None
        row.last_error = ""


def _whose(user_id, email) -> object:
    return user_id or (email or "").strip().lower()


def _switched_off(rows) -> set[tuple[str, object]]:
    """(kind, user id or address) of the batch's people who switched their row's kind off: one query."""
    optional = [row for row in rows if not kinds.get(row.kind).must_get]
    if not optional:
        return set()
    user_ids = {row.recipient_id for row in optional if row.recipient_id}
    emails = {_whose(None, row.email) for row in optional if not row.recipient_id}
    choices = NotificationPreference.objects.filter(
        Q(user_id__in=user_ids) | Q(user=None, email__in=emails),
        kind__in={row.kind for row in optional},
        enabled=False,
    ).values_list("kind", "user_id", "email")
    return {(kind, _whose(user_id, email)) for kind, user_id, email in choices}


def _open_connection():
    """One connection for the batch; if the server cannot be reached now, each send tries and records its error."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001
        logger.warning("Opening the mail connection failed: %s", error)
    return connection


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception as error:  # noqa: BLE001 -- a connection that will not close is dropped all the same
        logger.warning("Closing the mail connection failed: %s", error)


def due(now: datetime.datetime | None = None):
    """Rows whose send is due: failed ones whose next try has come, queued ones whose task seems lost."""
    now = now or timezone.now()
    return Notification.objects.filter(
        status__in=(Notification.Status.QUEUED, Notification.Status.FAILED), next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")


def send_due(now: datetime.datetime | None = None, limit: int | None = None, batch: int | None = None) -> dict:
    """Send every due row now (the periodic sweep), in batches; returns counts by resulting status."""
    now = now or timezone.now()
    ids = due(now).values_list("pk", flat=True)
    ids = list(ids[:limit] if limit else ids)
    batch = batch or SEND_BATCH
    counts: dict[str, int] = {}
    for start in range(0, len(ids), batch):
        for status, count in send_batch(ids[start : start + batch], now=now).items():
            counts[status] = counts.get(status, 0) + count
    return counts
