from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Email people are sent: the outbox, its task, preferences and one-click unsubscribe."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "engagement.notifications"
    label = "notifications"
    verbose_name = "Notifications"
