"""Taking part in the back office: registrations, views, 'we did', and people's data.

The chair sees who is coming (with the access needs people chose to share)
and exports the sign-in sheet; staff export or erase a person's data when
they ask.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Value, When
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from engagement import roles
from engagement.admin import ParticipantAdmin as BaseParticipantAdmin
from engagement.admin_scope import PartnershipScopedAdmin, ScopedRelatedFieldListFilter
from engagement.models import Participant
from toolkit.downloads import attachment, download_name

from .. import services, sign_in_sheet
from ..models import Attendance, Feedback, Response


def is_office(request, partnership=None):
    """Staff and the chair of ``partnership`` (an object or id): the only people who see personal data
    such as access needs. Without a partnership (an empty form, a whole list): staff or chair anywhere,
    and each row then asks for its own partnership.
    """
    if partnership is None:
        return roles.has_role(request.user, *roles.OFFICE_ROLES)
    return roles.can_run(request.user, partnership)


def office_rows(queryset, request, path="meeting__partnership"):
    """``queryset`` with ``_office``: whether the user runs each row's partnership (shows access needs)."""
    if request.user.is_superuser:
        return queryset.annotate(_office=Value(True, output_field=BooleanField()))
    ids = sorted(roles.covered_ids(request.user, *roles.OFFICE_ROLES))
    return queryset.annotate(
        _office=Case(When(**{f"{path}__in": ids}, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def shared_access_needs(attendance):
    return attendance.access_needs if attendance.share_access_needs else ""


class MeetingWhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming meetings"), ("past", "Past meetings")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(meeting__end__gte=now)
        if self.value() == "past":
            return queryset.filter(meeting__end__lt=now)
        return queryset


def titled(title):
    """A yes/no list filter with a title people understand (not the field's name)."""

    class Filter(admin.BooleanFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Filter


REGISTRATIONS_SHOWN = 100


class MeetingRegistrations:
    """Who registered, sent apologies or came, on the meeting's page in the back office: read only.

    A list, not an inline: even a read-only inline posts two hidden fields a
    row, so a meeting of 500 registrations could no longer be saved (Django
    refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000). This posts
    nothing. Who came is recorded on the attendance screen; each row links
    to its record, and the whole list is in *Attendances*.
    """

    # Folded away (a <details>) so that the agenda, below, stays near the top.
    registrations_fieldset = ("Registrations and attendance", {"fields": ["registrations"], "classes": ["collapse"]})

    def get_readonly_fields(self, request, obj=None):
        self._request = request  # the list shows access needs to staff and the chair only
        return [*super().get_readonly_fields(request, obj), "registrations"]

    @admin.display(description="Registrations and attendance")
    def registrations(self, meeting):
        if meeting is None or meeting.pk is None:
            return "Once the meeting is saved, the people who register are listed here."
        rows = list(
            Attendance.objects.filter(meeting=meeting)
            .select_related("participant")
            .order_by("status", "participant__name", "pk")[: REGISTRATIONS_SHOWN + 1]
        )
        if not rows:
            return "Nobody has registered yet."
        office = is_office(self._request, meeting.partnership_id)
        body = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:meetings_attendance_change", args=[row.pk]),
                    row.participant.name,
                    row.get_status_display(),
                    row.get_mode_display(),
                    "Yes" if row.counts_as_staff else "",
                    "Yes" if row.is_walk_in else "",
                    shared_access_needs(row) if office else "",
                )
                for row in rows[:REGISTRATIONS_SHOWN]
            ),
        )
        everyone = reverse("admin:meetings_attendance_changelist") + f"?meeting__id__exact={meeting.pk}"
        more = (
            format_html('<p>The first {} are shown. <a href="{}">See everyone</a>.</p>', REGISTRATIONS_SHOWN, everyone)
            if len(rows) > REGISTRATIONS_SHOWN
            else format_html('<p><a href="{}">Open these in Attendances</a>.</p>', everyone)
        )
        screen = format_html(
            '<p><a href="{}">Record who came</a> on the attendance screen.</p>',
            reverse("meeting_attendance", args=[meeting.pk]),
        )
        return format_html(
            "<table><thead><tr><th>Person</th><th>Status</th><th>How</th><th>System staff</th><th>Walk-in</th>"
            "<th>Access needs (shared with the chair)</th></tr></thead><tbody>{}</tbody></table>{}{}",
            body,
            more,
            screen,
        )


@admin.register(Attendance)
class AttendanceAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """Who registered and came, per partnership: its staff and chair (who alone see access needs) and its finance."""

    scope_path = "meeting__partnership"
    scope_roles = roles.REPORT_ROLES  # its finance reads attendance (to check claims); staff and chair change it
    edit_roles = roles.OFFICE_ROLES
    # Access needs early: it is what the chair opens this list for, and narrow screens cut the end off.
    list_display = [
        "participant",
        "meeting_date",
        "status",
        "mode",
        "access_needs_shared",
        "walk_in",
        "system_staff",
        "organisation",
    ]
    list_filter = [
        MeetingWhenFilter,
        "status",
        "mode",
        ("counts_as_staff", titled("system staff")),
        ("is_walk_in", titled("walk-in")),
        ("share_access_needs", titled("access needs shared")),
        ("meeting__partnership", ScopedRelatedFieldListFilter),
    ]
    search_fields = ["participant__name", "participant__email", "meeting__title"]
    list_select_related = ["participant__organisation", "meeting__partnership"]
    autocomplete_fields = ["participant", "meeting"]
    show_full_result_count = False  # a region: no second count of the whole table
    ordering = ["-meeting__start", "participant__name"]
    list_per_page = 100
    actions = ["export_sign_in_sheet"]
    readonly_fields = ["created_at", "updated_at"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["meeting", "participant", "status", "mode", "counts_as_staff", "is_walk_in"]}),
        ]
        if is_office(request, obj.meeting.partnership_id if obj is not None else None):
            fieldsets.append(("Access needs", {"fields": ["access_needs", "share_access_needs"]}))
        fieldsets.append(("Record", {"fields": ["created_at", "updated_at"]}))
        return fieldsets

    def get_list_display(self, request):
        if is_office(request):
            return self.list_display
        return [column for column in self.list_display if column != "access_needs_shared"]

    def get_queryset(self, request):
        return office_rows(super().get_queryset(request), request)

    @admin.display(description="Meeting", ordering="meeting__start")
    def meeting_date(self, obj):
        partnership = obj.meeting.partnership
        return f"{timezone.localtime(obj.meeting.start):%d %b %Y} ({partnership.short_name or partnership.name})"

    @admin.display(description="System staff", boolean=True, ordering="counts_as_staff")
    def system_staff(self, obj):
        return obj.counts_as_staff

    @admin.display(description="Walk-in", boolean=True, ordering="is_walk_in")
    def walk_in(self, obj):
        return obj.is_walk_in

    @admin.display(description="Organisation", ordering="participant__organisation__name")
    def organisation(self, obj):
        return obj.participant.organisation or ""

    @admin.display(description="Access needs (shared)")
    def access_needs_shared(self, obj):
        # Only for the partnerships the user runs (finance of another partnership may read the row).
        return shared_access_needs(obj) if getattr(obj, "_office", False) else ""

    @admin.action(description="Export the selected people for the sign-in desk (CSV)", permissions=["view"])
    def export_sign_in_sheet(self, request, queryset):
        rows = list(
            office_rows(queryset, request).select_related("participant__organisation").order_by("participant__name")
        )
        for row in rows:
            if not row._office:
                # Access needs are for the staff and chair of the meeting's partnership only.
                row.access_needs, row.share_access_needs = "", False
        return sign_in_sheet.response(rows, download_name("sign-in-sheet", timezone.localdate(), extension="csv"))


