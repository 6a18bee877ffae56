from django.contrib import admin

from .models import EngagementType, Organisation, Participant, Partnership, Theme


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "financial_year_start_month", "feedback_target_days"]
    list_filter = ["level"]
    search_fields = ["name", "short_name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "level", "parent"]}),
        ("What it is for", {"fields": ["purpose", "objectives", "principles"]}),
        ("Contact", {"fields": ["contact_email", "website"]}),
        ("Reporting", {"fields": ["financial_year_start_month", "feedback_target_days"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_grassroots"]
    list_filter = ["kind", "is_grassroots"]
    search_fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "voice", "is_system_staff", "user"]
    list_filter = ["is_system_staff", "voice", "organisation__kind", "agrees_to_be_listed"]
    search_fields = ["name", "email", "organisation__name", "community"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation", "user"]
    readonly_fields = ["erased_at", "created_at"]


@admin.register(EngagementType)
class EngagementTypeAdmin(admin.ModelAdmin):
    list_display = ["rank", "name", "promise"]
    list_display_links = ["name"]
    search_fields = ["name", "description"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "description"]
