"""Formsets that a posted form count cannot tie up: every formset in the project is built on these.

Django builds ``min(TOTAL_FORMS, absolute_max)`` forms and only then says
there were too many; ``absolute_max`` defaults to ``max_num`` + 1,000, so
``lines-TOTAL_FORMS=100000000`` on a claim of at most 15 lines built (and
rendered) 1,015 forms. Here a count above the formset's limit builds no form
at all, and the formset is invalid with Django's own ``too_many_forms``
error. The limit is ``max_num``, or the rows already saved where there are
more of those (a model formset always shows every saved row).
"""

from django.forms import BaseFormSet
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.utils.functional import cached_property


class BoundedFormSetMixin:
    """Refuses a ``TOTAL_FORMS`` above ``form_limit()`` before any form is built."""

    def form_limit(self) -> int:
        return self.max_num

    @cached_property
    def posted_too_many(self) -> bool:
        """The posted form count is above the limit: no form is built and the formset is invalid."""
        if not self.is_bound:
            return False
        limit = self.form_limit()
        # Django's own check (in full_clean) compares with absolute_max: make it this limit.
        self.absolute_max = limit
        return self.management_form.cleaned_data[TOTAL_FORM_COUNT] > limit

    def total_form_count(self):
        if self.posted_too_many:
            return 0
        return super().total_form_count()


class BoundedModelFormSetMixin(BoundedFormSetMixin):
    def form_limit(self) -> int:
        # Every saved row is shown (and posted back), however many there are.
        return max(self.max_num, len(self.get_queryset()))


class BoundedFormSet(BoundedFormSetMixin, BaseFormSet):
    pass


class BoundedModelFormSet(BoundedModelFormSetMixin, BaseModelFormSet):
    pass


class BoundedInlineFormSet(BoundedModelFormSetMixin, BaseInlineFormSet):
    """The base of every inline formset: the member's claim lines and the back office's inlines."""
