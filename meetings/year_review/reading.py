"""Reading what a year review needs from the database: ten lean queries, whatever the year's size.

Each query returns named rows (``MeetingRecord``, ``ItemRecord`` …) rather
than bare tuples, so the code that counts them says ``item.type_id``, not
``row[4]``. ``building.py`` does the counting in Python.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Min, Q

from engagement.models import EngagementType, Partnership

from ..models import AgendaItem, Attendance, Feedback, Meeting, Response


class MeetingRecord(NamedTuple):
    """A meeting of the year, whatever its status."""

    pk: int
    start: datetime.datetime
    title: str
    status: str
    format: str


class ItemRecord(NamedTuple):
    """A business agenda item at a held meeting of the year."""

    pk: int
    meeting_id: int
    order: int
    title: str
    type_id: int | None
    outcome: str
    feedback_status: str
    requested_on: datetime.date | None


class TypeRecord(NamedTuple):
    """A rung of the engagement ladder."""

    pk: int
    name: str
    rank: int
    promise: str


class ItemTheme(NamedTuple):
    item_id: int
    theme: str


class FeedbackTheme(NamedTuple):
    """A theme given to one view itself (staff may tag views as well as items)."""

    feedback_id: int
    item_id: int
    theme: str


class AttendanceRecord(NamedTuple):
    """A counted attendance at a held meeting of the year."""

    meeting_id: int
    participant_id: int
    mode: str
    organisation_id: int | None
    organisation_kind: str | None


@dataclass
class YearData:
    """The lean value lists a year review is computed from."""

    meetings: list[MeetingRecord]  # every meeting in the year, in date order
    item_rows: list[ItemRecord]
    types: list[TypeRecord]  # lowest rung first
    item_themes: list[ItemTheme]
    views_per_item: dict  # item_id -> views
    feedback_themes: list[FeedbackTheme]  # themes given to views themselves (most views have none)
    heard_back: dict  # item_id -> date people heard back
    attendances: list[AttendanceRecord]
    came_before: set  # this year's people with a counted attendance in an earlier year
    previous_counts: dict  # type_id -> agenda items in the previous year

    @property
    def held(self) -> list[MeetingRecord]:
        return [row for row in self.meetings if row.status == Meeting.Status.HELD]


def held_in(
    partnership: Partnership,
    opens: datetime.datetime,
    closes: datetime.datetime,
    prefix="meeting__",
    include_drafts: bool = False,
) -> Q:
    """Held meetings of ``partnership`` starting in [opens, closes), seen through ``prefix``.

    Published ones only, unless ``include_drafts`` (for the partnership's own office).
    """
    held = Q(
        **{
            f"{prefix}partnership": partnership,
            f"{prefix}status": Meeting.Status.HELD,
            f"{prefix}start__gte": opens,
            f"{prefix}start__lt": closes,
        }
    )
    return held if include_drafts else held & Q(**{f"{prefix}published_at__isnull": False})


def _records(record, queryset):
    return [record._make(row) for row in queryset]


def read_year(partnership: Partnership, year: int, include_drafts: bool = False) -> YearData:
    """Read everything the year review needs, in ten queries (Python does the counting).

    Draft meetings are left out (the review may be public) unless ``include_drafts``.
    """
    _, _, opens, closes = partnership.year_window(year)
    _, _, previous_opens, previous_closes = partnership.year_window(year - 1)
    in_year = held_in(partnership, opens, closes, include_drafts=include_drafts)
    meetings = Meeting.objects.all() if include_drafts else Meeting.objects.published()
    items = AgendaItem.objects.filter(in_year, is_business=True)
    item_ids = items.values("pk")
    views = Feedback.objects.filter(agenda_item__in=item_ids)
    counted = Attendance.objects.counted()
    return YearData(
        meetings=_records(
            MeetingRecord,
            meetings.filter(partnership=partnership, start__gte=opens, start__lt=closes)
            .order_by("start", "pk")
            .values_list("pk", "start", "title", "status", "format"),
        ),
        item_rows=_records(
            ItemRecord,
            items.order_by("meeting__start", "meeting_id", "order", "pk").values_list(
                "pk",
                "meeting_id",
                "order",
                "title",
                "engagement_type_id",
                "outcome",
                "feedback_status",
                "feedback_requested_on",
            ),
        ),
        types=_records(
            TypeRecord, EngagementType.objects.order_by("rank").values_list("pk", "name", "rank", "promise")
        ),
        item_themes=_records(
            ItemTheme,
            AgendaItem.themes.through.objects.filter(agendaitem__in=item_ids)
            .order_by("theme__name")
            .values_list("agendaitem_id", "theme__name"),
        ),
        views_per_item=dict(views.order_by().values_list("agenda_item_id").annotate(n=Count("pk"))),
        feedback_themes=_records(
            FeedbackTheme,
            Feedback.themes.through.objects.filter(feedback__in=views.values("pk"))
            .order_by()
            .values_list("feedback_id", "feedback__agenda_item_id", "theme__name"),
        ),
        heard_back={
            row["agenda_item_id"]: row["reported"] or row["decided"]
            for row in Response.objects.filter(agenda_item__in=item_ids)
            .order_by()
            .values("agenda_item_id")
            .annotate(reported=Min("reported_back_on"), decided=Min("decided_on"))
        },
        attendances=_records(
            AttendanceRecord,
            counted.filter(in_year)
            .order_by()
            .values_list(
                "meeting_id",
                "participant_id",
                "mode",
                "participant__organisation_id",
                "participant__organisation__kind",
            ),
        ),
        came_before=set(
            counted.filter(
                meeting__partnership=partnership,
                meeting__status=Meeting.Status.HELD,
                meeting__start__lt=opens,
                meeting__in=meetings,
                participant__in=counted.filter(in_year).values("participant_id"),
            )
            .order_by()
            .values_list("participant_id", flat=True)
            .distinct()
        ),
        previous_counts=dict(
            AgendaItem.objects.filter(
                held_in(partnership, previous_opens, previous_closes, include_drafts=include_drafts), is_business=True
            )
            .order_by()
            .values_list("engagement_type_id")
            .annotate(n=Count("pk"))
        ),
    )
