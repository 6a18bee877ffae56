"""The outbox in the back office: every message, to whom, why, when, how it went; failed ones can be retried."""

from django.contrib import admin, messages
from django.db.models import Q

from engagement import roles
from engagement.admin_scope import CHOICE_PATHS, PartnershipScopedAdmin

from . import kinds, services
from .models import Notification, PartnershipNotificationSettings

CHOICE_PATHS["notifications.partnershipnotificationsettings"] = "partnership"

# A message's words are shown through ``NotificationAdmin.message``, which withholds those carrying a personal link.
WITHHELD_FIELDS = ("body_text", "body_html", "list_unsubscribe")


@admin.register(Notification)
class NotificationAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """Read-only: messages are written by the portal, never typed in; "retry now" goes through the service."""

    scope_path = "partnership"
    # Staff and the chair read their partnerships' messages; a claim's decision only those who decide claims.
    scope_roles = roles.REPORT_ROLES
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
    readonly_fields = [field.name for field in Notification._meta.fields if field.name not in WITHHELD_FIELDS] + [
        "message",
        "attachment_names",
    ]
    exclude = ("attachments", *WITHHELD_FIELDS)
    actions = ["retry_now"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        office = sorted(roles.covered_ids(request.user, *roles.OFFICE_ROLES))
        approvers = sorted(roles.covered_ids(request.user, *roles.APPROVER_ROLES))
        decision = Q(kind=kinds.CLAIM_DECISION)
        return queryset.filter((decision & Q(partnership__in=approvers)) | (~decision & Q(partnership__in=office)))

    def in_scope(self, request, obj):
        return request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    @admin.display(description="Message")
    def message(self, obj):
        if obj.kind in kinds.PERSONAL_LINK_KINDS:
            return (
                "Withheld: this message carries a link to set a password or confirm an address, "
                "which only its recipient may see."
            )
        return obj.body_text

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
