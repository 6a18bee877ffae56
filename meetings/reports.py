"""The year review: one partnership's financial year in figures, computed once.

``build_year_review(partnership, year)`` reads the database in a fixed number
of queries (eleven, however many meetings, agenda items and attendances the
year holds: lean value lists, counted in Python) and returns a
``YearReviewReport`` of plain values. The renderers in
``meetings/renderers/`` format it as HTML, CSV, XLSX and PDF and never go
back to the database.

How the figures are counted (the report prints the same words,
``DEFINITIONS``):

- A meeting belongs to the financial year in which it starts, in UK time
  (Europe/London): with an April year, a meeting on 31 March 2024 is in
  2023/24 and one on 1 April 2024 in 2024/25.
- Only meetings marked *held* count. Cancelled meetings are listed apart;
  so are meetings still marked scheduled, so that staff can mark them held.
- An *attendance* counts when the person attended and was not there as
  system staff (``Attendance.objects.counted()``). Registrations, apologies
  and absences count for nothing.
- *Distinct people*: each person once, however many meetings they came to.
- *People new this year*: people whose first counted attendance at any
  meeting of this partnership falls in this year.
- *People who came back*: people with counted attendances at two or more of
  this year's meetings.
- *Agenda items*: business items only (not arrivals, breaks or other
  housekeeping) at held meetings.
- *Days to respond*: from when people started waiting (the item's "feedback
  requested on" date, or else the meeting's date) to when they heard back
  (the first "reported back on" date of its responses, or else the first
  decision date).
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone

from engagement.models import EngagementType, Organisation, Partnership
from engagement.roles import CHAIR, FINANCE, STAFF, has_role

from .models import AgendaItem, Attendance, Feedback, Meeting, Response, YearReview

# Years outside this range are not financial years anyone will ask about;
# a URL naming one is a 404 rather than a date arithmetic error.
FIRST_YEAR, LAST_YEAR = 1900, 2999

# "Involving or above" is measured from this rung. The chair may rename rungs,
# so the rank (the NHS ladder's and IAP2's third step) is the fallback.
INVOLVING_NAME, INVOLVING_RANK = "Involving", 3

# Lines of narrative that start with one of these are bullet points.
BULLETS = ("·", "•", "-", "*", "–")

DEFINITIONS = [
    (
        "Meetings",
        "A meeting counts in the financial year in which it starts (UK time). Only meetings marked held count; "
        "cancelled meetings, and meetings still marked scheduled, are listed apart.",
    ),
    (
        "Attendees",
        "People who attended, not counting system (NHS and council) staff. Registrations, apologies and "
        "absences are not counted.",
    ),
    ("Distinct people", "Each person counted once, however many meetings they came to."),
    (
        "People new this year",
        "People whose first attendance at any meeting of this partnership was in this year.",
    ),
    ("People who came back", "People who came to two or more of this year's meetings."),
    (
        "Agenda items",
        "Business items at held meetings; arrivals, breaks and other housekeeping items are left out.",
    ),
    (
        "Days to respond",
        "From when people started waiting (the date feedback was requested, or else the meeting's date) to when "
        "they heard back (the date the response was reported back, or else the date it was decided).",
    ),
]

NARRATIVE_SECTIONS = [
    ("went_well", "What has gone well"),
    ("challenges", "Challenges"),
    ("learnt", "What we learnt about how to engage"),
    ("ideas", "Ideas for building on the successes and addressing the challenges"),
]


def percent(part, whole):
    """``part`` as a whole-number percentage of ``whole``, rounded half up (0 when ``whole`` is 0)."""
    if not whole:
        return 0
    return (200 * part + whole) // (2 * whole)


def can_see_year_review(user, review):
    """Staff, chair and finance always; anyone else only once the chair has made a final review public."""
    if has_role(user, STAFF, CHAIR, FINANCE):
        return True
    return review is not None and review.status == YearReview.Status.FINAL and review.is_public


def year_or_none(value):
    """The year as an int if ``value`` is a plausible first year of a financial year, else None."""
    text = str(value)
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


# --- The report's parts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph (``text``) or a bulleted list (``items``) of narrative."""

    text: str = ""
    items: tuple = ()

    @property
    def is_list(self):
        return bool(self.items)


