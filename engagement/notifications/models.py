"""The outbox (every message the portal sends, and how that went) and what people chose to get."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from engagement.models import Partnership
from engagement.querysets import PartnershipQuerySet

from .kinds import KINDS

KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]


class Notification(models.Model):
    """One message to one person, written before it is sent (the outbox).

    ``key`` names the event and the recipient ("registered:attendance-12:mina@example.org"),
    so the same event told twice (a task run twice, a command run again) is one row and one email.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (switched off)"

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    email = models.EmailField("to")
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    list_unsubscribe = models.URLField("unsubscribe link", max_length=500, blank=True)
    # [{"filename": ..., "content": text, "mimetype": ...}]: small text files (a meeting's .ics).
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When a failed send is tried again.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["kind", "created_at"], name="notification_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email}"


class NotificationPreference(models.Model):
    """A person's choice for one kind: a user's, or (for people without an account) an address's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_choices"
    )
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], condition=Q(user__isnull=False), name="notification_preference_per_user"
            ),
            models.UniqueConstraint(
                fields=["email", "kind"], condition=Q(user__isnull=True), name="notification_preference_per_email"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="notification_preference_has_someone"
            ),
        ]

    def __str__(self):
        return f"{self.user or self.email}: {self.kind} {'on' if self.enabled else 'off'}"


class PartnershipNotificationSettings(models.Model):
    """How a partnership's messages go out: how many days before a meeting the reminder is sent."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="notification_settings")
    reminder_days_before = models.PositiveSmallIntegerField(
        default=2, help_text="Days before a meeting that people registered for it are reminded (0: no reminder)."
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = "notification settings"
        verbose_name_plural = "notification settings"

    def __str__(self):
        return f"Notification settings of {self.partnership}"


DEFAULT_REMINDER_DAYS = 2


def reminder_days(partnership) -> int:
    """The partnership's reminder lead time in days (2 unless set)."""
    found = PartnershipNotificationSettings.objects.filter(partnership=partnership).first()
    return found.reminder_days_before if found else DEFAULT_REMINDER_DAYS
