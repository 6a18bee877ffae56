"""Back office for payment policies (the chair sets them) and claims (read-only here).

Claims change only through the portal's approval pages and ``services.py``,
so every change is checked, locked and recorded; the admin shows them, with
their lines, receipts and history, and never edits them.
"""

from django.contrib import admin
from django.utils.html import format_html

from engagement import roles
from engagement.admin import HTTPS_URLS, ReadOnlyHistoryAdmin
from engagement.admin_scope import CHOICE_PATHS, PartnershipScopedAdmin, ScopedRelatedFieldListFilter
from engagement.formsets import BoundedInlineFormSet

from .models import CLAIM_PARTNERSHIP, Claim, ClaimLine, PaymentPolicy, Receipt

CHOICE_PATHS.update(
    {
        "reimbursement.paymentpolicy": "partnership",
        "reimbursement.claim": CLAIM_PARTNERSHIP,
        "reimbursement.claimline": f"claim__{CLAIM_PARTNERSHIP}",
        "reimbursement.receipt": f"claim__{CLAIM_PARTNERSHIP}",
    }
)


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    scope_path = "partnership"
    scope_roles = roles.APPROVER_ROLES  # the chair sets them; finance reads them
    list_display = [
        "name",
        "partnership",
        "effective_from",
        "time_basis",
        "hourly_rate",
        "half_day_amount",
        "full_day_amount",
        "mileage_rate",
        "claim_deadline_days",
    ]
    list_filter = [("partnership", ScopedRelatedFieldListFilter), "time_basis"]
    list_select_related = ["partnership"]
    search_fields = ["name", "budget_code", "partnership__name"]
    show_full_result_count = False  # a region: no second count of the whole table
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["partnership", "name", "effective_from"]}),
        (
            "Payment for time",
            {
                "fields": [
                    "time_basis",
                    "hourly_rate",
                    ("half_day_amount", "full_day_amount", "half_day_hours"),
                    ("preparation_paid", "preparation_cap_hours"),
                ]
            },
        ),
        (
            "Expenses",
            {
                "fields": [
                    ("mileage_rate", "passenger_rate"),
                    (
                        "allows_public_transport",
                        "allows_mileage",
                        "allows_taxi",
                        "allows_parking",
                        "allows_care",
                        "allows_subsistence",
                        "allows_other",
                    ),
                    "receipt_threshold",
                ]
            },
        ),
        (
            "Claiming and paying",
            {"fields": ["claim_deadline_days", "payment_route", "budget_code", "benefits_advice_url", "notes"]},
        ),
    ]


class ReadOnlyInline(admin.TabularInline):
    formset = BoundedInlineFormSet
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ClaimLineInline(ReadOnlyInline):
    model = ClaimLine
    fields = ["category", "description", "miles", "passengers", "taxi_reason", "amount"]


class ReceiptInline(ReadOnlyInline):
    model = Receipt
    fields = ["line", "download", "size", "uploaded_at"]
    readonly_fields = ["download"]

    @admin.display(description="file")
    def download(self, receipt):
        return format_html('<a href="{}">Download</a>', receipt.get_absolute_url())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("line")


@admin.register(Claim)
class ClaimAdmin(PartnershipScopedAdmin, ReadOnlyHistoryAdmin):
    scope_path = CLAIM_PARTNERSHIP
    scope_roles = roles.APPROVER_ROLES
    list_display = ["id", "claimant", "meeting_date", "partnership", "status", "total", "submitted_at"]
    list_filter = ["status", ("policy__partnership", ScopedRelatedFieldListFilter), "payment_declined"]
    list_select_related = ["claimant", "attendance__meeting__partnership"]
    search_fields = ["=id", "claimant__name", "claimant__email", "payment_reference"]
    show_full_result_count = False  # a region: no second count of the whole table
    ordering = ["-submitted_at", "-id"]
    inlines = [ClaimLineInline, ReceiptInline]
    fieldsets = [
        (None, {"fields": ["claimant", "attendance", "policy", "status"]}),
        ("Time", {"fields": ["meeting_hours", "preparation_hours", "payment_declined"]}),
        ("Totals", {"fields": ["time_payment", "expenses_total", "total"]}),
        (
            "Decision and payment",
            {
                "fields": [
                    "declared_at",
                    "submitted_at",
                    "decided_by",
                    "decided_at",
                    "rejection_reason",
                    "payment_reference",
                    "paid_on",
                    "paid_by",
                ]
            },
        ),
        ("Rates used", {"classes": ["collapse"], "fields": list(Claim.RATE_FIELDS)}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    @admin.display(description="meeting", ordering="attendance__meeting__start")
    def meeting_date(self, claim):
        return claim.attendance.meeting.local_date

    @admin.display(description="partnership", ordering="attendance__meeting__partnership__name")
    def partnership(self, claim):
        partnership = claim.attendance.meeting.partnership
        return partnership.short_name or partnership.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: approvals and payments go through the portal (services.py).
        return False

    def has_delete_permission(self, request, obj=None):
        return False
