"""Writing to the outbox and sending what is in it.

Apps compose a ``Message`` and call ``queue(message)``: the message is rendered
once, kept in the outbox under its key (the same key twice is one message),
and its sending is handed to the task queue once the transaction commits.
``deliver`` sends one message under a row lock, so a task that runs twice
sends once; a failure is kept and tried again with back-off.
"""

import dataclasses
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from engagement.models import Partnership

from .models import MAX_ATTEMPTS, MUST_GET, Kind, Notification, Preference, backoff

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclasses.dataclass
class Attachment:
    name: str
    content: str
    mimetype: str


@dataclasses.dataclass
class Message:
    """One email to one person, before it is rendered.

    ``template`` names a pair of templates, ``<template>.txt`` and ``<template>.html``,
    that hold the message itself; the outbox adds the greeting, the reason, the
    partnership's contact and (unless a person must get it) the unsubscribe link.
    """

    kind: str
    key: str
    to_email: str
    subject: str
    template: str
    reason: str
    partnership: Partnership | None = None
    to_name: str = ""
    user: object = None
    context: dict = dataclasses.field(default_factory=dict)
    attachment: Attachment | None = None


def site_url(path: str) -> str:
    """An absolute link for an email: ``SITE_URL`` + ``path``."""
    return settings.SITE_URL + path


def normalise(email: str) -> str:
    return (email or "").strip().lower()


