"""Model permissions from memberships: a role held in any partnership brings its role's permissions.

The admin then shows a model to whoever holds a role that may see it, and each
admin's ``get_queryset`` (``engagement.roles.scope``) narrows the rows to the
partnerships that role covers.
"""

from django.contrib.auth.backends import ModelBackend

from .permissions import permissions_for_roles
from .roles import role_names


class MembershipBackend(ModelBackend):
    """Django's model backend (password log-in, permissions given to a user by hand), with roles for groups."""

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return permissions_for_roles(role_names(user_obj))
