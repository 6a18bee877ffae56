"""Meetings, agendas and papers in the admin: the chair's main tool."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from ..models import AgendaItem, Meeting, Paper, counted


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(end__gte=now)
        if self.value() == "past":
            return queryset.filter(end__lt=now)
        return queryset


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    ordering = ["order"]
    autocomplete_fields = ["themes"]
    fields = [
        ("order", "start_time", "duration_minutes"),
        "title",
        ("presenter", "engagement_type", "is_business"),
        "description",
        "themes",
        "outcome",
        ("feedback_status", "feedback_requested_on"),
        "views_summary",
    ]


class PaperInline(admin.TabularInline):
    model = Paper
    extra = 0
    fields = ["order", "title", "file", "url", "visibility", "agenda_item"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this meeting's items can be linked to a paper.
        field = formset.form.base_fields.get("agenda_item")
        if field is not None:
            field.queryset = AgendaItem.objects.filter(meeting=obj) if obj else AgendaItem.objects.none()
        return formset


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = [
        "start_display",
        "title",
        "partnership",
        "format",
        "status",
        "item_count",
        "attendee_count",
        "view_link",
    ]
    list_display_links = ["start_display", "title"]
    list_filter = [WhenFilter, "status", "format", "partnership"]
    search_fields = ["title", "venue", "summary", "agenda_items__title"]
    date_hierarchy = "start"
    list_select_related = ["partnership"]
    ordering = ["-start"]
    save_on_top = True
    inlines = [AgendaItemInline, PaperInline]
    fieldsets = [
        (None, {"fields": ["partnership", "title", ("start", "end"), "times_to_be_confirmed", "status"]}),
        ("Where", {"fields": ["format", "venue", "online_link"]}),
        ("Summary", {"fields": ["summary"]}),
    ]
    actions = ["mark_held", "mark_cancelled"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _items=Count("agenda_items", distinct=True),
                _attendees=Count("attendances", filter=counted("attendances"), distinct=True),
            )
        )

    @admin.display(description="Date", ordering="start")
    def start_display(self, obj):
        return timezone.localtime(obj.start).strftime("%a %d %b %Y, %H:%M")

    @admin.display(description="Items", ordering="_items")
    def item_count(self, obj):
        return obj._items

    @admin.display(description="Attendees", ordering="_attendees")
    def attendee_count(self, obj):
        return obj._attendees

    @admin.display(description="Public page")
    def view_link(self, obj):
        return format_html('<a href="{}">View agenda</a>', obj.get_absolute_url())

    @admin.action(description="Mark the selected meetings as held")
    def mark_held(self, request, queryset):
        updated = queryset.exclude(status=Meeting.Status.HELD).update(status=Meeting.Status.HELD)
        self.message_user(request, f"{updated} meeting(s) marked as held.")

    @admin.action(description="Cancel the selected meetings")
    def mark_cancelled(self, request, queryset):
        updated = queryset.exclude(status=Meeting.Status.CANCELLED).update(status=Meeting.Status.CANCELLED)
        self.message_user(request, f"{updated} meeting(s) cancelled.")


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "order", "start_time", "engagement_type", "feedback_status"]
    list_filter = ["engagement_type", "feedback_status", "meeting__partnership", "themes"]
    search_fields = ["title", "description", "outcome", "meeting__title"]
    list_select_related = ["meeting", "meeting__partnership", "engagement_type"]
    autocomplete_fields = ["meeting", "themes"]
    date_hierarchy = "meeting__start"


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "visibility", "created_at"]
    list_filter = ["visibility", "meeting__partnership"]
    search_fields = ["title", "meeting__title"]
    list_select_related = ["meeting", "meeting__partnership"]
    autocomplete_fields = ["meeting"]