def text_blocks(text):
    """Plain text as paragraphs and bulleted lists.

    A line starting with a bullet (· • - * –) is a list item; a line right
    under it without a bullet continues that item; a blank line ends a
    paragraph, and ends a list unless another bullet follows.
    """
    blocks, paragraph, items = [], [], []
    after_blank = False

    def end_paragraph():
        if paragraph:
            blocks.append(Block(text=" ".join(paragraph)))
            paragraph.clear()

    def end_list():
        if items:
            blocks.append(Block(items=tuple(items)))
            items.clear()

    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped:
            end_paragraph()
            after_blank = True
            continue
        if stripped[0] in BULLETS and (len(stripped) == 1 or stripped[1].isspace()):
            end_paragraph()
            items.append(stripped[1:].strip())
        elif items and not after_blank:
            items[-1] = f"{items[-1]} {stripped}"
        else:
            end_list()
            paragraph.append(stripped)
        after_blank = False
    end_paragraph()
    end_list()
    return tuple(block for block in blocks if block.text or any(block.items))


@dataclass(frozen=True)
class NarrativeSection:
    key: str
    heading: str
    text: str
    blocks: tuple


@dataclass(frozen=True)
class ItemRow:
    """A business agenda item, as the appendix shows it."""

    order: int
    title: str
    engagement_type: str
    rank: int | None
    outcome: str
    feedback_status: str
    themes: tuple
    views: int
    feedback_key: str = AgendaItem.FeedbackStatus.NONE

    @property
    def outcome_with_status(self):
        """The outcome, with the feedback status after it unless the outcome already says it."""
        if self.feedback_key == AgendaItem.FeedbackStatus.NONE:
            return self.outcome
        status = self.feedback_status.lower()
        if status in self.outcome.lower():
            return self.outcome
        return f"{self.outcome} ({status})" if self.outcome else self.feedback_status


@dataclass(frozen=True)
class MeetingRow:
    """A held meeting: one row of the appendix."""

    date: datetime.date
    title: str
    format: str
    attendees: int
    online: int
    items: tuple

    @property
    def engagement_types(self):
        return [item.engagement_type for item in self.items]

    @property
    def outcomes(self):
        return [item.outcome for item in self.items if item.outcome]


@dataclass(frozen=True)
class OtherMeeting:
    """A cancelled meeting, or one still marked scheduled."""

    date: datetime.date
    title: str


@dataclass(frozen=True)
class Rung:
    """One rung of the engagement ladder: this year's items and, when there is one, the previous year's."""

    name: str
    rank: int
    promise: str
    count: int
    share: int
    previous_count: int | None = None
    previous_share: int | None = None

    @property
    def change(self):
        """Change in share since the previous year, in percentage points."""
        return None if self.previous_share is None else self.share - self.previous_share


@dataclass(frozen=True)
class ThemeRow:
    name: str
    items: int
    views: int


@dataclass(frozen=True)
class WaitingItem:
    date: datetime.date
    meeting: str
    title: str
    days: int
    overdue: bool


@dataclass(frozen=True)
class FeedbackLoop:
    """Closing the loop: who asked for feedback, who heard back, who is still waiting."""

    needed: int = 0
    responded: int = 0
    waiting: int = 0
    overdue: int = 0
    median_days: float | None = None
    target_days: int = 0
    waiting_items: tuple = ()

    @property
    def median_days_text(self):
        return "" if self.median_days is None else f"{self.median_days:g}"


