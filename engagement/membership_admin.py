"""Roles in the back office: who holds which role in which partnership.

A membership is given or removed, never edited: every add goes through
``services.give_role`` and every delete (one, or a bulk delete) through
``services.remove_role``, which check who may do it, lock the person's rows
and do nothing twice. Operators (superusers) give any role anywhere; a chair
sees the roles held in the partnerships they chair, and gives and removes
member and staff roles there (the form offers only those partnerships and
those roles).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import roles, services
from .admin import ReadOnlyHistoryAdmin
from .admin_scope import PartnershipScopedAdmin
from .models import Membership

# Longer than any username or email address: anything longer is a typo or an attack, not a person.
MAX_PERSON_LENGTH = 254


class PersonField(forms.CharField):
    """A person by username or email address (a chair need not see a list of every account)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_PERSON_LENGTH)
        kwargs.setdefault("label", "Person")
        kwargs.setdefault("help_text", "Their username or email address.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, get_user_model()):
            return value.get_username()
        return super().prepare_value(value)

    def clean(self, value):
        text = super().clean(value).strip()
        if "\x00" in text:
            raise ValidationError("Give a username or an email address.")
        users = get_user_model().objects.filter(is_active=True)
        found = list(users.filter(username__iexact=text)[:2])
        if not found and "@" in text:
            found = list(users.filter(email__iexact=text)[:2])
        if not found:
            raise ValidationError(f"No active account has the username or email address “{text}”.")
        if len(found) > 1:
            raise ValidationError("More than one account matches: give the username.")
        return found[0]


class MembershipForm(forms.ModelForm):
    """Give a role: a person, a partnership, a role. ``request`` is set by ``MembershipAdmin.get_form``."""

    user = PersonField()
    request = None

    class Meta:
        model = Membership
        fields = ["user", "partnership", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not roles.is_operator(self.request.user) and "role" in self.fields:
            self.fields["role"].choices = [
                (value, label) for value, label in Membership.Role.choices if value in (roles.MEMBER, roles.STAFF)
            ]

    def clean(self):
        cleaned = super().clean()
        user, partnership, role = cleaned.get("user"), cleaned.get("partnership"), cleaned.get("role")
        if self.request is not None and partnership is not None and role:
            if not roles.can_give_role(self.request.user, partnership, role):
                self.add_error("role", "You can give only member and staff roles, in the partnerships you chair.")
        if user is not None and partnership is not None and role:
            if Membership.objects.filter(user=user, partnership=partnership, role=role).exists():
                raise ValidationError(f"{user.get_username()} already holds that role in {partnership}.")
        return cleaned

    def validate_unique(self):
        """``clean`` says so in words when the role is already held."""


@admin.register(Membership)
class MembershipAdmin(PartnershipScopedAdmin, ReadOnlyHistoryAdmin):
    form = MembershipForm
    scope_roles = (roles.CHAIR,)
    list_display = ["user", "full_name", "role", "partnership", "created_at"]
    list_filter = ["role", "partnership__level"]
    list_select_related = ["user", "partnership"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "partnership__name"]
    ordering = ["partnership__name", "role", "user__username"]
    fields = ["user", "partnership", "role"]
    list_per_page = 100

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def has_change_permission(self, request, obj=None):
        # A role is given or removed, never edited: the page of a membership only shows it.
        return False

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or roles.can_give_role(request.user, obj.partnership_id, obj.role)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied("A role is given or removed, not changed.")
        membership = services.give_role(request.user, obj.user, obj.partnership, obj.role)
        obj.pk, obj.created_at = membership.pk, membership.created_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.remove_role(request.user, obj)

    def delete_queryset(self, request, queryset):
        """All or nothing: one membership the user may not remove refuses the whole selection."""
        with transaction.atomic():
            for membership in queryset.select_related("user", "partnership"):
                services.remove_role(request.user, membership)
