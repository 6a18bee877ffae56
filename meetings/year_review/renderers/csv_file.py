"""The year review's appendix as CSV: one row per agenda item, the meeting's columns repeated.

A held meeting without business items still gets one row, so no meeting
and none of its attendees go missing. ``toolkit.exports`` writes it: UTF-8
with a byte-order mark so that Excel reads dashes and names correctly,
streamed in chunks so the response never holds the whole file in memory.
"""

from django.http import StreamingHttpResponse

from toolkit.exports import CSV_CONTENT_TYPE, Column, Table, csv_chunks

from . import finish

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


def rows(report):
    """The CSV's rows, as Python values (``toolkit.exports`` neutralises text)."""
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


def table(report):
    return Table("Year review", [Column(header) for header in HEADERS], rows(report))


def chunks(report):
    """The encoded file, a byte-order mark first, then a few hundred lines at a time."""
    return csv_chunks(table(report))


def render(request, report):
    response = StreamingHttpResponse(chunks(report), content_type=CSV_CONTENT_TYPE)
    return finish(response, report, "csv")