@dataclass(frozen=True)
class Headline:
    meetings_held: int = 0
    meetings_cancelled: int = 0
    attendances: int = 0
    distinct_people: int = 0
    organisations: int = 0
    organisations_by_kind: tuple = ()
    new_people: int = 0
    came_back: int = 0
    average_attendance: float = 0.0
    trend_per_meeting: float | None = None
    trend_sentence: str = ""
    online_attendances: int = 0

    @property
    def earlier_people(self):
        """People this year who had come to a meeting of this partnership in an earlier year."""
        return self.distinct_people - self.new_people

    @property
    def organisations_by_kind_text(self):
        """'Voluntary, community, faith or social enterprise: 7; Healthwatch: 1' (kinds with none left out)."""
        return "; ".join(f"{label}: {count}" for label, count in self.organisations_by_kind if count)

    @property
    def online_share(self):
        return percent(self.online_attendances, self.attendances)

    @property
    def average_text(self):
        return f"{self.average_attendance:.1f}"


@dataclass
class YearReviewReport:
    """Everything the year review shows, computed once; renderers only format it."""

    partnership: Partnership
    year: int
    label: str
    first_day: datetime.date
    last_day: datetime.date
    review: YearReview | None
    generated_at: datetime.datetime
    narrative: tuple = ()
    headline: Headline = field(default_factory=Headline)
    meetings: tuple = ()
    cancelled: tuple = ()
    not_marked_held: tuple = ()
    ladder: tuple = ()
    item_count: int = 0
    untyped_items: int = 0
    previous_label: str = ""
    previous_item_count: int = 0
    involving_or_above: int = 0
    involving_name: str = INVOLVING_NAME
    ladder_sentence: str = ""
    loop: FeedbackLoop = field(default_factory=FeedbackLoop)
    themes: tuple = ()

    @property
    def title(self):
        return f"{self.partnership.name}: year review {self.label}"

    @property
    def is_draft(self):
        """No narrative yet, or a narrative not marked final: the report says it is a draft."""
        return self.review is None or self.review.status != YearReview.Status.FINAL

    @property
    def is_public(self):
        return not self.is_draft and self.review.is_public

    @property
    def status_label(self):
        if self.review is None:
            return "Draft (no narrative written yet)"
        if self.is_draft:
            return "Draft"
        return "Final, public" if self.review.is_public else "Final"

    @property
    def is_empty(self):
        """No meeting was held in the year."""
        return not self.meetings

    @property
    def has_previous(self):
        return bool(self.previous_label)

    @property
    def has_narrative(self):
        return any(section.blocks for section in self.narrative)

    @property
    def involving_or_above_share(self):
        return percent(self.involving_or_above, self.item_count)

    @property
    def period(self):
        return f"{self.first_day.day} {self.first_day:%B %Y} to {self.last_day.day} {self.last_day:%B %Y}"

    def filename(self, extension):
        """e.g. ``lewisham-year-review-2023-24.xlsx`` (``-draft`` before the extension for a draft)."""
        draft = "-draft" if self.is_draft else ""
        return f"{self.partnership.slug}-year-review-{self.label.replace('/', '-')}{draft}.{extension}"


# --- Building it ------------------------------------------------------------------------------


def year_window(partnership, year):
    """The year's first and last days, and the aware datetimes (UK time) that bound its meetings' starts."""
    first_day, last_day = partnership.financial_year_bounds(year)
    zone = timezone.get_default_timezone()
    opens = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min), zone)
    closes = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min), zone
    )
    return first_day, last_day, opens, closes


def held_in(partnership, opens, closes, prefix="meeting__"):
    """Held meetings of ``partnership`` starting in [opens, closes), seen through ``prefix``."""
    return Q(
        **{
            f"{prefix}partnership": partnership,
            f"{prefix}status": Meeting.Status.HELD,
            f"{prefix}start__gte": opens,
            f"{prefix}start__lt": closes,
        }
    )


def local_date(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def trend(counts):
    """Least-squares change in attendance per meeting, or None with fewer than two meetings."""
    n = len(counts)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(counts) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(counts)) / spread


