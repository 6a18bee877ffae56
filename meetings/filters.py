"""Filters for the public meeting list."""

import django_filters
from django.db.models.functions import ExtractYear

from engagement.models import EngagementType, Partnership
from engagement.query_string import QueryForm

from .models import Meeting


def year_choices():
    years = (
        Meeting.objects.annotate(year=ExtractYear("start", tzinfo=None))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return [(str(year), str(year)) for year in years]


class MeetingFilter(django_filters.FilterSet):
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        empty_label="All partnerships",
    )
    year = django_filters.ChoiceFilter(choices=year_choices, method="filter_year", empty_label="Any year", label="Year")
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

    def filter_year(self, queryset, name, value):
        return queryset.filter(start__year=int(value))

    def filter_engagement_type(self, queryset, name, value):
        return queryset.filter(agenda_items__engagement_type=value).distinct()

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        return form
