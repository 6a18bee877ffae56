"""How long people have waited to hear back on what they said."""

import datetime


def waited(since: datetime.date | None, today: datetime.date, target_days: int) -> tuple[int, bool]:
    """Whole days people have waited to hear back since ``since`` (never negative), and whether that is overdue.

    People start waiting on the item's "feedback requested on" date, or else on
    the day of its meeting; past the partnership's ``feedback_target_days`` the
    wait is overdue. The year review and "you said, we did" both count this way.
    """
    days = max((today - since).days, 0) if since else 0
    return days, days > target_days