@admin.register(Feedback)
class FeedbackAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    scope_path = "agenda_item__meeting__partnership"
    list_display = ["summary", "agenda_item", "meeting_date", "participant", "channel", "created_at"]
    list_filter = [
        "channel",
        "agenda_item__feedback_status",
        ("agenda_item__meeting__partnership", ScopedRelatedFieldListFilter),
    ]
    search_fields = ["text", "participant__name", "agenda_item__title"]
    list_select_related = ["agenda_item__meeting", "participant"]
    autocomplete_fields = ["agenda_item", "participant", "themes"]
    show_full_result_count = False  # a region: no second count of the whole table
    # A visitor's name and email as they gave them (meetings/visitor_views.py), and when they confirmed it.
    readonly_fields = ["recorded_by", "visitor_name", "visitor_email", "confirmed_at"]
    fields = ["agenda_item", "participant", "channel", "text", "themes", "created_at", "recorded_by"]
    fields += ["visitor_name", "visitor_email", "confirmed_at"]

    @admin.display(description="Views")
    def summary(self, obj):
        return Truncator(obj.text).words(12)

    @admin.display(description="Meeting", ordering="agenda_item__meeting__start")
    def meeting_date(self, obj):
        return timezone.localtime(obj.agenda_item.meeting.start).strftime("%d %b %Y")

    def save_model(self, request, obj, form, change):
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            # Views recorded here enter the loop as views sent any other way do.
            services.views_received(obj)


