"""The year review as an Excel workbook (openpyxl): Summary, Meetings, Agenda items and Themes.

Dates are real dates, counts are numbers and shares are fractions shown as
percentages, so people can sort, filter and sum. Every table's header row is
frozen and every column has a width. Text typed by people (titles, outcomes,
narrative) is neutralised so no cell runs as a formula. A draft says so on
the Summary sheet, in every sheet's printed page header and in the file name.
"""

import io

from django.http import HttpResponse
from django.utils import timezone

from ..wording import DEFINITIONS
from . import finish, neutralise

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
SHARE_FORMAT = "0%"

MEETING_HEADERS = [
    ("Date", 12),
    ("Meeting", 40),
    ("Format", 18),
    ("Attendees (not counting staff)", 14),
    ("Online attendees", 11),
    ("Agenda items", 10),
    ("Types of engagement", 22),
    ("Outcomes", 60),
]
ITEM_HEADERS = [
    ("Meeting date", 12),
    ("Meeting", 34),
    ("Item number", 8),
    ("Agenda item", 50),
    ("Type of engagement", 18),
    ("Rung (1 = Informing)", 10),
    ("Outcome", 50),
    ("Feedback status", 20),
    ("Views received", 10),
    ("Themes", 50),
]
THEME_HEADERS = [("Theme", 70), ("Agenda items", 12), ("Views", 10)]


def _styles():
    from openpyxl.styles import Alignment, Font, PatternFill

    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "draft": Font(bold=True, size=12, color="A4000F"),
        "header_fill": PatternFill("solid", fgColor="DDE7F3"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "top": Alignment(vertical="top"),
    }


def _table(sheet, headers, rows, styles, formats=None):
    """A sheet holding one table: a bold header row, frozen, with widths and a filter."""
    from openpyxl.utils import get_column_letter

    sheet.append([title for title, _ in headers])
    for cell in sheet[1]:
        cell.font = styles["bold"]
        cell.fill = styles["header_fill"]
        cell.alignment = styles["wrap"]
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = styles["wrap"] if isinstance(cell.value, str) else styles["top"]
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _summary(sheet, report, styles):
    """Key figures, the ladder, closing the loop, the narrative and how things are counted."""
    headline, loop = report.headline, report.loop

    def add(*values, style=None, formats=()):
        sheet.append([neutralise(value) for value in values])
        row = sheet.max_row
        if style:
            sheet.cell(row=row, column=1).font = styles[style]
        for column, number_format in formats:
            sheet.cell(row=row, column=column).number_format = number_format
        return row

    add(report.title, style="title")
    add("Period", report.period)
    add("Status", "DRAFT – not final" if report.is_draft else report.status_label)
    if report.is_draft:
        sheet.cell(row=3, column=2).font = styles["draft"]
    add("Produced", timezone.localtime(report.generated_at).date(), formats=[(2, DATE_FORMAT)])
    add()
    add("Headline figures", style="bold")
    if report.is_empty:
        add(f"No meetings were held in {report.label}.")
    add("Meetings held", headline.meetings_held)
    add("Meetings cancelled", headline.meetings_cancelled)
    add("Attendances (not counting staff)", headline.attendances)
    add("Distinct people", headline.distinct_people)
    add("People new this year", headline.new_people)
    add("People who came back (two or more meetings this year)", headline.came_back)
    add("Distinct organisations", headline.organisations)
    for label, count in headline.organisations_by_kind:
        add(f"  {label}", count)
    add("Average attendance per meeting", round(headline.average_attendance, 1), formats=[(2, "0.0")])
    if headline.trend_per_meeting is not None:
        add("Trend (change in attendees per meeting)", headline.trend_per_meeting, formats=[(2, "+0.0;-0.0;0.0")])
    add("Trend", headline.trend_sentence)
    add(
        "Share of attendances online",
        headline.online_attendances / headline.attendances if headline.attendances else 0,
        formats=[(2, SHARE_FORMAT)],
    )
    add()
    add("Depth of engagement", style="bold")
    header = ["Type of engagement", "Agenda items", "Share"]
    if report.has_previous:
        header += [f"Agenda items {report.previous_label}", f"Share {report.previous_label}"]
    row = add(*header)
    for cell in sheet[row]:
        cell.font = styles["bold"]
    total = report.item_count or 1
    previous_total = report.previous_item_count or 1
    for rung in report.ladder:
        values = [rung.name, rung.count, rung.count / total]
        formats = [(3, SHARE_FORMAT)]
        if report.has_previous:
            values += [rung.previous_count, rung.previous_count / previous_total]
            formats.append((5, SHARE_FORMAT))
        add(*values, formats=formats)
    if report.untyped_items:
        add("Type not recorded", report.untyped_items, report.untyped_items / total, formats=[(3, SHARE_FORMAT)])
    add("All agenda items", report.item_count)
    add(
        f"{report.involving_name} or above",
        report.involving_or_above,
        report.involving_or_above / total,
        formats=[(3, SHARE_FORMAT)],
    )
    add(report.ladder_sentence)
    add()
    add("Closing the loop", style="bold")
    add("Agenda items that needed feedback", loop.needed)
    add("Responded", loop.responded)
    add("Still waiting", loop.waiting)
    add(f"Waiting longer than the {loop.target_days}-day target", loop.overdue)
    add("Median days to respond", loop.median_days if loop.median_days is not None else "No responses yet")
    for section in report.narrative:
        add()
        add(section.heading, style="bold")
        if not section.blocks:
            add("Not written yet.")
        for block in section.blocks:
            for line in block.items or [block.text]:
                add(f"• {line}" if block.is_list else line)
    add()
    add("How the figures are counted", style="bold")
    for term, meaning in DEFINITIONS:
        add(f"{term}: {meaning}")
    widths = {"A": 70, "B": 16, "C": 10, "D": 18, "E": 14}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row_cells in sheet.iter_rows(min_row=2):
        row_cells[0].alignment = styles["wrap"]
    sheet.freeze_panes = "A2"


