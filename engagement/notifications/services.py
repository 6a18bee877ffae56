"""Writing messages to the outbox and putting their sends on the queue.

``notify`` is what every app's message builders call: it renders the message
for one recipient, writes its outbox row once (``key`` is unique per event and
recipient) and enqueues the send when the caller's transaction commits, so a
web request only writes a row. A builder writing to many people does so inside
``sends_in_batches()``: its sends become one task per ``SEND_BATCH`` rows, each
sent through one mail connection. Sending itself is in ``sending.py`` (a task
run twice sends once; failures are retried with back-off and shown in the
outbox with their error).
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import kinds
from .models import Notification, NotificationPreference
from .tokens import site_url, unsubscribe_url

# A queued row whose task never ran (a lost worker) is picked up by the sweep after this long.
SWEEP_GRACE = datetime.timedelta(minutes=5)
# Why a row was not sent, in the outbox: said when it is written and when it is sent alike.
SWITCHED_OFF = "The person has switched this kind of message off."
# Rows per send task, and so per mail connection (SMTP servers often cap messages per connection near 100).
SEND_BATCH = 50
# What ``notify`` gathers inside ``sends_in_batches`` (None outside one).
_gathering: ContextVar["_Gathering | None"] = ContextVar("notification_gathering", default=None)


@dataclass(frozen=True)
class Recipient:
    """One person a message goes to: their address, their name for the greeting, their account if any."""

    email: str
    name: str = ""
    user_id: int | None = None


def recipient_for_user(user) -> Recipient | None:
    """A user's address (their own, or their participant record's), or None if they have none."""
    participant = getattr(user, "participant", None) if user is not None else None
    email = (user.email or "").strip() if user is not None else ""
    if not email and participant is not None:
        email = (participant.email or "").strip()
    if not email:
        return None
    name = participant.name if participant is not None else (user.get_full_name() or user.get_username())
    return Recipient(email=email, name=name, user_id=user.pk)


def recipient_for_participant(participant) -> Recipient | None:
    """A participant's address (or their account's), or None: erased people and those without one get nothing."""
    if participant is None or getattr(participant, "erased_at", None) is not None:
        return None
    email = (participant.email or "").strip()
    if not email and participant.user_id:
        email = (participant.user.email or "").strip()
    if not email:
        return None
    return Recipient(email=email, name=participant.name, user_id=participant.user_id)


def wants(kind: str, *, user_id: int | None, email: str, switched_off: "SwitchedOff | None" = None) -> bool:
    """Whether a person gets ``kind``: always for must-get kinds; otherwise unless they switched it off.

    ``switched_off`` (read once for a kind) answers without a query, for a message to many people.
    """
    if kinds.get(kind).must_get:
        return True
    if switched_off is not None:
        return not switched_off.covers(user_id, email)
    if user_id:
        off = NotificationPreference.objects.filter(user_id=user_id, kind=kind, enabled=False)
    else:
        off = NotificationPreference.objects.filter(user=None, email=email.strip().lower(), kind=kind, enabled=False)
    return not off.exists()


@dataclass(frozen=True)
class SwitchedOff:
    """Who switched one kind off, read in one query: for a message to a whole meeting or partnership."""

    user_ids: frozenset
    emails: frozenset

    @classmethod
    def read(cls, kind: str) -> "SwitchedOff":
        rows = NotificationPreference.objects.filter(kind=kind, enabled=False).values_list("user_id", "email")
        rows = list(rows)
        return cls(
            user_ids=frozenset(user_id for user_id, _ in rows if user_id),
            emails=frozenset(email for user_id, email in rows if not user_id),
        )

    def covers(self, user_id, email) -> bool:
        return user_id in self.user_ids if user_id else email.strip().lower() in self.emails


def set_preference(kind: str, enabled: bool, *, user_id: int | None, email: str = "") -> bool:
    """Switch ``kind`` on or off for a user (or an address); must-get kinds stay on. True if it changed."""
    if kinds.get(kind).must_get:
        return False
    if user_id:
        lookup = {"user_id": user_id, "kind": kind}
    else:
        lookup = {"user": None, "email": email.strip().lower(), "kind": kind}
    with transaction.atomic():
        choice = NotificationPreference.objects.select_for_update().filter(**lookup).first()
        if choice is None:
            if enabled:
                return False  # on is the default: nothing to keep
            try:
                with transaction.atomic():
                    NotificationPreference.objects.create(**lookup, enabled=False)
            except IntegrityError:  # the same choice sent at once from two tabs: it is kept once
                return False
            return True
        if choice.enabled == enabled:
            return False
        choice.enabled = enabled
        choice.save(update_fields=["enabled", "updated_at"])
        return True


def sender_for(partnership) -> str:
    """From: the partnership's name at the portal's address ("Lewisham People's Partnership <noreply@…>")."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if partnership is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((partnership.name, address or "noreply@localhost"))


