"""Year reviews in the admin: staff write the narrative; the chair makes a final review public."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html

from engagement import roles
from engagement.admin_scope import PartnershipScopedAdmin, ScopedRelatedFieldListFilter

from ..models import YearReview
from ..year_review.years import FIRST_YEAR, LAST_YEAR

BULLET_HELP = "One point a line; start a line with “·” or “-” to make it a bullet point."


def report_url(review):
    return reverse("year_review", kwargs={"slug": review.partnership.slug, "year": review.year})


class YearReviewForm(forms.ModelForm):
    class Meta:
        model = YearReview
        fields = ["partnership", "year", "went_well", "challenges", "learnt", "ideas", "status", "is_public"]
        help_texts = {
            "went_well": BULLET_HELP,
            "challenges": BULLET_HELP,
            "learnt": BULLET_HELP,
            "ideas": BULLET_HELP,
        }

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Give the first calendar year of the financial year as four figures, e.g. 2023 for 2023/24 "
                f"(between {FIRST_YEAR} and {LAST_YEAR})."
            )
        return year

    def clean(self):
        cleaned = super().clean()
        # The database refuses a public draft too (year_review_public_only_when_final): say why beside the box.
        if "status" not in cleaned or cleaned["status"] == YearReview.Status.FINAL:
            return cleaned
        if "is_public" in self.fields:
            if cleaned.get("is_public"):
                self.add_error(
                    "is_public",
                    "Only a final review can be made public. Set the status to Final first, or untick this box.",
                )
        elif self.instance.is_public:
            # Only the chair sees the box: someone else cannot turn a public review back into a draft.
            self.add_error(
                "status",
                "This review is public, so it must stay final. Ask the chair to stop publishing it first.",
            )
        return cleaned


@admin.register(YearReview)
class YearReviewAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """A partnership's year reviews, for its staff and chair (finance reads the report itself)."""

    form = YearReviewForm
    list_display = ["partnership_label", "year_label", "status", "is_public", "report_link", "updated_at"]
    list_filter = ["status", "is_public", ("partnership", ScopedRelatedFieldListFilter), "year"]
    list_select_related = ["partnership"]
    show_full_result_count = False  # a region: no second count of the whole table
    search_fields = ["partnership__name", "partnership__short_name"]
    ordering = ["partnership__name", "-year"]
    readonly_fields = ["report_link"]
    fieldsets = [
        (None, {"fields": ["partnership", "year", "report_link"]}),
        (
            "Narrative",
            {
                "description": "Shown above the figures, in this order. The figures are worked out from the meetings.",
                "fields": ["went_well", "challenges", "learnt", "ideas"],
            },
        ),
        (
            "Publication",
            {
                "description": "A draft says so on every page and file, and only staff, the chair and finance can "
                "see it. Once final, the chair can make it public.",
                "fields": ["status", "is_public"],
            },
        ),
    ]

    @admin.display(description="partnership", ordering="partnership__name")
    def partnership_label(self, review):
        # The short name keeps every column beside the filters.
        return review.partnership.short_name or review.partnership.name

    @admin.display(description="year", ordering="year")
    def year_label(self, review):
        return review.partnership.financial_year_label(review.year)

    @admin.display(description="report")
    def report_link(self, review):
        if review is None or review.pk is None:
            return "Save the review to see the report."
        return format_html('<a href="{}">View report</a>', report_url(review))

    def view_on_site(self, review):
        return report_url(review)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request, obj):
            # Publishing is the chair's decision, in the review's own partnership.
            fields.append("is_public")
        return fields

    def can_publish(self, request, obj=None):
        """The chair of the review's partnership; on a new review, a chair somewhere (checked again on saving)."""
        if obj is None:
            return roles.has_role(request.user, roles.CHAIR)
        return roles.can_chair(request.user, obj.partnership_id)

    def save_model(self, request, obj, form, change):
        if obj.is_public and "is_public" in form.changed_data and not roles.can_chair(request.user, obj.partnership_id):
            raise PermissionDenied("Only the chair of this review's partnership can make it public.")
        super().save_model(request, obj, form, change)
