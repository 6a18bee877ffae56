"""Building a year review: ``build_year_review(partnership, year)`` counts ``read_year``'s rows into a report.

Everything after ``read_year`` (``reading.py``, a fixed ten queries) is
Python over its lists; the result (``figures.YearReviewReport``) holds plain
values that the renderers only format. How each figure is counted is written
for readers in ``wording.DEFINITIONS``.
"""

import datetime
import statistics

from django.utils import timezone

from engagement.models import Organisation, Partnership

from ..models import AgendaItem, Attendance, Meeting, YearReview, waited
from .agenda_setters import agenda_setters
from .figures import (
    INVOLVING_NAME,
    INVOLVING_RANK,
    FeedbackLoop,
    Headline,
    ItemRow,
    MeetingRow,
    NarrativeSection,
    OtherMeeting,
    Rung,
    ThemeRow,
    WaitingItem,
    YearReviewReport,
    percent,
)
from .reading import YearData, read_year
from .wording import NARRATIVE_SECTIONS, ladder_sentence, text_blocks, trend_sentence


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def trend(counts: list[int]) -> float | None:
    """Least-squares change in attendance per meeting, or None with fewer than two meetings."""
    n = len(counts)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(counts) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(counts)) / spread


def build_year_review(
    partnership: Partnership,
    year: int,
    *,
    review=...,
    today: datetime.date | None = None,
    include_drafts: bool = False,
) -> YearReviewReport:
    """The year review of ``partnership`` for the financial year starting in ``year``.

    Pass ``review`` (the ``YearReview`` or None) when the caller has already
    read it, e.g. to check permission; otherwise it is read here (one more
    query). Everything after ``read_year`` is Python over its lists. Draft meetings
    count only with ``include_drafts`` (the partnership's office: the public never sees them).
    """
    first_day, last_day, _, _ = partnership.year_window(year)
    if review is ...:
        review = YearReview.objects.filter(partnership=partnership, year=year).first()
    data = read_year(partnership, year, include_drafts=include_drafts)
    report = YearReviewReport(
        partnership=partnership,
        year=year,
        label=partnership.financial_year_label(year),
        first_day=first_day,
        last_day=last_day,
        review=review,
        generated_at=timezone.now(),
        narrative=tuple(
            NarrativeSection(key, heading, getattr(review, key, ""), text_blocks(getattr(review, key, "")))
            for key, heading in NARRATIVE_SECTIONS
        ),
        cancelled=_other_meetings(data, Meeting.Status.CANCELLED),
        not_marked_held=_other_meetings(data, Meeting.Status.SCHEDULED),
    )
    tally = AttendanceTally(data.attendances)
    report.meetings = _meeting_rows(data, tally)
    report.headline = _headline(report, data, tally)
    _ladder(report, data, year)
    report.loop = _feedback_loop(partnership, report.meetings, data, today or timezone.localdate())
    report.themes = _themes(data)
    report.agenda_setters = agenda_setters(partnership, data, year)
    return report


def _other_meetings(data: YearData, status):
    return tuple(OtherMeeting(local_date(row.start), row.title) for row in data.meetings if row.status == status)


class AttendanceTally:
    """Counted attendances added up per meeting, per person and per organisation."""

    def __init__(self, attendances):
        self.attendees, self.online, self.meetings_by_person, self.organisations = {}, {}, {}, {}
        for row in attendances:
            self.attendees[row.meeting_id] = self.attendees.get(row.meeting_id, 0) + 1
            if row.mode == Attendance.Mode.ONLINE:
                self.online[row.meeting_id] = self.online.get(row.meeting_id, 0) + 1
            self.meetings_by_person.setdefault(row.participant_id, set()).add(row.meeting_id)
            if row.organisation_id:
                self.organisations[row.organisation_id] = row.organisation_kind


def _meeting_rows(data: YearData, tally: AttendanceTally):
    """The appendix: each held meeting with its counted attendees and its business items."""
    type_by_id = {rung.pk: rung for rung in data.types}
    themes_by_item = {}
    for row in data.item_themes:
        themes_by_item.setdefault(row.item_id, []).append(row.theme)
    status_labels = dict(AgendaItem.FeedbackStatus.choices)
    items_by_meeting = {}
    for item in data.item_rows:
        rung = type_by_id.get(item.type_id)
        items_by_meeting.setdefault(item.meeting_id, []).append(
            ItemRow(
                order=item.order,
                title=item.title,
                engagement_type=rung.name if rung else "",
                rank=rung.rank if rung else None,
                outcome=item.outcome,
                feedback_status=status_labels.get(item.feedback_status, item.feedback_status),
                feedback_key=item.feedback_status,
                themes=tuple(themes_by_item.get(item.pk, ())),
                views=data.views_per_item.get(item.pk, 0),
            )
        )
    formats = dict(Meeting.Format.choices)
    return tuple(
        MeetingRow(
            date=local_date(meeting.start),
            title=meeting.title,
            format=formats.get(meeting.format, meeting.format),
            attendees=tally.attendees.get(meeting.pk, 0),
            online=tally.online.get(meeting.pk, 0),
            items=tuple(items_by_meeting.get(meeting.pk, ())),
        )
        for meeting in data.held
    )