def trend_sentence(counts, slope):
    """'Attendance fell from 16 at the first meeting to 10 at the last, about 1.9 fewer a meeting.'"""
    if slope is None:
        return "One meeting was held, so there is no trend to show." if counts else ""
    average = sum(counts) / len(counts)
    first, last = counts[0], counts[-1]
    if abs(slope) < max(0.5, 0.05 * average):
        return f"Attendance held steady across the year ({first} at the first meeting, {last} at the last)."
    direction, more = ("rose", "more") if slope > 0 else ("fell", "fewer")
    return (
        f"Attendance {direction} across the year, from {first} at the first meeting to {last} at the last: "
        f"about {abs(slope):.1f} {more} a meeting."
    )


def join_names(names):
    names = [name.lower() for name in names]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def ladder_sentence(rungs, item_count, involving_rank):
    """'6 of 9 agenda items (67%) were informing or involving.' (the rungs up to Involving that were used)."""
    if not item_count:
        return "No agenda items were recorded for the year."
    lower = [rung for rung in rungs if rung.rank <= involving_rank]
    used = [rung for rung in lower if rung.count]
    count = sum(rung.count for rung in used)
    noun = "agenda item" if item_count == 1 else "agenda items"
    if not used:
        return f"None of the {item_count} {noun} were {join_names([rung.name for rung in lower])}."
    return f"{count} of {item_count} {noun} ({percent(count, item_count)}%) were {join_names([r.name for r in used])}."


@dataclass
class YearData:
    """The lean value lists a year review is computed from: ten queries, whatever the year's size."""

    meetings: list  # (pk, start, title, status, format) of every meeting in the year
    item_rows: list  # (pk, meeting_id, order, title, type_id, outcome, feedback_status, requested_on)
    types: list  # (pk, name, rank, promise) of each rung, lowest first
    item_themes: list  # (item_id, theme name)
    views_per_item: dict  # item_id -> views
    views_per_theme: dict  # theme name -> views
    heard_back: dict  # item_id -> date people heard back
    attendances: list  # (meeting_id, participant_id, mode, organisation_id, organisation kind), counted only
    came_before: set  # this year's people with a counted attendance in an earlier year
    previous_counts: dict  # type_id -> agenda items in the previous year

    @property
    def held(self):
        return [row for row in self.meetings if row[3] == Meeting.Status.HELD]


def read_year(partnership, year):
    """Read everything the year review needs, in ten queries (Python does the counting)."""
    _, _, opens, closes = year_window(partnership, year)
    _, _, previous_opens, previous_closes = year_window(partnership, year - 1)
    in_year = held_in(partnership, opens, closes)
    items = AgendaItem.objects.filter(in_year, is_business=True)
    item_ids = items.values("pk")
    views = Feedback.objects.filter(agenda_item__in=item_ids)
    counted = Attendance.objects.counted()
    return YearData(
        meetings=list(
            Meeting.objects.filter(partnership=partnership, start__gte=opens, start__lt=closes)
            .order_by("start", "pk")
            .values_list("pk", "start", "title", "status", "format")
        ),
        item_rows=list(
            items.order_by("meeting__start", "meeting_id", "order", "pk").values_list(
                "pk",
                "meeting_id",
                "order",
                "title",
                "engagement_type_id",
                "outcome",
                "feedback_status",
                "feedback_requested_on",
            )
        ),
        types=list(EngagementType.objects.order_by("rank").values_list("pk", "name", "rank", "promise")),
        item_themes=list(
            AgendaItem.themes.through.objects.filter(agendaitem__in=item_ids)
            .order_by("theme__name")
            .values_list("agendaitem_id", "theme__name")
        ),
        views_per_item=dict(views.order_by().values_list("agenda_item_id").annotate(n=Count("pk"))),
        views_per_theme=dict(
            Feedback.themes.through.objects.filter(feedback__in=views.values("pk"))
            .order_by()
            .values_list("theme__name")
            .annotate(n=Count("feedback_id", distinct=True))
        ),
        heard_back={
            row["agenda_item_id"]: row["reported"] or row["decided"]
            for row in Response.objects.filter(agenda_item__in=item_ids)
            .order_by()
            .values("agenda_item_id")
            .annotate(reported=Min("reported_back_on"), decided=Min("decided_on"))
        },
        attendances=list(
            counted.filter(in_year)
            .order_by()
            .values_list(
                "meeting_id",
                "participant_id",
                "mode",
                "participant__organisation_id",
                "participant__organisation__kind",
            )
        ),
        came_before=set(
            counted.filter(
                meeting__partnership=partnership,
                meeting__status=Meeting.Status.HELD,
                meeting__start__lt=opens,
                participant__in=counted.filter(in_year).values("participant_id"),
            )
            .order_by()
            .values_list("participant_id", flat=True)
            .distinct()
        ),
        previous_counts=dict(
            AgendaItem.objects.filter(held_in(partnership, previous_opens, previous_closes), is_business=True)
            .order_by()
            .values_list("engagement_type_id")
            .annotate(n=Count("pk"))
        ),
    )


