"""Filters for the public meeting list."""

import django_filters

from engagement.models import EngagementType, Partnership
from engagement.query_string import QueryForm
from toolkit.widgets import QuickSelect

from .models import Meeting
from .year_filter import FinancialYearFilter


class MeetingFilter(django_filters.FilterSet):
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        empty_label="All partnerships",
        widget=QuickSelect,  # a region's 300 partnerships
    )
    year = FinancialYearFilter(empty_label="Any year")
    format = django_filters.ChoiceFilter(choices=Meeting.Format.choices, empty_label="Any format")
    engagement_type = django_filters.ModelChoiceFilter(
        queryset=EngagementType.objects.all(),
        method="filter_engagement_type",
        empty_label="Any type of engagement",
        label="Type of engagement",
    )

    class Meta:
        model = Meeting
        fields = ["partnership", "year", "format", "engagement_type"]
        form = QueryForm  # unknown values are named beside their field; the list is then empty

    def filter_engagement_type(self, queryset, name, value):
        return queryset.filter(agenda_items__engagement_type=value).distinct()

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        return form
