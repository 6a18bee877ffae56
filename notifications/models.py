"""What the portal emails people: the outbox of every message, and what each person wants to get.

This app depends only on ``engagement``. Each app composes its own messages
(``meetings/messages.py``, ``reimbursement/messages.py``) and hands them to
``notifications.outbox.queue``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from engagement.models import Partnership


class Kind(models.TextChoices):
    """Every kind of message, as people see it on /my/notifications/."""

    REGISTERED = "registered", "Confirmation when you register for a meeting"
    MEETING_CHANGED = "meeting_changed", "A meeting you registered for is moved or cancelled"
    REMINDER = "reminder", "A reminder before a meeting you registered for"
    AGENDA_PUBLISHED = "agenda_published", "A new agenda, and papers added to it"
    WE_DID = "we_did", "What was done with views you sent"
    CLAIM_DECISION = "claim_decision", "Your claims: sent back, approved, paid"
    ACCESS_NEEDS = "access_needs", "Staff: access needs asked for a meeting in the next 7 days"
    STAFF_DIGEST = "staff_digest", "Staff: a daily digest of registrations and views"
    CHAIR_WEEKLY = "chair_weekly", "Chair: a weekly list of items waiting past the target"


# Messages a person must get (DESIGN.md: a confirmation or a claim decision): they carry no
# unsubscribe and are sent whatever the person's preferences. Password reset is Django's own.
MUST_GET = frozenset({Kind.REGISTERED, Kind.MEETING_CHANGED, Kind.CLAIM_DECISION})

# Kinds only staff or the chair are offered on /my/notifications/.
OFFICE_KINDS = frozenset({Kind.ACCESS_NEEDS, Kind.STAFF_DIGEST, Kind.CHAIR_WEEKLY})

MAX_ATTEMPTS = 5


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait before the next try after ``attempts`` failures: 1, 4, 16, 64 minutes."""
    return datetime.timedelta(minutes=4 ** max(attempts - 1, 0))


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Messages waiting to be sent, or to be tried again, whose time has come."""
        now = now or timezone.now()
        return self.filter(
            status__in=[Notification.Status.QUEUED, Notification.Status.RETRYING],
            next_attempt_at__lte=now,
        )


class Notification(models.Model):
    """One email to one person: the outbox. Written once per event and recipient (``key``).

    The rendered subject and bodies are kept, so the back office shows exactly what
    was sent; a failed send is tried again with back-off up to ``MAX_ATTEMPTS`` times.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will try again"
        FAILED = "failed", "Failed, gave up"
        SKIPPED = "skipped", "Not sent: the person switched this off"

    key = models.CharField(
        max_length=200, unique=True, help_text="One per event and recipient: a task that runs twice sends once."
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    to_email = models.EmailField("to")
    to_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    reason = models.CharField("why", max_length=300, help_text="Why this person gets this message.")
    subject = models.CharField(max_length=300)
    from_email = models.CharField(max_length=300)
    reply_to = models.EmailField(blank=True)
    body_text = models.TextField()
    body_html = models.TextField()
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_email}"

    @property
    def is_must_get(self):
        return self.kind in MUST_GET


class Preference(models.Model):
    """A kind of message a person switched off (or on again), by email address.

    Keyed on the address because many people who come to meetings never sign
    in: the one-click unsubscribe works for them too. No row means "on".
    """

    email = models.EmailField(help_text="Kept in lower case.")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["email", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="preference_one_per_address_and_kind"),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="preference_email_lower"),
        ]

    def __str__(self):
        return f"{self.email}: {self.get_kind_display()} {'on' if self.enabled else 'off'}"