def build_year_review(partnership, year, *, review=..., today=None):
    """The year review of ``partnership`` for the financial year starting in ``year``.

    Pass ``review`` (the ``YearReview`` or None) when the caller has already
    read it, e.g. to check permission; otherwise it is read here (one more
    query). Everything after ``read_year`` is Python over its lists.
    """
    first_day, last_day, _, _ = year_window(partnership, year)
    if review is ...:
        review = YearReview.objects.filter(partnership=partnership, year=year).first()
    data = read_year(partnership, year)
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
    _ladder(report, data.item_rows, data.types, data.previous_counts, year)
    report.loop = _feedback_loop(partnership, report.meetings, data, today or timezone.localdate())
    report.themes = _themes(data)
    return report


def _other_meetings(data, status):
    return tuple(
        OtherMeeting(local_date(start), title)
        for _, start, title, row_status, _ in data.meetings
        if row_status == status
    )


class AttendanceTally:
    """Counted attendances added up per meeting, per person and per organisation."""

    def __init__(self, attendances):
        self.attendees, self.online, self.meetings_by_person, self.organisations = {}, {}, {}, {}
        for meeting_id, participant_id, mode, organisation_id, kind in attendances:
            self.attendees[meeting_id] = self.attendees.get(meeting_id, 0) + 1
            if mode == Attendance.Mode.ONLINE:
                self.online[meeting_id] = self.online.get(meeting_id, 0) + 1
            self.meetings_by_person.setdefault(participant_id, set()).add(meeting_id)
            if organisation_id:
                self.organisations[organisation_id] = kind


def _meeting_rows(data, tally):
    """The appendix: each held meeting with its counted attendees and its business items."""
    type_by_id = {pk: (name, rank) for pk, name, rank, _ in data.types}
    themes_by_item = {}
    for item_id, name in data.item_themes:
        themes_by_item.setdefault(item_id, []).append(name)
    status_labels = dict(AgendaItem.FeedbackStatus.choices)
    items_by_meeting = {}
    for pk, meeting_id, order, title, type_id, outcome, status, _ in data.item_rows:
        name, rank = type_by_id.get(type_id, ("", None))
        items_by_meeting.setdefault(meeting_id, []).append(
            ItemRow(
                order=order,
                title=title,
                engagement_type=name,
                rank=rank,
                outcome=outcome,
                feedback_status=status_labels.get(status, status),
                feedback_key=status,
                themes=tuple(themes_by_item.get(pk, ())),
                views=data.views_per_item.get(pk, 0),
            )
        )
    formats = dict(Meeting.Format.choices)
    return tuple(
        MeetingRow(
            date=local_date(start),
            title=title,
            format=formats.get(meeting_format, meeting_format),
            attendees=tally.attendees.get(pk, 0),
            online=tally.online.get(pk, 0),
            items=tuple(items_by_meeting.get(pk, ())),
        )
        for pk, start, title, _, meeting_format in data.held
    )


