"""Meetings, agendas and papers in the admin: the chair's main tool.

``MeetingAdmin.inlines`` is a plain list: other areas of work add their
inline to it. Registrations are listed by ``participation.MeetingRegistrations``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from engagement import roles
from engagement.admin import HTTPS_URLS, https_by_default
from engagement.admin_scope import PartnershipScopedAdmin, ScopedChoicesInline, ScopedRelatedFieldListFilter
from engagement.files import clean_upload
from engagement.formsets import BoundedInlineFormSet
from engagement.subqueries import count_pointing_here
from toolkit.page_cache import content_changed

from .. import notifications, services
from ..models import AgendaItem, Attendance, Meeting, Paper
from .participation import MeetingRegistrations

# Where items that change number wait while an agenda is saved: the top of a
# PostgreSQL smallint, far above any real agenda position.
SPARE_ORDER = 32767


class WhenFilter(admin.SimpleListFilter):
    """Upcoming or past meetings: the chair's first question of any list."""

    title = "when"
    parameter_name = "when"
    end_field = "end"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(**{f"{self.end_field}__gte": now})
        if self.value() == "past":
            return queryset.filter(**{f"{self.end_field}__lt": now})
        return queryset


class PublishedFilter(admin.SimpleListFilter):
    """Drafts (seen only by the office) or published meetings."""

    title = "published"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("draft", "Drafts"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        return queryset


class MeetingWhenFilter(WhenFilter):
    """The same question for agenda items and papers, by their meeting."""

    end_field = "meeting__end"


def rung_label(rung):
    """'Consulting – We will listen to you…': the promise shows where the chair picks the rung."""
    return f"{rung.name} – {rung.promise}" if rung.promise else rung.name


# --- Agenda items -----------------------------------------------------------------------------


class AgendaItemInlineForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "order",
            "start_time",
            "duration_minutes",
            "title",
            "presenter",
            "engagement_type",
            "is_business",
            "description",
            "themes",
            "outcome",
            "feedback_status",
            "feedback_requested_on",
            "views_summary",
        ]
        help_texts = {"order": "Position on the agenda. Leave 0 on a new item to put it at the end."}

    def _get_validation_exclusions(self):
        # AgendaItemFormSet.clean checks that numbers are unique across the
        # agenda, after numbering new items left at 0 (Django's own check would
        # call two such items duplicates) and naming the item that holds a number.
        exclude = super()._get_validation_exclusions()
        exclude.add("order")
        return exclude


