"""What the year review shows: plain values, computed once by ``building.py``, formatted by the renderers.

Nothing here reads the database; every property is arithmetic or wording
over values already counted.
"""

import datetime
from dataclasses import dataclass, field

from engagement.models import Partnership
from toolkit.downloads import download_name

from ..models import AgendaItem, YearReview

# "Involving or above" is measured from this rung. The chair may rename rungs,
# so the rank (the NHS ladder's and IAP2's third step) is the fallback.
INVOLVING_NAME, INVOLVING_RANK = "Involving", 3


def percent(part: int, whole: int) -> int:
    """``part`` as a whole-number percentage of ``whole``, rounded half up (0 when ``whole`` is 0)."""
    if not whole:
        return 0
    return (200 * part + whole) // (2 * whole)


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
    agenda_setters: object = None  # agenda_setters.AgendaSetters: who set the agenda (issue 14)

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
        draft = "draft" if self.is_draft else ""
        return download_name(self.partnership.slug, "year-review", self.label, draft, extension=extension)