def contact_of(partnership) -> str:
    """The partnership's contact address, if it has one (replies go there)."""
    if partnership is None:
        return ""
    return (getattr(partnership, "contact_email", "") or "").strip()


def contact_details(partnership) -> dict:
    """Who to contact at the partnership, as far as it says: a name, an address and a phone number (each may be '')."""
    if partnership is None:
        return {}
    details = {
        "name": (getattr(partnership, "contact_name", "") or "").strip(),
        "email": contact_of(partnership),
        "phone": (getattr(partnership, "contact_phone", "") or "").strip(),
    }
    return details if any(details.values()) else {}


def _render(template: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"{template}.txt", context).strip() + "\n"
    html = render_to_string(f"{template}.html", context)
    return text, html


def notify(
    kind: str,
    recipient: Recipient | None,
    *,
    key: str,
    subject: str,
    template: str,
    context: dict | None = None,
    partnership=None,
    attachments: list[dict] | None = None,
    switched_off: SwitchedOff | None = None,
) -> Notification | None:
    """Write one message to the outbox (once per ``key``) and send it after the caller's transaction commits.

    ``template`` names two templates, ``<template>.txt`` and ``<template>.html``, which extend
    ``notifications/email/base.*``; they are given ``context`` and ``recipient``, ``partnership``,
    ``contact``, ``unsubscribe_url`` (empty for must-get kinds) and ``preferences_url``.
    Returns the row (None when there is no one to send to). A person who switched the kind
    off gets a row marked skipped, so the outbox shows why nothing went. A builder writing to
    many people passes ``switched_off`` (``SwitchedOff.read(kind)``), read once.
    """
    kind_info = kinds.get(kind)
    if recipient is None or not recipient.email:
        return None
    key = f"{key}:{recipient.email.lower()}"[:255]
    gathering = _gathering.get()
    if gathering is not None and key in gathering.rows:
        return gathering.rows[key]
    if gathering is None:
        existing = Notification.objects.filter(key=key).first()
        if existing is not None:
            return existing
    unsubscribe = "" if kind_info.must_get else unsubscribe_url(kind, user_id=recipient.user_id, email=recipient.email)
    full_context = {
        **(context or {}),
        "subject": subject,
        "recipient": recipient,
        "partnership": partnership,
        "contact": contact_of(partnership),
        "contact_details": contact_details(partnership),
        "kind": kind_info,
        "unsubscribe_url": unsubscribe,
        "preferences_url": site_url(reverse("notification_preferences")),
        "site_url": settings.SITE_URL,
    }
    wanted = wants(kind, user_id=recipient.user_id, email=recipient.email, switched_off=switched_off)
    notification = Notification(
        key=key,
        kind=kind,
        partnership=partnership,
        recipient_id=recipient.user_id,
        email=recipient.email,
        subject=subject[:255],
        list_unsubscribe=unsubscribe,
        attachments=attachments or [],
        status=Notification.Status.QUEUED if wanted else Notification.Status.SKIPPED,
        next_attempt_at=timezone.now() + SWEEP_GRACE if wanted else None,
        last_error="" if wanted else SWITCHED_OFF,
    )
    if gathering is not None:  # looked for, rendered and written with the others at the end of the block
        gathering.rows[key] = notification
        gathering.renders[key] = (template, full_context)
        return notification
    notification.body_text, notification.body_html = _render(template, full_context)
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:  # written at the same moment by another run of the same event
        return Notification.objects.filter(key=key).first()
    if wanted:
        enqueue_send(notification.pk)
    return notification


@dataclass
class _Gathering:
    """What ``notify`` leaves for the end of a ``sends_in_batches`` block: rows to write, sends to enqueue."""

    rows: dict[str, Notification] = field(default_factory=dict)
    renders: dict[str, tuple[str, dict]] = field(default_factory=dict)
    sends: list[int] = field(default_factory=list)


@contextmanager
def sends_in_batches(size: int | None = None):
    """Inside the block ``notify`` gathers its rows and sends; at its end the rows are written ``size``
    (``SEND_BATCH``) to an insert, and go on the queue as one task per ``size`` (sent through one connection).

    For a message to many people (a meeting's reminder). Open it inside the caller's transaction, so
    that on the database queue the tasks are written with their rows; if the block fails nothing is
    written. Inside the block ``notify`` returns the row unsaved and not yet rendered: at the end the
    keys already in the outbox (a command run again) are looked for, 50 to a query, and only the
    others are rendered and saved (their pk set then).
    """
    size = size or SEND_BATCH
    gathering = _Gathering()
    token = _gathering.set(gathering)
    try:
        yield
    finally:
        _gathering.reset(token)
    rows = list(gathering.rows.values())
    for start in range(0, len(rows), size):
        written = _write_rows(_not_yet_written(rows[start : start + size], gathering.renders))
        gathering.sends.extend(row.pk for row in written if row.status == Notification.Status.QUEUED)
    for start in range(0, len(gathering.sends), size):
        enqueue_batch(gathering.sends[start : start + size])