def _headline(report, data, tally):
    counts = [row.attendees for row in report.meetings]
    total = sum(counts)
    slope = trend(counts)
    kinds = list(tally.organisations.values())
    people = tally.meetings_by_person
    return Headline(
        meetings_held=len(report.meetings),
        meetings_cancelled=len(report.cancelled),
        attendances=total,
        distinct_people=len(people),
        organisations=len(tally.organisations),
        organisations_by_kind=tuple((label, kinds.count(kind)) for kind, label in Organisation.Kind.choices),
        new_people=len(people.keys() - data.came_before),
        came_back=sum(1 for seen in people.values() if len(seen) >= 2),
        average_attendance=total / len(counts) if counts else 0.0,
        trend_per_meeting=None if slope is None else round(slope, 1),
        trend_sentence=trend_sentence(counts, slope),
        online_attendances=sum(tally.online.values()),
    )


def _themes(data):
    """Themes with the agenda items and views carrying each, the most used first."""
    theme_items = {}
    for _, name in data.item_themes:
        theme_items[name] = theme_items.get(name, 0) + 1
    rows = (
        ThemeRow(name, theme_items.get(name, 0), data.views_per_theme.get(name, 0))
        for name in theme_items.keys() | data.views_per_theme.keys()
    )
    return tuple(sorted(rows, key=lambda row: (-row.items, -row.views, row.name.lower())))


def _ladder(report, item_rows, types, previous_counts, year):
    """Counts and shares per rung (rungs with none included), compared with the previous year if it had items."""
    counts = {}
    for row in item_rows:
        counts[row[4]] = counts.get(row[4], 0) + 1
    item_count = len(item_rows)
    previous_total = sum(previous_counts.values())
    has_previous = previous_total > 0
    report.item_count = item_count
    report.untyped_items = counts.get(None, 0)
    report.previous_item_count = previous_total
    report.previous_label = report.partnership.financial_year_label(year - 1) if has_previous else ""
    report.ladder = tuple(
        Rung(
            name=name,
            rank=rank,
            promise=promise,
            count=counts.get(pk, 0),
            share=percent(counts.get(pk, 0), item_count),
            previous_count=previous_counts.get(pk, 0) if has_previous else None,
            previous_share=percent(previous_counts.get(pk, 0), previous_total) if has_previous else None,
        )
        for pk, name, rank, promise in types
    )
    involving = next((rung for rung in report.ladder if rung.name.lower() == INVOLVING_NAME.lower()), None)
    involving_rank = involving.rank if involving else INVOLVING_RANK
    if involving:
        report.involving_name = involving.name
    report.involving_or_above = sum(rung.count for rung in report.ladder if rung.rank >= involving_rank)
    report.ladder_sentence = ladder_sentence(report.ladder, item_count, involving_rank)


def _feedback_loop(partnership, meetings, data, today):
    """Items that needed feedback, how many heard back and how fast, and which are still waiting."""
    waiting_statuses = {AgendaItem.FeedbackStatus.NEED_FEEDBACK, AgendaItem.FeedbackStatus.AWAITING_RESPONSE}
    meeting_by_id = {pk: row for (pk, *_), row in zip(data.held, meetings, strict=True)}
    heard_back = data.heard_back
    target = partnership.feedback_target_days
    needed = responded = 0
    days, waiting = [], []
    for pk, meeting_id, _, title, _, _, status, requested_on in data.item_rows:
        if status == AgendaItem.FeedbackStatus.NONE:
            continue
        needed += 1
        meeting = meeting_by_id[meeting_id]
        since = requested_on or meeting.date
        if status == AgendaItem.FeedbackStatus.RESPONDED:
            responded += 1
            if heard_back.get(pk):
                days.append(max((heard_back[pk] - since).days, 0))
        elif status in waiting_statuses:
            waited = max((today - since).days, 0)
            waiting.append(WaitingItem(meeting.date, meeting.title, title, waited, waited > target))
    return FeedbackLoop(
        needed=needed,
        responded=responded,
        waiting=len(waiting),
        overdue=sum(1 for item in waiting if item.overdue),
        median_days=statistics.median(days) if days else None,
        target_days=target,
        waiting_items=tuple(waiting),
    )
