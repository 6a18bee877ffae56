"""Filters for the priorities page: partnership, status, theme, framework, owner.

Status and owner are properties of actions: they keep the priorities that
have a matching action and show only those actions (see ``action_filter``).
Every filter selects priorities by ``pk__in`` subqueries, so the progress
counts and prefetches are never multiplied by joins.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from engagement.models import Organisation, Participant, Partnership, Theme
from engagement.query_string import QueryForm
from toolkit.widgets import QuickSelect

from .models import Action, FrameworkTag, Priority

OVERDUE = "overdue"
STATUS_CHOICES = [*Action.Status.choices, (OVERDUE, "Overdue")]


def owner_choices():
    """Organisations and people who own at least one action (two queries)."""
    organisations = Organisation.objects.filter(actions__isnull=False).distinct().order_by("name")
    people = (
        Participant.objects.filter(actions__isnull=False, agrees_to_be_listed=True, erased_at__isnull=True)
        .distinct()
        .order_by("name")
    )
    return [
        ("Organisations", [(f"organisation-{o.pk}", o.name) for o in organisations]),
        ("People", [(f"participant-{p.pk}", p.name) for p in people]),
    ]


def action_condition(status=None, owner=None):
    """A Q on Action for the status and owner filters (either may be empty)."""
    condition = Q()
    if status == OVERDUE:
        condition &= Q(due_date__lt=timezone.localdate()) & ~Q(status__in=Action.CLOSED_STATUSES)
    elif status:
        condition &= Q(status=status)
    if owner:
        kind, _, pk = owner.partition("-")
        condition &= Q(owner_organisation=pk) if kind == "organisation" else Q(owner_participant=pk)
    return condition


class PriorityFilter(django_filters.FilterSet):
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.filter(priorities__isnull=False).distinct(),
        to_field_name="slug",
        empty_label="All partnerships",
        widget=QuickSelect,  # a region's 300 partnerships
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_actions", empty_label="Any status", label="Action status"
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.filter(priorities__isnull=False).distinct(),
        method="filter_theme",
        empty_label="Any theme",
        label="Theme",
    )
    framework = django_filters.ModelChoiceFilter(
        queryset=FrameworkTag.objects.all(),
        to_field_name="slug",
        method="filter_framework",
        empty_label="Any framework",
        label="Framework",
    )
    owner = django_filters.ChoiceFilter(
        choices=owner_choices, method="filter_actions", empty_label="Anyone", label="Owner"
    )
    archived = django_filters.ChoiceFilter(
        choices=[("archived", "Archived priorities"), ("all", "Current and archived")],
        method="filter_archived",
        empty_label="Current priorities",
        label="Show",
    )

    class Meta:
        model = Priority
        fields = ["partnership", "status", "theme", "framework", "owner", "archived"]
        form = QueryForm  # unknown values are named beside their field; the list is then empty

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        # Current priorities unless the visitor asks for archived ones.
        if not data.get("archived"):
            queryset = queryset.filter(is_archived=False)
        queryset = super().filter_queryset(queryset)
        # Status and owner together: a priority with an action matching both.
        condition = action_condition(data.get("status"), data.get("owner"))
        if condition:
            queryset = queryset.filter(pk__in=Action.objects.filter(condition).values("priority"))
        return queryset

    def filter_actions(self, queryset, name, value):
        # Status and owner are applied together in filter_queryset.
        return queryset

    def filter_theme(self, queryset, name, value):
        return queryset.filter(pk__in=Priority.themes.through.objects.filter(theme=value).values("priority"))

    def filter_framework(self, queryset, name, value):
        # A framework matches its parts too: CORE20PLUS5 finds priorities tagged Hypertension.
        tags = FrameworkTag.objects.filter(Q(pk=value.pk) | Q(framework=value)).values("pk")
        return queryset.filter(
            pk__in=Priority.framework_tags.through.objects.filter(frameworktag__in=tags).values("priority")
        )

    def filter_archived(self, queryset, name, value):
        return queryset.filter(is_archived=True) if value == "archived" else queryset

    def action_condition(self):
        """The condition on the actions shown under each priority."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return action_condition(data.get("status"), data.get("owner"))

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
        return form