def _headline(report: YearReviewReport, data: YearData, tally: AttendanceTally) -> Headline:
    counts = [row.attendees for row in report.meetings]
    total = sum(counts)
    slope = trend(counts)
    people = tally.meetings_by_person
    return Headline(
        meetings_held=len(report.meetings),
        meetings_cancelled=len(report.cancelled),
        attendances=total,
        distinct_people=len(people),
        organisations=len(tally.organisations),
        organisations_by_kind=tuple(Organisation.count_by_kind(tally.organisations.values())),
        new_people=len(people.keys() - data.came_before),
        came_back=sum(1 for seen in people.values() if len(seen) >= 2),
        average_attendance=total / len(counts) if counts else 0.0,
        trend_per_meeting=None if slope is None else round(slope, 1),
        trend_sentence=trend_sentence(counts, slope),
        online_attendances=sum(tally.online.values()),
    )


def views_per_theme(data: YearData) -> dict:
    """Theme name -> the views on items that carry the theme, and views tagged with it themselves.

    Each view counts once per theme: a view tagged with its own item's theme is already counted with the item.
    """
    views = {}
    carried = set()
    for row in data.item_themes:
        carried.add((row.item_id, row.theme))
        views[row.theme] = views.get(row.theme, 0) + data.views_per_item.get(row.item_id, 0)
    for row in data.feedback_themes:
        if (row.item_id, row.theme) not in carried:
            views[row.theme] = views.get(row.theme, 0) + 1
    return views


def _themes(data: YearData):
    """Themes with the agenda items and views carrying each, the most used first."""
    theme_items = {}
    for row in data.item_themes:
        theme_items[row.theme] = theme_items.get(row.theme, 0) + 1
    theme_views = views_per_theme(data)
    rows = (
        ThemeRow(name, theme_items.get(name, 0), theme_views.get(name, 0))
        for name in theme_items.keys() | theme_views.keys()
    )
    return tuple(sorted(rows, key=lambda row: (-row.items, -row.views, row.name.lower())))


def _ladder(report: YearReviewReport, data: YearData, year: int):
    """Counts and shares per rung (rungs with none included), compared with the previous year if it had items."""
    counts = {}
    for item in data.item_rows:
        counts[item.type_id] = counts.get(item.type_id, 0) + 1
    previous_counts = data.previous_counts
    item_count = len(data.item_rows)
    previous_total = sum(previous_counts.values())
    has_previous = previous_total > 0
    report.item_count = item_count
    report.untyped_items = counts.get(None, 0)
    report.previous_item_count = previous_total
    report.previous_label = report.partnership.financial_year_label(year - 1) if has_previous else ""
    report.ladder = tuple(
        Rung(
            name=rung.name,
            rank=rung.rank,
            promise=rung.promise,
            count=counts.get(rung.pk, 0),
            share=percent(counts.get(rung.pk, 0), item_count),
            previous_count=previous_counts.get(rung.pk, 0) if has_previous else None,
            previous_share=percent(previous_counts.get(rung.pk, 0), previous_total) if has_previous else None,
        )
        for rung in data.types
    )
    involving = next((rung for rung in report.ladder if rung.name.lower() == INVOLVING_NAME.lower()), None)
    involving_rank = involving.rank if involving else INVOLVING_RANK
    if involving:
        report.involving_name = involving.name
    report.involving_or_above = sum(rung.count for rung in report.ladder if rung.rank >= involving_rank)
    report.ladder_sentence = ladder_sentence(report.ladder, item_count, involving_rank)


def _feedback_loop(partnership: Partnership, meetings, data: YearData, today: datetime.date) -> FeedbackLoop:
    """Items that needed feedback, how many heard back and how fast, and which are still waiting."""
    meeting_by_id = {record.pk: row for record, row in zip(data.held, meetings, strict=True)}
    heard_back = data.heard_back
    target = partnership.feedback_target_days
    needed = responded = 0
    days, waiting = [], []
    for item in data.item_rows:
        if item.feedback_status == AgendaItem.FeedbackStatus.NONE:
            continue
        needed += 1
        meeting = meeting_by_id[item.meeting_id]
        since = item.requested_on or meeting.date
        if item.feedback_status == AgendaItem.FeedbackStatus.RESPONDED:
            responded += 1
            if heard_back.get(item.pk):
                days.append(max((heard_back[item.pk] - since).days, 0))
        elif item.feedback_status in AgendaItem.WAITING_STATUSES:
            days_waited, overdue = waited(since, today, target)
            waiting.append(WaitingItem(meeting.date, meeting.title, item.title, days_waited, overdue))
    return FeedbackLoop(
        needed=needed,
        responded=responded,
        waiting=len(waiting),
        overdue=sum(1 for item in waiting if item.overdue),
        median_days=statistics.median(days) if days else None,
        target_days=target,
        waiting_items=tuple(waiting),
    )
