"""Priorities in the admin: the chair agrees priorities and manages their actions here.

Scoped to partnerships (``engagement.admin_scope``): staff and the chair see
the priorities and actions of the partnerships they run; only the chair
(of the partnership or one above it) adds, changes, archives or deletes them.
Framework tags are national (no partnership: everyone in the office sees
them, only the operators change them) or a partnership's own (its chair
changes them; another partnership's office never sees them).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, Q
from django.shortcuts import redirect
from django.urls import reverse

from engagement import roles
from engagement.admin_scope import CHOICE_PATHS, PartnershipScopedAdmin, ScopedChoicesInline
from engagement.formsets import BoundedInlineFormSet
from engagement.subqueries import count_pointing_here
from toolkit.page_cache import content_changed

from .forms import ActionAdminForm
from .models import Action, ActionUpdate, FrameworkTag, Priority
from .services import save_action_from_admin

CHOICE_PATHS["priorities.priority"] = "partnership"
CHOICE_PATHS["priorities.action"] = "priority__partnership"
# The meetings a priority was agreed or discussed at (the meetings admin may set these too: the same paths).
CHOICE_PATHS.setdefault("meetings.meeting", "partnership")
CHOICE_PATHS.setdefault("meetings.agendaitem", "meeting__partnership")


def visible_tags(queryset, user, *roles_):
    """Framework tags ``user`` may see or pick: the national ones and those of partnerships they hold ``roles_`` in."""
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(partnership__isnull=True) | Q(partnership__in=sorted(roles.covered_ids(user, *roles_))))


@admin.register(FrameworkTag)
class FrameworkTagAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """National tags: seen by every office, changed by the operators; a partnership's own: its chair's."""

    scope_roles = roles.OFFICE_ROLES
    edit_roles = (roles.CHAIR,)
    list_display = ["name", "kind", "framework", "partnership", "order"]
    list_filter = ["kind", ("partnership", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["framework", "partnership"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["framework", "partnership"]

    def get_queryset(self, request):
        # The national tags (no partnership) as well as the user's own: not the mixin's partnership-only scope.
        queryset = super(PartnershipScopedAdmin, self).get_queryset(request)
        return visible_tags(queryset, request.user, *self.scope_roles)

    def in_scope(self, request, obj):
        return obj.partnership_id is None or super().in_scope(request, obj)

    def in_edit_scope(self, request, obj):
        if obj.partnership_id is None:
            return roles.is_operator(request.user)
        return super().in_edit_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name == "partnership" and not roles.is_operator(request.user):
            field.required = True  # a chair's tags are their partnership's own
            field.help_text = "The partnership whose tag this is."
        if field is not None and db_field.name == "framework":
            field.queryset = visible_tags(field.queryset, request.user, *self.scope_roles)
        return field


class ActionInline(ScopedChoicesInline, admin.StackedInline):
    model = Action
    scope_roles = (roles.CHAIR,)
    form = ActionAdminForm
    formset = BoundedInlineFormSet
    extra = 0
    max_num = 100  # what a posted form count is held to (engagement/formsets.py)
    ordering = ["horizon", "order", "pk"]
    show_change_link = True
    autocomplete_fields = ["owner_organisation", "owner_participant", "agenda_items"]
    fields = [
        ("horizon", "order"),
        "description",
        ("owner_organisation", "owner_participant"),
        ("due_date", "status"),
        "status_note",
        "agenda_items",
    ]


class ActionSaveMixin:
    """Saves action forms through ``save_action_from_admin``, so status changes leave a note."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Action:
            return super().save_formset(request, form, formset, change)
        # commit=False fills new_objects/changed_objects/deleted_objects, which the admin's history uses.
        to_save = {id(obj) for obj in formset.save(commit=False)}
        for obj in formset.deleted_objects:
            obj.delete()
        for action_form in formset.forms:
            if id(action_form.instance) in to_save:
                action_form.instance.priority = formset.instance
                save_action_from_admin(action_form, request.user)
        formset.save_m2m()