def unsubscribe_token(email: str, kind: str) -> str:
    return signing.dumps({"e": normalise(email), "k": str(kind)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """The (email, kind) a token was made for, or None when it was not made here."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values or not isinstance(data.get("e"), str):
        return None
    return data["e"], data["k"]


def wants(email: str, kind: str) -> bool:
    """Whether the person at ``email`` gets ``kind`` (on unless they switched it off)."""
    if kind in MUST_GET:
        return True
    return not Preference.objects.filter(email=normalise(email), kind=kind, enabled=False).exists()


def switched_off(emails, kind: str) -> set[str]:
    """Which of ``emails`` switched ``kind`` off: one query for a whole mailing."""
    if kind in MUST_GET:
        return set()
    addresses = {normalise(e) for e in emails}
    return set(Preference.objects.filter(email__in=addresses, kind=kind, enabled=False).values_list("email", flat=True))


def set_preference(email: str, kind: str, enabled: bool) -> None:
    Preference.objects.update_or_create(email=normalise(email), kind=kind, defaults={"enabled": enabled})


def sender_for(partnership: Partnership | None) -> str:
    """From the partnership's name at the portal's address: "Lewisham People's Partnership" <noreply@…>."""
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((partnership.name if partnership else default_name or "Partnership Portal", address))


def render(message: Message, *, off: bool = False) -> Notification:
    """The outbox row for ``message``, rendered, not saved."""
    partnership = message.partnership
    must_get = message.kind in MUST_GET
    token = unsubscribe_token(message.to_email, message.kind)
    context = {
        **message.context,
        "to_name": message.to_name,
        "partnership": partnership,
        "contact_email": partnership.contact_email if partnership else "",
        "reason": message.reason,
        "must_get": must_get,
        "unsubscribe_url": "" if must_get else site_url(reverse("unsubscribe", args=[token])),
        "preferences_url": site_url(reverse("notification_preferences")),
        "site_url": settings.SITE_URL,
        "subject": message.subject,
        "content_template": message.template,
    }
    attachment = message.attachment
    return Notification(
        key=message.key[:200],
        kind=message.kind,
        partnership=partnership,
        to_email=message.to_email,
        to_name=message.to_name[:200],
        user=message.user,
        reason=message.reason[:300],
        subject=message.subject[:300],
        from_email=sender_for(partnership),
        reply_to=partnership.contact_email if partnership else "",
        body_text=render_to_string("notifications/email/base.txt", {**context, "format": "txt"}),
        body_html=render_to_string("notifications/email/base.html", {**context, "format": "html"}),
        attachment_name=attachment.name if attachment else "",
        attachment_type=attachment.mimetype if attachment else "",
        attachment=attachment.content if attachment else "",
        status=Notification.Status.SKIPPED if off else Notification.Status.QUEUED,
    )


def queue(message: Message) -> Notification | None:
    """Put ``message`` in the outbox and have it sent after commit; None when its key was used before."""
    rows = queue_many([message])
    return rows[0] if rows else None


def queue_many(messages, *, send=True) -> list[Notification]:
    """Put many messages in the outbox at once (one query to check keys, one to insert).

    Messages whose key was used before are left out; so are people without an
    address. Those who switched the kind off get a "skipped" row, so the
    outbox shows why they were not emailed. Returns the new rows.
    """
    messages = [m for m in messages if m.to_email]
    if not messages:
        return []
    used = set(Notification.objects.filter(key__in=[m.key[:200] for m in messages]).values_list("key", flat=True))
    by_kind = {}
    for m in messages:
        by_kind.setdefault(m.kind, set()).add(m.to_email)
    off = {kind: switched_off(emails, kind) for kind, emails in by_kind.items()}
    rows, seen = [], set()
    for m in messages:
        key = m.key[:200]
        if key in used or key in seen:
            continue
        seen.add(key)
        rows.append(render(m, off=normalise(m.to_email) in off[m.kind]))
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(rows)
    except IntegrityError:
        # Another worker wrote some of these keys in the meantime: write the rest one by one.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                created.append(row)
            except IntegrityError:
                continue
        rows = created
    if send:
        ids = [r.pk for r in rows if r.status == Notification.Status.QUEUED]
        if ids:
            from .tasks import send_notifications

            transaction.on_commit(lambda: send_notifications.enqueue(ids))
    return rows


def email_for(notification: Notification) -> EmailMultiAlternatives:
    """The email for an outbox row, with the RFC 8058 one-click unsubscribe headers where allowed."""
    headers = {"X-Portal-Notification": notification.kind}
    if notification.kind not in MUST_GET:
        token = unsubscribe_token(notification.to_email, notification.kind)
        headers["List-Unsubscribe"] = f"<{site_url(reverse('unsubscribe', args=[token]))}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    to = formataddr((notification.to_name, notification.to_email)) if notification.to_name else notification.to_email
    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=notification.from_email,
        to=[to],
        reply_to=[notification.reply_to] if notification.reply_to else None,
        headers=headers,
    )
    email.attach_alternative(notification.body_html, "text/html")
    if notification.attachment_name:
        email.attach(notification.attachment_name, notification.attachment, notification.attachment_type)
    return email


def deliver(notification_id: int, connection=None, now=None) -> str:
    """Send one outbox row if it is due; returns its status afterwards.

    The row is locked while it is sent, so two workers given the same message
    send it once; a sent, skipped or abandoned message is never sent again.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "missing"
        if notification.status not in (Notification.Status.QUEUED, Notification.Status.RETRYING):
            return notification.status
        now = now or timezone.now()
        if notification.next_attempt_at > now:
            return notification.status
        notification.attempts += 1
        try:
            email_for(notification).send(fail_silently=False) if connection is None else connection.send_messages(
                [email_for(notification)]
            )
        except Exception as error:  # noqa: BLE001 — any failure of the mail server is kept and retried
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            else:
                notification.status = Notification.Status.RETRYING
                notification.next_attempt_at = now + backoff(notification.attempts)
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = now
            notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at"])
        return notification.status


def deliver_many(ids, now=None) -> dict:
    """Send each of ``ids`` over one connection to the mail server; counts by resulting status."""
    counts = {}
    connection = get_connection()
    try:
        connection.open()
    except Exception:  # noqa: BLE001 — each message then fails, is recorded and retried
        connection = None
    try:
        for notification_id in ids:
            status = deliver(notification_id, connection=connection, now=now)
            counts[status] = counts.get(status, 0) + 1
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001,S110 — a connection that will not close is gone anyway
                pass
    return counts
