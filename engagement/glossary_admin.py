"""Plain words in the back office: each partnership's glossary, kept by its staff and chair.

A term belongs to one partnership and holds on its pages and those of the
partnerships below it (``/p/<slug>/glossary/``). Staff and the chair of a
partnership add, change and delete its terms; the partnership choices offer
only theirs (``PartnershipScopedAdmin``). A term is unique in its partnership
whatever its capitals ("LHCP" and "lhcp" are one term).
"""

from django.contrib import admin

from . import roles
from .admin_scope import PartnershipScopedAdmin, ScopedRelatedFieldListFilter
from .models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    scope_roles = roles.OFFICE_ROLES
    list_display = ["term", "expansion", "partnership", "updated_at"]
    list_filter = [("partnership", ScopedRelatedFieldListFilter)]
    search_fields = ["term", "expansion", "meaning"]
    list_select_related = ["partnership"]
    ordering = ["partnership__name", "term"]
    fields = ["partnership", "term", "expansion", "meaning"]
    list_per_page = 50

    def get_changeform_initial_data(self, request):
        """A person who keeps one partnership's glossary starts with it chosen."""
        initial = super().get_changeform_initial_data(request)
        if "partnership" not in initial and not request.user.is_superuser:
            ids = roles.covered_ids(request.user, *self.choice_roles)
            if len(ids) == 1:
                initial["partnership"] = next(iter(ids))
        return initial