@admin.register(Response)
class ResponseAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """'We did'. Saving one marks its agenda item as responded."""

    scope_path = "agenda_item__meeting__partnership"

    list_display = ["agenda_item", "status", "changed", "decided_by", "decided_on", "reported_back_on"]
    list_filter = ["status", "changed", ("agenda_item__meeting__partnership", ScopedRelatedFieldListFilter)]
    search_fields = ["what_we_did", "decided_by", "agenda_item__title", "reason"]
    list_select_related = ["agenda_item__meeting"]
    autocomplete_fields = ["agenda_item"]
    show_full_result_count = False  # a region: no second count of the whole table
    readonly_fields = ["recorded_by", "created_at"]
    fields = [
        "agenda_item",
        "what_we_did",
        ("decided_by", "decided_on"),
        "changed",
        "status",
        "reason",
        "reported_back_on",
        ("recorded_by", "created_at"),
    ]

    def save_model(self, request, obj, form, change):
        if not self.in_scope(request, obj):
            raise PermissionDenied("You can only save records of your own partnerships.")
        services.record_response(obj.agenda_item, obj, recorded_by=request.user)


# People's data: staff and the chair only. Replaces the plain registration
# from engagement/admin.py with the same admin plus export and erasure.
admin.site.unregister(Participant)


@admin.register(Participant)
class ParticipantAdmin(BaseParticipantAdmin):
    """People's records, for the staff and chair of the partnerships they take part in.

    People belong to no one partnership, so an office user sees (and exports,
    erases, picks in a form) someone who has an attendance at a meeting of a
    partnership they run (registered, sent apologies or came), or whose user
    account holds a role there (a member). Anyone else is not found. Someone
    added by hand with neither is seen by the platform operators only until
    they register or are recorded at a meeting. Every check on one person
    (``is_office``) is whether they are in that list.
    """

    actions = ["export_data", "erase"]

    # The list itself is engagement's ``ParticipantAdmin.get_queryset``: people of the partnerships one runs.

    def is_office(self, request, obj=None):
        """Staff or chair somewhere for the list; for one person, of a partnership they take part in."""
        if not is_office(request):
            return False
        return obj is None or request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return self.is_office(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.is_office(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.is_office(request, obj) and super().has_delete_permission(request, obj)

    def has_export_permission(self, request):
        return is_office(request) and super().has_view_permission(request)

    def has_erase_permission(self, request):
        return is_office(request) and super().has_change_permission(request)

    @admin.action(description="Export the selected people's data (JSON)", permissions=["export"])
    def export_data(self, request, queryset):
        people = queryset.select_related("organisation", "user")
        data = services.participant_data(people)
        body = json.dumps(data, cls=services.ExportEncoder, indent=2, ensure_ascii=False)
        http = HttpResponse(body, content_type="application/json; charset=utf-8")
        return attachment(
            http, download_name("participant-data", timezone.localdate(), extension="json"), personal=True
        )

    @admin.action(description="Erase the selected people (anonymise, keeping counts)", permissions=["erase"])
    def erase(self, request, queryset):
        """Ask first; on 'Yes', anonymise each person. Counts and financial records stay."""
        if request.POST.get("post") == "yes":
            erased = 0
            for person in queryset:
                if person.erased_at is None:
                    services.erase_participant(person)
                    erased += 1
            self.message_user(
                request,
                f"{erased} {'person' if erased == 1 else 'people'} erased. Their attendances still count; "
                "their name, contact details and access needs are gone.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase these people's personal data?",
            "opts": self.model._meta,
            "queryset": queryset.select_related("organisation").prefetch_related("attendances"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "erase",
        }
        return TemplateResponse(request, "admin/engagement/participant/erase_confirmation.html", context)