def _not_yet_written(rows: list[Notification], renders: dict) -> list[Notification]:
    """Those of ``rows`` whose key is not in the outbox yet (one query), rendered."""
    written = set(Notification.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True))
    fresh = [row for row in rows if row.key not in written]
    for row in fresh:
        row.body_text, row.body_html = _render(*renders[row.key])
    return fresh


def _write_rows(rows: list[Notification]) -> list[Notification]:
    """Insert ``rows`` at once; if one was written meanwhile by another run of the same event, each alone."""
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        written = []
        for row in rows:
            row.pk, row._state.adding = None, True
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            written.append(row)
        return written


def enqueue_send(notification_id: int, run_after: datetime.datetime | None = None) -> None:
    """Put the send on the queue: in the caller's transaction on the database backend, else once it commits.

    The database backend's task row is written in the same transaction as the outbox row, so
    both are kept or neither (and a thousand reminders are one commit); a queue elsewhere (RQ)
    must not see a task before its row is committed. Inside ``sends_in_batches`` the send joins a batch.
    """
    from .tasks import send_notification_task

    gathering = _gathering.get()
    if run_after is None and gathering is not None:
        gathering.sends.append(notification_id)
        return
    task = send_notification_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the sweep (send_due_notifications) sends it when it is due
        task = task.using(run_after=run_after)
    _enqueue(task, notification_id)


def enqueue_batch(notification_ids: list[int]) -> None:
    """Put one task on the queue that sends all of ``notification_ids`` (as ``enqueue_send`` does one)."""
    from .tasks import send_notifications_task

    if notification_ids:
        _enqueue(send_notifications_task, list(notification_ids))


def _enqueue(task, argument) -> None:
    if _queues_in_this_database(task.get_backend()):
        task.enqueue(argument)
    else:
        transaction.on_commit(lambda: task.enqueue(argument))


def _queues_in_this_database(backend) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(backend, DatabaseBackend) and transaction.get_connection().in_atomic_block


def retry_now(notification_id: int) -> bool:
    """Put a failed message back on the queue at once ("retry now" in the outbox). False if not failed."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.FAILED:
            return False
        notification.status = Notification.Status.QUEUED
        notification.next_attempt_at = timezone.now() + SWEEP_GRACE
        notification.save(update_fields=["status", "next_attempt_at"])
        enqueue_send(notification.pk)
    return True


def partnership_and_above(partnership) -> list[int]:
    """The ids of ``partnership`` (an object or an id) and of every partnership above it (whose roles cover it)."""
    from engagement.models import Partnership

    ids, seen = [], set()
    current = getattr(partnership, "pk", partnership)
    while current is not None and current not in seen:
        seen.add(current)
        ids.append(current)
        current = Partnership.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return ids


def people_holding(partnership, *roles_, covering: bool = True) -> list[Recipient]:
    """Everyone with an address who holds one of ``roles_`` in ``partnership`` (an object or an id), or in one
    above it if ``covering``."""
    from django.contrib.auth import get_user_model

    ids = partnership_and_above(partnership) if covering else [getattr(partnership, "pk", partnership)]
    users = (
        get_user_model()
        .objects.filter(is_active=True, memberships__partnership_id__in=ids, memberships__role__in=roles_)
        .select_related("participant")
        .distinct()
        .order_by("pk")
    )
    found = (recipient_for_user(user) for user in users)
    return [recipient for recipient in found if recipient is not None]


def nearest_holding(partnership, *roles_) -> list[Recipient]:
    """Those holding ``roles_`` in ``partnership`` itself, or else in the nearest partnership above that has any.

    For staff messages: a region's staff are not sent every neighbourhood's digest, yet a
    partnership without staff of its own still has someone told.
    """
    for partnership_id in partnership_and_above(partnership):
        found = people_holding(partnership_id, *roles_, covering=False)
        if found:
            return found
    return []


_MOVED_TO_SENDING = {
    "BACKOFF",
    "MAX_ATTEMPTS",
    "build_email",
    "sends_attachments",
    "send_notification",
    "due",
    "send_due",
}


def __getattr__(name):
    """The sending side moved to ``sending.py``; its old names here still answer."""
    if name in _MOVED_TO_SENDING:
        from . import sending

        return getattr(sending, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
