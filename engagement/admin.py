"""Who engages and how, in the back office: partnerships, organisations, people, the ladder, themes.

Who may do what here (the rules; ``engagement/roles.py`` holds the checks):

- **Partnerships**: only the platform operators (superusers) add or delete
  them (no bulk delete for anyone else). Staff and the chair see the
  partnerships they run; the chair changes the page text (name, purpose,
  objectives, principles, contact, reporting) of those they chair. Slug,
  level and parent (the web address and the tree every role relies on) are
  read-only for everyone but the operators.
- **Glossary terms** (``glossary_admin.py``): staff and the chair of a
  partnership keep its plain words.
- **Memberships** (``membership_admin.py``): the operators give any role
  anywhere; a chair gives and removes member and staff roles in the
  partnerships they chair, through ``services.give_role`` / ``remove_role``.
- **Organisations** and **themes** are shared by every partnership: staff and
  chairs may view them and add new ones (a new name changes nobody's
  records); only the operators change or delete one, since that rewrites
  every partnership's records that use it.
- **The engagement ladder** (``EngagementType``) is the region's common
  vocabulary: staff and chairs view it, only the operators rename, add or
  remove rungs.
- **People** (``Participant``): staff, chairs and finance see the people of
  their partnerships: those who came to (or registered for) one of its
  meetings or hold a role in it, and people not yet placed anywhere (no
  attendance and no role: just added). Their details are personal data, so
  another partnership's office never sees them.

``ParticipantAdmin`` is a base: ``meetings/admin/participation.py`` registers
a subclass with export and erasure. ``ReadOnlyHistoryAdmin`` is the base of
every admin whose model keeps a history.
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from . import roles
from .admin_scope import PartnershipScopedAdmin
from .formsets import BoundedInlineFormSet
from .models import EngagementType, Membership, Organisation, Participant, Partnership, Theme
from .subqueries import count_pointing_here

# Who sees people's records, in the partnerships they hold one of these roles in.
PEOPLE_ROLES = roles.REPORT_ROLES

# Deeper than any real hierarchy (system > place > neighbourhood): stops a walk up a broken chain.
MAX_PARTNERSHIP_DEPTH = 20


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
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_address",
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


class OperatorsChangeShared:
    """A shared list (organisations, themes): office users view and add; only the operators change or delete."""

    def has_change_permission(self, request, obj=None):
        return roles.is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_operator(request.user)


class MembershipInline(admin.TabularInline):
    """Who holds which role here, to read: roles are given and removed under *Memberships* (through the services)."""

    model = Membership
    formset = BoundedInlineFormSet
    max_num = 1000
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "role held here"
    verbose_name_plural = "roles held here (give or remove them under Memberships)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Partnership)
class PartnershipAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """Partnerships: operators add and delete; the chair changes the page text of those they chair."""

    scope_path = "pk"
    scope_roles = roles.OFFICE_ROLES
    edit_roles = (roles.CHAIR,)
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
        (
            "Contact",
            {
                "fields": ["contact_name", "contact_email", "contact_phone", "contact_address", "website"],
                "description": "Shown on the partnership's page, every agenda and agenda pack, claims and the "
                "accessibility statement.",
            },
        ),
        ("Reporting", {"fields": ["financial_year_start_month", "feedback_target_days"]}),
    ]
    inlines = [MembershipInline]
    # Where a partnership sits (its address, level and place in the tree) is the operators' to change.
    operator_fields = ["slug", "level", "parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_meetings=count_pointing_here("meetings.Meeting", "partnership"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.is_operator(request.user):
            fields += [name for name in self.operator_fields if name not in fields]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if roles.is_operator(request.user) else {}

    def has_add_permission(self, request):
        return roles.is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_operator(request.user)

    def delete_queryset(self, request, queryset):
        if not roles.is_operator(request.user):
            raise PermissionDenied("Only the platform's operators delete partnerships.")
        super().delete_queryset(request, queryset)

    @admin.display(description="Meetings", ordering="_meetings")
    def meeting_count(self, obj):
        return obj._meetings


@admin.register(Organisation)
class OrganisationAdmin(OperatorsChangeShared, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "kind", "is_grassroots", "people_count"]
    list_filter = ["kind", "is_grassroots"]
    search_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people=count_pointing_here(Participant, "organisation"))

    @admin.display(description="People", ordering="_people")
    def people_count(self, obj):
        return obj._people


def people_in_scope(queryset, user):
    """``queryset`` (participants) narrowed to the people of the partnerships ``user`` sees people in.

    A person belongs to a partnership when they came to (or registered for)
    one of its meetings or hold a role in it; people with neither are not yet
    placed and every office sees them (so a person just added can be found).
    """
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    ids = sorted(roles.covered_ids(user, *PEOPLE_ROLES))
    if not ids:
        return queryset.none()
    return queryset.filter(pk__in=_people_ids(ids))


def _people_ids(partnership_ids):
    """The ids of the people of ``partnership_ids`` and of the unplaced: three short lists, one UNION.

    Each part reads only its own rows: our meetings' attendances, our members, and the people the
    stored ``has_attendance`` (partial index) says have none. Asking every attendance who is placed
    read a region's 225,000 of them for each page and its count (issue 13).
    """
    members = Membership.objects.values("user_id")
    at_ours = apps.get_model("meetings", "Attendance").objects.filter(meeting__partnership_id__in=partnership_ids)
    our_members = Participant.objects.filter(user_id__in=members.filter(partnership_id__in=partnership_ids))
    unplaced = Participant.objects.filter(has_attendance=False).exclude(user_id__in=members)
    # No ORDER BY in a part of a UNION (SQLite refuses one; people are ordered by name).
    parts = [qs.order_by().values(field) for qs, field in ((our_members, "pk"), (unplaced, "pk"))]
    return at_ours.order_by().values("participant_id").union(*parts)


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

    def get_queryset(self, request):
        return people_in_scope(super().get_queryset(request), request.user)


@admin.register(EngagementType)
class EngagementTypeAdmin(admin.ModelAdmin):
    """The engagement ladder, shared by every partnership: only the operators rename, add or remove rungs."""

    list_display = ["rank", "name", "promise", "item_count"]
    list_display_links = ["name"]
    search_fields = ["name", "description", "promise"]
    ordering = ["rank"]
    fields = ["name", "rank", "promise", "description"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_items=count_pointing_here("meetings.AgendaItem", "engagement_type"))
        )

    def has_add_permission(self, request):
        return roles.is_operator(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_operator(request.user)

    @admin.display(description="Agenda items", ordering="_items")
    def item_count(self, obj):
        return obj._items


@admin.register(Theme)
class ThemeAdmin(OperatorsChangeShared, admin.ModelAdmin):
    list_display = ["name", "item_count"]
    search_fields = ["name", "description"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_items=count_pointing_here("meetings.AgendaItem_themes", "theme"))

    @admin.display(description="Agenda items", ordering="_items")
    def item_count(self, obj):
        return obj._items


from . import glossary_admin, membership_admin  # noqa: E402, F401  (register the Glossary and Membership admins)
from .joining_admin import JoinRequestAdmin  # noqa: E402, F401  (registers the JoinRequest admin)
