"""The queryset of a partnership's records: ``for_user`` scopes it to the partnerships a person may see.

Each app's models say where their partnership is (``scope_path``) and whose
records they are by default (``default_roles``); the rule itself is
``roles.scope``.
"""

from django.db import models

from . import roles


class PartnershipQuerySet(models.QuerySet):
    """A queryset of one partnership's records; ``scope_path`` leads from a row to its partnership."""

    scope_path = "partnership"
    default_roles = roles.OFFICE_ROLES

    def for_user(self, user, *roles_):
        """The rows of the partnerships where ``user`` holds one of ``roles_`` (``default_roles`` unless named)."""
        return roles.scope(self, user, *(roles_ or self.default_roles), path=self.scope_path)