class AgendaItemFormSet(BoundedInlineFormSet):
    """An agenda edited as a whole: numbering, unique positions, times inside the meeting.

    Each form's instance carries the meeting being edited (with the times just
    typed), so ``AgendaItem.clean`` checks every item against them.
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        highest = max((form.cleaned_data.get("order") or 0 for form in kept), default=0)
        for form in kept:
            if form.instance._state.adding and not form.cleaned_data.get("order"):
                highest += 1
                form.cleaned_data["order"] = form.instance.order = highest
        taken = {}
        for form in kept:
            order = form.cleaned_data["order"]
            if order in taken:
                form.add_error(
                    "order", f"Number {order} is already used by “{taken[order]}”. Give each item its own number."
                )
            else:
                taken[order] = form.cleaned_data.get("title", "")

    def save(self, commit=True):
        if commit:
            self.make_room_for_renumbered_items()
        return super().save(commit=commit)

    def make_room_for_renumbered_items(self):
        """Move items that change number, or go, out of the way before anything is saved.

        The database allows one item per number at every moment; without this,
        swapping items 2 and 3 would fail on the first save.
        """
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and ("order" in form.changed_data or self._should_delete_form(form))
        ]
        for offset, pk in enumerate(moving):
            AgendaItem.objects.filter(pk=pk).update(order=SPARE_ORDER - offset)


class AgendaItemInline(ScopedChoicesInline, admin.StackedInline):
    model = AgendaItem
    form = AgendaItemInlineForm
    formset = AgendaItemFormSet
    extra = 0
    max_num = 100  # far above any agenda; what a posted form count is held to (engagement/formsets.py)
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "engagement_type":
            field.label_from_instance = rung_label
        return field


@admin.register(AgendaItem)
class AgendaItemAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    scope_path = "meeting__partnership"
    list_display = ["title", "meeting_date", "partnership", "order", "start_time", "engagement_type", "feedback_status"]
    list_display_links = ["title"]
    list_filter = [
        MeetingWhenFilter,
        "engagement_type",
        "feedback_status",
        "is_business",
        ("meeting__partnership", ScopedRelatedFieldListFilter),
    ]
    search_fields = ["title", "presenter", "description", "outcome", "meeting__title"]
    list_select_related = ["meeting__partnership", "engagement_type"]
    autocomplete_fields = ["meeting", "themes"]
    show_full_result_count = False  # a region: no second count of the whole table
    ordering = ["-meeting__start", "order"]
    list_per_page = 50

    @admin.display(description="Meeting", ordering="meeting__start")
    def meeting_date(self, obj):
        return timezone.localtime(obj.meeting.start).strftime("%d %b %Y")

    @admin.display(description="Partnership", ordering="meeting__partnership__name")
    def partnership(self, obj):
        return obj.meeting.partnership

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "engagement_type":
            field.label_from_instance = rung_label
        return field


# --- Papers -----------------------------------------------------------------------------------


class PaperForm(forms.ModelForm):
    """A paper: uploads are checked by content (PDF, JPEG, PNG; size cap) and stored under a random name."""

    class Meta:
        formfield_callback = https_by_default
        model = Paper
        fields = ["meeting", "agenda_item", "title", "file", "url", "visibility", "order"]

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        # Only a new upload is checked; the stored file already was.
        if isinstance(uploaded, UploadedFile):
            return clean_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        meeting, item = cleaned.get("meeting") or getattr(self.instance, "meeting", None), cleaned.get("agenda_item")
        if meeting is not None and item is not None and item.meeting_id != meeting.pk:
            self.add_error("agenda_item", "Choose an item on this paper's own meeting.")
        return cleaned


class PaperInline(ScopedChoicesInline, admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = Paper
    form = PaperForm
    formset = BoundedInlineFormSet
    extra = 0
    max_num = 100
    ordering = ["order", "title"]
    fields = ["order", "title", "file", "url", "visibility", "agenda_item"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this meeting's items can be linked to a paper.
        field = formset.form.base_fields.get("agenda_item")
        if field is not None:
            field.queryset = AgendaItem.objects.filter(meeting=obj) if obj else AgendaItem.objects.none()
        return formset


@admin.register(Paper)
class PaperAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    scope_path = "meeting__partnership"
    formfield_overrides = HTTPS_URLS
    form = PaperForm
    list_display = ["title", "meeting_date", "meeting", "visibility", "kind", "agenda_item"]
    list_filter = [MeetingWhenFilter, "visibility", ("meeting__partnership", ScopedRelatedFieldListFilter)]
    search_fields = ["title", "meeting__title", "agenda_item__title"]
    list_select_related = ["meeting__partnership", "agenda_item"]
    show_full_result_count = False  # a region: no second count of the whole table
    autocomplete_fields = ["meeting", "agenda_item"]
    ordering = ["-meeting__start", "order", "title"]
    fields = ["meeting", "agenda_item", "title", "file", "url", "visibility", "order"]

    @admin.display(description="Date", ordering="meeting__start")
    def meeting_date(self, obj):
        return timezone.localtime(obj.meeting.start).strftime("%d %b %Y")

    @admin.display(description="File or link")
    def kind(self, obj):
        return "File" if obj.file else "Link"


# --- Meetings ---------------------------------------------------------------------------------


@admin.register(Meeting)
class MeetingAdmin(MeetingRegistrations, PartnershipScopedAdmin, admin.ModelAdmin):
    """A partnership's meetings: its staff and chair edit them; its finance reads them (to check claims)."""

    scope_path = "partnership"
    scope_roles = roles.REPORT_ROLES  # finance reads them too (to check claims)
    edit_roles = roles.OFFICE_ROLES  # only staff and the chair change them, in bulk too
    formfield_overrides = HTTPS_URLS
    list_display = [
        "start_display",
        "title",
        "partnership_name",
        "format_short",
        "status",
        "published",
        "item_count",
        "attendee_count",
        "view_link",
    ]
    list_display_links = ["start_display", "title"]
    list_filter = [WhenFilter, PublishedFilter, "status", "format", ("partnership", ScopedRelatedFieldListFilter)]
    search_fields = ["title", "venue", "summary", "partnership__name", "agenda_items__title"]
    list_select_related = ["partnership"]
    show_full_result_count = False  # a region: no second count of the whole table
    autocomplete_fields = ["partnership"]
    ordering = ["-start"]
    list_per_page = 50
    save_on_top = True
    inlines = [AgendaItemInline, PaperInline]
    fieldsets = [
        (
            None,
            {"fields": ["partnership", "title", ("start", "end"), "times_to_be_confirmed", "status", "publication"]},
        ),
        (
            "Where",
            {
                "fields": ["format", "venue", "online_link", "online_link_public"],
                "description": "Shown on the agenda page, in the calendar feed and on the printed pack "
                "(the joining link only to people registered, unless it is made public).",
            },
        ),
        ("Summary", {"fields": ["summary"]}),
        MeetingRegistrations.registrations_fieldset,
    ]
    actions = ["publish_selected", "mark_held", "mark_cancelled"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "publication"]

    @admin.display(description="Published")
    def publication(self, obj):
        if obj is None or obj.pk is None:
            return "A new meeting is a draft: only its staff and chair see it until the chair publishes it."
        if obj.published_at is None:
            return "Draft: only the partnership's staff and chair see it. Publish it below when the agenda is ready."
        return f"Published on {timezone.localtime(obj.published_at):%-d %B %Y at %H:%M}."

    @admin.display(description="Published", boolean=True, ordering="published_at")
    def published(self, obj):
        return obj.published_at is not None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        meeting = self.get_object(request, object_id)
        extra_context["can_publish"] = (
            meeting is not None and meeting.is_draft and roles.can_chair(request.user, meeting.partnership_id)
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """ "Save and publish": the meeting is saved first (as the other buttons), then published."""
        if "_publish" in request.POST:
            try:
                meeting, published_now = services.publish_meeting(obj, by=request.user)
            except PermissionDenied as refused:
                self.message_user(request, str(refused), level=messages.ERROR)
            else:
                if published_now:
                    self.message_user(request, f"“{meeting.title}” is published: everyone can now see its agenda.")
                else:
                    self.message_user(request, f"“{meeting.title}” was already published.", level=messages.WARNING)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description="Publish the selected meetings", permissions=["change"])
    def publish_selected(self, request, queryset):
        published = already = refused = 0
        for meeting in queryset.select_related("partnership").order_by("start"):
            if not meeting.is_draft:
                already += 1
            elif not roles.can_chair(request.user, meeting.partnership_id):
                refused += 1
            else:
                _, published_now = services.publish_meeting(meeting, by=request.user)
                published += published_now
                already += not published_now
        said = [f"{published} meeting(s) published."]
        if already:
            said.append(f"{already} already published.")
        if refused:
            said.append(f"{refused} not published: only the partnership's chair can publish its agendas.")
        self.message_user(request, " ".join(said), level=messages.WARNING if refused else messages.SUCCESS)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(  # subqueries: joins would multiply items by attendances over the whole table
                _items=count_pointing_here(AgendaItem, "meeting"),
                _attendees=count_pointing_here(Attendance.objects.counted(), "meeting"),
            )
        )

    @admin.display(description="Date", ordering="start")
    def start_display(self, obj):
        return timezone.localtime(obj.start).strftime("%d %b %Y %H:%M")

    # Short forms keep every column in view beside the filters.
    @admin.display(description="Partnership", ordering="partnership__name")
    def partnership_name(self, obj):
        return obj.partnership.short_name or obj.partnership.name

    @admin.display(description="Format", ordering="format")
    def format_short(self, obj):
        return obj.get_format_display().split(" (")[0]

    @admin.display(description="Items", ordering="_items")
    def item_count(self, obj):
        return obj._items

    @admin.display(description="Attendees", ordering="_attendees")
    def attendee_count(self, obj):
        return obj._attendees

    @admin.display(description="Public agenda")
    def view_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">PDF</a>',
            obj.get_absolute_url(),
            "Preview (draft)" if obj.is_draft else "View",
            reverse("meeting_agenda_pdf", args=[obj.pk]),
        )

    @admin.action(description="Mark the selected meetings as held", permissions=["change"])
    def mark_held(self, request, queryset):
        # update() skips auto_now: the calendar's LAST-MODIFIED must move so subscribers refresh.
        updated = queryset.exclude(status=Meeting.Status.HELD).update(
            status=Meeting.Status.HELD, updated_at=timezone.now()
        )
        content_changed(Meeting)  # update() sends no signal: the feed and visitors' pages must drop the old status
        self.message_user(request, f"{updated} meeting(s) marked as held.")

    @admin.action(description="Cancel the selected meetings", permissions=["change"])
    def mark_cancelled(self, request, queryset):
        notifications.meetings_cancelled(queryset.exclude(status=Meeting.Status.CANCELLED).values_list("pk", flat=True))
        updated = queryset.exclude(status=Meeting.Status.CANCELLED).update(
            status=Meeting.Status.CANCELLED, updated_at=timezone.now()
        )
        content_changed(Meeting)
        self.message_user(request, f"{updated} meeting(s) cancelled. Calendar subscribers will see them as cancelled.")
