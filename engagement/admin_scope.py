"""The back office, scoped to the partnerships a person holds a role in.

Every ``ModelAdmin`` of a partnership's records mixes in
``PartnershipScopedAdmin`` and says where its partnership is
(``scope_path``, as a queryset lookup) and whose records they are
(``scope_roles``). The mixin then narrows, in one place:

- the change list, and with it every bulk action, to records in scope;
- the change and delete pages: a record outside scope is "not found"
  (Django's admin answers a redirect to the index with a message, as it
  does for a deleted record), never shown; its history pages are a 403;
- every foreign-key and many-to-many choice whose model is in
  ``CHOICE_PATHS`` (a chair adding an agenda item can pick only their own
  partnerships' meetings);
- saving: a record posted into a partnership outside scope is refused with
  a 403 (the choices already leave such partnerships out).

Where viewing and changing need different roles (staff see a partnership's
priorities, only its chair changes them; finance reads meetings, only staff
and the chair change them), ``edit_roles`` names the roles that change,
delete, pick choices and run any bulk action that does not only read (one
whose permissions are all in ``READING_PERMISSIONS``): such an action is
given only the records of ``edit_queryset``. It defaults to ``scope_roles``,
so a person who is staff here and chair elsewhere changes nothing here.

Inlines mix in ``ScopedChoicesInline`` for the same choices. Superusers (the
platform operators) see everything. The rules themselves live in
``engagement/roles.py``.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from . import roles

# Where each model's partnership is, for scoping choices in forms: {"app_label.model": lookup}.
# An app adds its models here (``CHOICE_PATHS["meetings.meeting"] = "partnership"``) in its admin module.
CHOICE_PATHS = {"engagement.partnership": "pk"}

# Admin action permissions that only read records (``@admin.action(permissions=[...])``).
READING_PERMISSIONS = {"view", "export"}


def reads_only(action):
    """True if a bulk action declares only reading permissions (``@admin.action(permissions=["view"])``)."""
    needs = set(getattr(action, "allowed_permissions", ()))
    return bool(needs) and needs <= READING_PERMISSIONS


def partnership_id_of(obj, path):
    """The partnership id reached from ``obj`` along ``path`` ("meeting__partnership" → obj.meeting.partnership_id)."""
    if path == "pk":
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def scoped_choices(queryset, request, roles_):
    """A choice queryset narrowed to what ``request.user`` may pick, if its model is in ``CHOICE_PATHS``."""
    path = CHOICE_PATHS.get(queryset.model._meta.label_lower)
    if path is None:
        return queryset
    return roles.scope(queryset, request.user, *roles_, path=path)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter on a related model that offers only the records the user may pick (``CHOICE_PATHS``)."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped_choices(field.related_model._default_manager.all(), request, model_admin.scope_roles)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices narrowed to the user's partnerships (``CHOICE_PATHS``)."""

    scope_roles = roles.OFFICE_ROLES
    # The roles that change records and pick choices; None: the same as ``scope_roles``.
    edit_roles = None

    @property
    def choice_roles(self):
        return self.scope_roles if self.edit_roles is None else self.edit_roles

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(field.queryset, request, self.choice_roles)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(field.queryset, request, self.choice_roles)
        return field


class ScopedChoicesInline(ScopedChoicesMixin):
    """For inlines: their choices scoped like their parent's (the parent admin scopes the rows)."""


class PartnershipScopedAdmin(ScopedChoicesMixin):
    """A ``ModelAdmin`` whose records belong to a partnership (``scope_path`` leads there)."""

    scope_path = "partnership"

    def get_queryset(self, request):
        return roles.scope(super().get_queryset(request), request.user, *self.scope_roles, path=self.scope_path)

    def in_scope(self, request, obj):
        """True if ``obj`` (a saved record) belongs to a partnership the user holds one of ``scope_roles`` in."""
        return roles.covers(request.user, partnership_id_of(obj, self.scope_path), *self.scope_roles)

    def in_edit_scope(self, request, obj):
        """True if ``obj`` belongs to a partnership the user holds one of the roles that change records in."""
        return roles.covers(request.user, partnership_id_of(obj, self.scope_path), *self.choice_roles)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.in_edit_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.in_edit_scope(request, obj))

    def edit_queryset(self, request, queryset):
        """The records of ``queryset`` the user may change: those of the partnerships they hold ``edit_roles`` in."""
        if request.user.is_superuser:
            return queryset
        return roles.scope(queryset, request.user, *self.choice_roles, path=self.scope_path)

    def get_actions(self, request):
        """Each bulk action that does not only read is given only the records the user may change."""
        actions = super().get_actions(request)
        if self.edit_roles is None or request.user.is_superuser:
            return actions  # the list's records are all the user's to change
        return {
            name: (func if reads_only(func) else self._on_editable(func), name, description)
            for name, (func, name, description) in actions.items()
        }

    def _on_editable(self, func):
        @wraps(func)
        def action(modeladmin, request, queryset):
            return func(modeladmin, request, self.edit_queryset(request, queryset))

        return action

    def _refuse_outside_scope(self, request, object_id):
        # The history views look records up without ``get_queryset``.
        if not request.user.is_superuser and not self.get_queryset(request).filter(pk=object_id).exists():
            raise PermissionDenied

    def history_view(self, request, object_id, extra_context=None):
        """A record's history only within scope."""
        self._refuse_outside_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._refuse_outside_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        """Never save a record into a partnership outside scope, whatever was posted."""
        if not self.in_edit_scope(request, obj):
            raise PermissionDenied("You can only save records of your own partnerships.")
        super().save_model(request, obj, form, change)
