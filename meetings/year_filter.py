"""The meeting list's year: a financial year of each meeting's partnership, as the year review counts it.

Values are ``2023-24`` (the financial year that starts in 2023, shown as "2023/24").
Links made before financial years, ``?year=2024``, still work and mean what they
meant then: the calendar year, said so on the page with the financial years to use
instead. Kept apart from ``filters.py`` so the rest of the filter set can change freely.
"""

import calendar
import dataclasses
import datetime
import re

import django_filters
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import QueryDict
from django.utils import timezone

from toolkit.page_cache import content_version

FINANCIAL_YEAR = re.compile(r"([0-9]{4})-([0-9]{2})")
CALENDAR_YEAR = re.compile(r"[0-9]{4}")


def financial_year_value(year):
    """``2023-24`` for the financial year that starts in 2023."""
    return f"{year}-{(year + 1) % 100:02d}"


def _uk_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def financial_year_bounds(year, start_month):
    """The aware datetimes (UK time) that bound the starts of meetings in that financial year."""
    return _uk_midnight(datetime.date(year, start_month, 1)), _uk_midnight(datetime.date(year + 1, start_month, 1))


def describe_months(start_month):
    """'1 April to 31 March' for a year starting in April."""
    last_month = (start_month - 2) % 12 + 1
    last_day = calendar.monthrange(2001, last_month)[1]  # a year that is not a leap year
    return f"1 {calendar.month_name[start_month]} to {last_day} {calendar.month_name[last_month]}"


@dataclasses.dataclass(frozen=True)
class CalendarYearLink:
    """An old link's calendar year, and the financial years that overlap it: (query string, label)."""

    year: int
    instead: tuple


class FinancialYearFilter(django_filters.ChoiceFilter):
    """A financial year with meetings (``2023-24``), or a calendar year from an old link (``2024``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Financial year")
        super().__init__(*args, choices=[], **kwargs)

    # --- what the meetings hold, read once (one query, as many rows as years × months × partnerships' months)

    def _meeting_months(self):
        """(year, month, partnership's first month) of every published meeting.

        The same for everyone and a pass over every meeting (a region's 9,000), so it is kept until a
        meeting or a partnership changes (``toolkit.page_cache``, ``FRAGMENT_CACHE_SECONDS``).
        """
        if not hasattr(self, "_months"):
            from engagement.models import Partnership

            from .models import Meeting

            key = f"meeting-months:{content_version(Meeting, Partnership)}"
            months = cache.get(key) if settings.FRAGMENT_CACHE_SECONDS > 0 else None
            if months is None:
                months = set(
                    Meeting.objects.published()
                    .annotate(year=ExtractYear("start"), month=ExtractMonth("start"))
                    .values_list("year", "month", "partnership__financial_year_start_month")
                    .distinct()
                    .order_by()
                )
                if settings.FRAGMENT_CACHE_SECONDS > 0:
                    cache.set(key, months, settings.FRAGMENT_CACHE_SECONDS)
            self._months = months
        return self._months

    def start_months(self):
        return sorted({start for _, _, start in self._meeting_months()})

    def label_for(self, year):
        if self.start_months() == [1]:
            return str(year)
        return f"{year}/{str(year + 1)[-2:]}"

    def financial_years(self):
        years = {year if month >= start else year - 1 for year, month, start in self._meeting_months()}
        return sorted(years, reverse=True)

    def calendar_years(self):
        return {year for year, _, _ in self._meeting_months()}

    def requested(self):
        """The raw value asked for, if it is a calendar year that has meetings (an old link)."""
        value = self.parent.data.get(self.field_name, "") if self.parent is not None else ""
        if isinstance(value, str) and CALENDAR_YEAR.fullmatch(value) and int(value) in self.calendar_years():
            return int(value)
        return None

    # --- the form field and the filtering ----------------------------------------------------------

    def help_text(self):
        months = self.start_months()
        if len(months) == 1:
            return f"Financial years run from {describe_months(months[0])}, as in the year review."
        return "Each meeting counts in its own partnership's financial year, as in the year review."

    @property
    def field(self):
        if not hasattr(self, "_field"):
            choices = [(financial_year_value(year), self.label_for(year)) for year in self.financial_years()]
            old = self.requested()
            if old is not None:
                choices.append((str(old), f"{old} (calendar year, from an older link)"))
            self.extra["choices"] = choices
            self.extra["help_text"] = self.help_text()
        field = super().field
        field.widget.attrs.setdefault("aria-describedby", f"id_{self.field_name}_hint")
        return field

    def filter(self, qs, value):
        if not value:
            return qs
        if CALENDAR_YEAR.fullmatch(value):
            return qs.filter(start__year=int(value))
        year = int(FINANCIAL_YEAR.fullmatch(value).group(1))
        in_year = Q()
        for start_month in self.start_months():
            opens, closes = financial_year_bounds(year, start_month)
            in_year |= Q(partnership__financial_year_start_month=start_month, start__gte=opens, start__lt=closes)
        return qs.filter(in_year) if in_year else qs.none()

    def calendar_year_link(self):
        """For the page: the old link's calendar year and the financial years that overlap it, or None."""
        old = self.requested()
        if old is None:
            return None
        overlapping = [old - 1, old] if self.start_months() != [1] else [old]
        offered = set(self.financial_years())
        return CalendarYearLink(
            year=old, instead=tuple((self._query_with(y), self.label_for(y)) for y in overlapping if y in offered)
        )

    def _query_with(self, year):
        """This page's query string with the financial year ``year`` instead, from its first page."""
        query = QueryDict(mutable=True)
        data = self.parent.data
        pairs = data.lists() if hasattr(data, "lists") else ((key, [value]) for key, value in data.items())
        for key, values in pairs:
            if key not in (self.field_name, "page"):
                query.setlist(key, values)
        query[self.field_name] = financial_year_value(year)
        return query.urlencode()
