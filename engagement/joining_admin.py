"""Requests to join in the back office: staff and the chair of a partnership approve or decline them.

Requests are kept as the person sent them (nothing is edited here); the
decisions are bulk actions that call ``engagement.joining``'s services, which
lock each request and do nothing twice. Declining asks first for the kind
words the person will receive.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from . import joining
from .admin_scope import PartnershipScopedAdmin, ScopedRelatedFieldListFilter
from .models import JoinRequest


@admin.register(JoinRequest)
class JoinRequestAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "email", "partnership", "voice", "organisation_name", "status", "created_at"]
    list_filter = ["status", ("partnership", ScopedRelatedFieldListFilter)]
    list_select_related = ["partnership"]
    search_fields = ["name", "email", "organisation_name"]
    date_hierarchy = "created_at"
    actions = ["approve", "decline"]
    readonly_fields = [field.name for field in JoinRequest._meta.fields]

    def has_add_permission(self, request):
        return False  # people ask from the partnership's page

    def _decide_each(self, request, queryset, decide):
        done, refused = 0, []
        for join_request in queryset.select_related("partnership"):
            try:
                decide(join_request)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{join_request.name}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        return done, refused

    def _report(self, request, done, refused, verb):
        self.message_user(request, f"{done} request{'s' if done != 1 else ''} {verb}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Approve the selected requests (member role and a welcome email)", permissions=["change"])
    def approve(self, request, queryset):
        done, refused = self._decide_each(
            request, queryset, lambda join_request: joining.approve_join_request(join_request, request.user)
        )
        self._report(request, done, refused, "approved")

    @admin.action(description="Decline the selected requests (with kind words)", permissions=["change"])
    def decline(self, request, queryset):
        reason = request.POST.get("decline_reason", "").strip()
        error = ""
        if request.POST.get("post") == "yes":
            if reason:
                done, refused = self._decide_each(
                    request,
                    queryset,
                    lambda join_request: joining.decline_join_request(join_request, request.user, reason),
                )
                self._report(request, done, refused, "declined")
                return None
            error = "Say kindly why, in words the people will read."
        context = {
            **self.admin_site.each_context(request),
            "title": "Decline these requests?",
            "opts": self.model._meta,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "decline",
            "error": error,
            "reason": reason,
        }
        return TemplateResponse(request, "admin/engagement/joinrequest/decline_confirmation.html", context)
