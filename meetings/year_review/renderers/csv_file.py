"""The year review's appendix as CSV: one row per agenda item, the meeting's columns repeated.

A held meeting without business items still gets one row, so no meeting
and none of its attendees go missing. UTF-8 with a byte-order mark so that
Excel reads dashes and names correctly; streamed in chunks, so the response
never holds the whole file in memory.
"""

import csv

from django.http import StreamingHttpResponse

from . import finish, neutralise

HEADERS = [
    "Meeting date",
    "Meeting",
    "Format",
    "Attendees (not counting staff)",
    "Online attendees",
    "Item number",
    "Agenda item",
    "Type of engagement",
    "Outcome",
    "Feedback status",
    "Views received",
    "Themes",
    "Review status",
]

# Rows written per chunk: few enough to keep memory flat, enough to avoid a write per row.
ROWS_PER_CHUNK = 200


class _Line:
    """A file-like object whose ``write`` hands the line back, for ``csv.writer``."""

    def write(self, value):
        return value


def rows(report):
    """The CSV's rows, header first, as Python values (not yet neutralised)."""
    yield HEADERS
    status = "Draft" if report.is_draft else "Final"
    for meeting in report.meetings:
        columns = [meeting.date.isoformat(), meeting.title, meeting.format, meeting.attendees, meeting.online]
        if not meeting.items:
            yield [*columns, "", "", "", "", "", "", "", status]
        for item in meeting.items:
            yield [
                *columns,
                item.order,
                item.title,
                item.engagement_type,
                item.outcome,
                item.feedback_status,
                item.views,
                "; ".join(item.themes),
                status,
            ]


def chunks(report):
    """The encoded file, a byte-order mark first, then ``ROWS_PER_CHUNK`` lines at a time."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    lines = []
    for row in rows(report):
        lines.append(writer.writerow([neutralise(value) for value in row]))
        if len(lines) >= ROWS_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def render(request, report):
    response = StreamingHttpResponse(chunks(report), content_type="text/csv; charset=utf-8")
    return finish(response, report, "csv")