@admin.register(Priority)
class PriorityAdmin(ActionSaveMixin, PartnershipScopedAdmin, admin.ModelAdmin):
    scope_roles = roles.OFFICE_ROLES
    edit_roles = (roles.CHAIR,)
    list_display = ["number", "title", "partnership", "progress", "action_count", "is_archived", "agreed_at"]
    list_display_links = ["number", "title"]
    list_filter = [
        ("partnership", admin.RelatedOnlyFieldListFilter),
        "is_archived",
        ("framework_tags", admin.RelatedOnlyFieldListFilter),
        "themes",
    ]
    list_select_related = ["partnership", "agreed_at"]
    show_full_result_count = False  # a region: no second count of the whole table
    search_fields = ["title", "description", "actions__description", "partnership__name"]
    autocomplete_fields = ["partnership", "themes", "framework_tags", "agreed_at", "discussed_at"]
    ordering = ["partnership__name", "order", "number"]
    save_on_top = True
    inlines = [ActionInline]
    actions = ["archive", "unarchive"]
    fieldsets = [
        (None, {"fields": ["partnership", ("number", "order"), "title", "description"]}),
        ("Tags", {"fields": ["themes", "framework_tags"]}),
        ("Meetings", {"fields": ["agreed_at", "discussed_at"]}),
        ("Archive", {"fields": ["is_archived"]}),
    ]

    def get_queryset(self, request):
        action_total = count_pointing_here(Action, "priority")  # no GROUP BY of them all
        return super().get_queryset(request).with_progress().annotate(action_total=action_total)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name == "framework_tags":
            field.queryset = visible_tags(field.queryset, request.user, *self.choice_roles)
        return field

    @admin.display(description="progress")
    def progress(self, obj):
        return f"{obj.done_action_count} of {obj.live_action_count} done"

    @admin.display(description="actions", ordering="action_total")
    def action_count(self, obj):
        return obj.action_total

    def has_delete_permission(self, request, obj=None):
        # A priority with actions is archived, never deleted: the plan's history stays.
        if obj is not None and obj.actions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Priorities with actions are refused by the object-level permission above; say
        # why (their actions are protected) instead of "you lack permission to delete priority".
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected and super().has_delete_permission(request):
            perms_needed.discard(self.opts.verbose_name)
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.actions.exists():
            self.message_user(
                request,
                f"{obj} has actions, so it cannot be deleted: tick “archived” to retire it instead.",
                messages.ERROR,
            )
            return redirect(reverse("admin:priorities_priority_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except ProtectedError:
            self.message_user(
                request, "Priorities with actions cannot be deleted: archive them instead.", messages.ERROR
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and obj.actions.exists():
            extra_context["subtitle"] = "Has actions, so it cannot be deleted: tick “archived” to retire it."
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Archive the selected priorities", permissions=["change"])
    def archive(self, request, queryset):
        count = queryset.update(is_archived=True)
        content_changed(Priority)  # update() sends no signal: visitors' pages must drop the archived ones
        self.message_user(request, f"{count} priorit{'y' if count == 1 else 'ies'} archived.", messages.SUCCESS)

    @admin.action(description="Bring back the selected priorities", permissions=["change"])
    def unarchive(self, request, queryset):
        count = queryset.update(is_archived=False)
        content_changed(Priority)
        self.message_user(request, f"{count} priorit{'y' if count == 1 else 'ies'} brought back.", messages.SUCCESS)


class ActionUpdateInline(ScopedChoicesInline, admin.TabularInline):
    """Progress notes. Status changes are made with the action's status field, never here."""

    model = ActionUpdate
    formset = BoundedInlineFormSet
    extra = 1
    max_num = 100  # new notes at once; every saved note is shown however many there are
    fields = ["date", "note", "status_from", "status_to", "author"]
    readonly_fields = ["status_from", "status_to", "author"]
    ordering = ["-date", "-created_at", "-pk"]


@admin.register(Action)
class ActionAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    scope_path = "priority__partnership"
    scope_roles = roles.OFFICE_ROLES
    edit_roles = (roles.CHAIR,)
    form = ActionAdminForm
    list_display = ["description_short", "priority", "horizon", "owner_display", "due_date", "status", "overdue_flag"]
    list_filter = [
        "status",
        "horizon",
        ("priority__partnership", admin.RelatedOnlyFieldListFilter),
        ("priority", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["priority", "owner_organisation", "owner_participant__organisation"]
    search_fields = ["description", "priority__title", "owner_organisation__name", "owner_participant__name"]
    autocomplete_fields = ["priority", "owner_organisation", "owner_participant", "agenda_items"]
    show_full_result_count = False  # a region: no second count of the whole table
    ordering = ["priority__partnership__name", "priority__number", "horizon", "order"]
    inlines = [ActionUpdateInline]
    fieldsets = [
        (None, {"fields": ["priority", ("horizon", "order"), "description"]}),
        ("Who and when", {"fields": [("owner_organisation", "owner_participant"), "due_date"]}),
        ("Status", {"fields": ["status", "status_note"]}),
        ("Where it was discussed", {"fields": ["agenda_items"]}),
    ]

    @admin.display(description="action", ordering="description")
    def description_short(self, obj):
        return str(obj)

    @admin.display(description="owner")
    def owner_display(self, obj):
        return obj.owner or "—"

    @admin.display(description="overdue", boolean=True)
    def overdue_flag(self, obj):
        return obj.is_overdue()

    def save_model(self, request, obj, form, change):
        if not self.in_edit_scope(request, obj):
            raise PermissionDenied("You can only save the actions of the partnerships you chair.")
        save_action_from_admin(form, request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is ActionUpdate:
            for update in formset.save(commit=False):
                if update.author_id is None:
                    update.author = request.user
                update.save()
            for update in formset.deleted_objects:
                update.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    def view_on_site(self, obj):
        return obj.get_absolute_url()