def workbook_bytes(report):
    """The workbook as bytes."""
    from openpyxl import Workbook

    styles = _styles()
    workbook = Workbook()
    workbook.properties.title = report.title + (" (draft)" if report.is_draft else "")
    workbook.properties.creator = "Partnership Portal"
    summary = workbook.active
    summary.title = "Summary"
    _summary(summary, report, styles)

    meetings = workbook.create_sheet("Meetings")
    _table(
        meetings,
        MEETING_HEADERS,
        [
            [
                row.date,
                row.title,
                row.format,
                row.attendees,
                row.online,
                len(row.items),
                "\n".join(name or "Not recorded" for name in row.engagement_types),
                "\n".join(row.outcomes),
            ]
            for row in report.meetings
        ],
        styles,
        formats={1: DATE_FORMAT},
    )
    items = workbook.create_sheet("Agenda items")
    _table(
        items,
        ITEM_HEADERS,
        [
            [
                row.date,
                row.title,
                item.order,
                item.title,
                item.engagement_type,
                item.rank,
                item.outcome,
                item.feedback_status,
                item.views,
                "; ".join(item.themes),
            ]
            for row in report.meetings
            for item in row.items
        ],
        styles,
        formats={1: DATE_FORMAT},
    )
    themes = workbook.create_sheet("Themes")
    _table(themes, THEME_HEADERS, [[row.name, row.items, row.views] for row in report.themes], styles)

    for sheet in workbook.worksheets:
        # "&" starts a header code in Excel: "&&" prints one.
        sheet.oddHeader.left.text = report.title.replace("&", "&&")
        sheet.oddHeader.right.text = "DRAFT – not final" if report.is_draft else report.status_label
        sheet.oddFooter.right.text = "Page &P of &N"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if sheet is not summary:
            sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(request, report):
    return finish(HttpResponse(workbook_bytes(report), content_type=CONTENT_TYPE), report, "xlsx")
