"""The outbox in the back office: read-only, so what was sent is what is shown."""

from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "subject", "status", "attempts", "sent_at", "partnership"]
    list_filter = ["status", "kind", "partnership"]
    search_fields = ["to_email", "to_name", "subject", "key"]
    date_hierarchy = "created_at"
    list_select_related = ["partnership"]
    readonly_fields = [
        "key",
        "kind",
        "partnership",
        "to_email",
        "to_name",
        "user",
        "reason",
        "from_email",
        "reply_to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "body_text",
        "attachment_name",
    ]
    exclude = ["body_html", "attachment", "attachment_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "enabled", "updated_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
