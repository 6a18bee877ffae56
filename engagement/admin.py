"""Who engages and how, in the back office: partnerships, organisations, people, the ladder, themes.

``ParticipantAdmin`` is a base: ``meetings/admin/participation.py`` registers
a subclass with export and erasure. ``ReadOnlyHistoryAdmin`` is the base of
every admin whose model keeps a history.
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from .models import EngagementType, Organisation, Participant, Partnership, Theme

# Deeper than any real hierarchy (system > place > neighbourhood): stops a walk up a broken chain.
MAX_PARTNERSHIP_DEPTH = 20


def _related_count(model, field):
    """How many ``model`` rows point at each listed row (``field`` = OuterRef), as a subquery.

    A list's counts, not ``Count`` over a join: that would group the whole related table (a region's
    54,000 agenda items) before the page of 100 rows is taken. ``model`` may be a label, so that
    engagement names other apps' models without importing them.
    """
    model = apps.get_model(model) if isinstance(model, str) else model
    rows = model._default_manager.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


# Web addresses typed without a scheme are taken as https (Django 6's default), in every back-office form.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model with a history (django-simple-history): every version can be read, none written back.

    ``SIMPLE_HISTORY_REVERT_DISABLED`` (settings) hides the library's "Revert"
    button, but its history form view still saves the old version it shows
    when it is posted to; here it answers nothing but GET. Changes go through
    each app's services, which check, lock and record them.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False


def https_by_default(field, **kwargs):
    """Form fields for model fields, web addresses typed without a scheme taken as https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class PartnershipForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_by_default
        model = Partnership
        fields = [
            "name",
            "short_name",
            "slug",
            "level",
            "parent",
            "purpose",
            "objectives",
            "principles",
            "contact_email",
            "website",
            "financial_year_start_month",
            "feedback_target_days",
        ]
        help_texts = {"slug": "The partnership's web address: /p/<slug>/. Letters, numbers and hyphens."}

    def clean_parent(self):
        """A partnership cannot sit beneath itself, directly or through its own partnerships."""
        parent = self.cleaned_data.get("parent")
        node, depth = parent, 0
        while node is not None and depth < MAX_PARTNERSHIP_DEPTH:
            if self.instance.pk is not None and node.pk == self.instance.pk:
                raise ValidationError("A partnership cannot sit beneath itself or one of the partnerships beneath it.")
            node, depth = node.parent, depth + 1
        return parent

    def clean_financial_year_start_month(self):
        month = self.cleaned_data.get("financial_year_start_month")
        if month is not None and not 1 <= month <= 12:
            raise ValidationError("Give a month from 1 (January) to 12 (December).")
        return month


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    form = PartnershipForm
    list_display = ["name", "short_name", "slug", "level", "parent", "meeting_count", "financial_year_start_month"]
    list_filter = ["level"]
    search_fields = ["name", "short_name", "slug", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "level", "parent"]}),
        ("What it is for", {"fields": ["purpose", "objectives", "principles"]}),
        ("Contact", {"fields": ["contact_email", "website"]}),
        ("Reporting", {"fields": ["financial_year_start_month", "feedback_target_days"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_meetings=_related_count("meetings.Meeting", "partnership"))

    @admin.display(description="Meetings", ordering="_meetings")
    def meeting_count(self, obj):
        return obj._meetings


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "kind", "is_grassroots", "people_count"]
    list_filter = ["kind", "is_grassroots"]
    search_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people=_related_count(Participant, "organisation"))

    @admin.display(description="People", ordering="_people")
    def people_count(self, obj):
        return obj._people


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "voice", "is_system_staff", "user"]
    list_filter = ["is_system_staff", "voice", "organisation__kind", "agrees_to_be_listed"]
    search_fields = ["name", "email", "organisation__name", "community"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation", "user"]
    readonly_fields = ["erased_at", "created_at"]
    list_per_page = 50
    show_full_result_count = False  # a region: no second count of the whole table


@admin.register(EngagementType)
class EngagementTypeAdmin(admin.ModelAdmin):
    """The engagement ladder. The chair may rename rungs or add one (e.g. Devolving, Co-producing)."""

    list_display = ["rank", "name", "promise", "item_count"]
    list_display_links = ["name"]
    search_fields = ["name", "description", "promise"]
    ordering = ["rank"]
    fields = ["name", "rank", "promise", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_items=_related_count("meetings.AgendaItem", "engagement_type"))

    @admin.display(description="Agenda items", ordering="_items")
    def item_count(self, obj):
        return obj._items


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "item_count"]
    search_fields = ["name", "description"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_items=_related_count("meetings.AgendaItem_themes", "theme"))

    @admin.display(description="Agenda items", ordering="_items")
    def item_count(self, obj):
        return obj._items
