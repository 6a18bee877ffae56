"""The outbox in the back office: every message, to whom, why, when, how it went; failed ones can be retried."""

from django.contrib import admin, messages

from engagement import roles
from engagement.admin_scope import CHOICE_PATHS, PartnershipScopedAdmin

from . import services
from .models import Notification, PartnershipNotificationSettings

CHOICE_PATHS["notifications.partnershipnotificationsettings"] = "partnership"


@admin.register(Notification)
class NotificationAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """Read-only: messages are written by the portal, never typed in; "retry now" goes through the service."""

    scope_path = "partnership"
    scope_roles = roles.OFFICE_ROLES
    list_display = (
        "created_at",
        "email",
        "kind",
        "subject",
        "status",
        "attempts",
        "error",
        "sent_at",
        "next_attempt_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("email", "subject", "key")
    date_hierarchy = "created_at"
    list_select_related = ("partnership",)
    list_per_page = 50
    readonly_fields = [field.name for field in Notification._meta.fields] + ["attachment_names"]
    exclude = ("attachments",)
    actions = ["retry_now"]

    @admin.display(description="Last error")
    def error(self, obj):
        return obj.last_error[:80] if obj.last_error else "–"

    @admin.display(description="Attachments")
    def attachment_names(self, obj):
        return ", ".join(attachment["filename"] for attachment in obj.attachments or []) or "None"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description="Retry the selected failed messages now", permissions=["retry"])
    def retry_now(self, request, queryset):
        retried = sum(services.retry_now(pk) for pk in queryset.values_list("pk", flat=True))
        skipped = queryset.count() - retried
        text = f"{retried} message(s) put back on the queue."
        if skipped:
            text += f" {skipped} not failed, left alone."
        self.message_user(request, text, messages.SUCCESS if retried else messages.WARNING)


@admin.register(PartnershipNotificationSettings)
class PartnershipNotificationSettingsAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """How many days before a meeting its reminder goes; the chair sets it, staff read it."""

    scope_path = "partnership"
    scope_roles = roles.OFFICE_ROLES
    edit_roles = (roles.CHAIR,)
    list_display = ("partnership", "reminder_days_before")
    list_select_related = ("partnership",)
