"""The year review: one partnership's financial year in figures, computed once.

``build_year_review(partnership, year)`` reads the database in a fixed number
of queries (fourteen, however many meetings, agenda items and attendances the
year holds) and returns a ``YearReviewReport`` of plain values. The
renderers (``renderers/``) format it as HTML, CSV, XLSX and PDF and never go
back to the database.

- ``reading.py``: the ten queries, as named rows;
- ``building.py``: counting those rows into the report;
- ``figures.py``: the report's parts (dataclasses of plain values);
- ``wording.py``: how each figure is counted (``DEFINITIONS``, printed in
  every format), the narrative's headings and the sentences built from figures;
- ``years.py``: which years may be asked for.

How the figures are counted:

- A meeting belongs to the financial year in which it starts, in UK time
  (Europe/London; ``Partnership.year_window``): with an April year, a meeting
  on 31 March 2024 is in 2023/24 and one on 1 April 2024 in 2024/25.
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

Who may see a review is ``YearReview.is_visible_to`` (on the model).
"""

from ..models import YearReview
from .building import build_year_review
from .figures import YearReviewReport, percent
from .wording import DEFINITIONS, text_blocks
from .years import FIRST_YEAR, LAST_YEAR, year_or_none

__all__ = [
    "DEFINITIONS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "YearReviewReport",
    "build_year_review",
    "can_see_year_review",
    "percent",
    "text_blocks",
    "year_or_none",
]


def can_see_year_review(user, review, partnership=None) -> bool:
    """``YearReview.is_visible_to`` for a review that may not exist yet (no review: a draft of ``partnership``).

    ``review`` may be a ``YearReview``, None, or the ``Partnership`` itself (a year with no review yet).
    """
    if review is not None and not isinstance(review, YearReview):
        review, partnership = None, review
    if review is None:
        review = YearReview(partnership=partnership) if partnership is not None else YearReview()
    return review.is_visible_to(user)
