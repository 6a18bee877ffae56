"""The year review as an Excel workbook (openpyxl): Summary, Meetings, Agenda items and Themes.

Dates are real dates, counts are numbers and shares are fractions shown as
percentages, so people can sort, filter and sum. Every table's header row is
frozen and every column has a width (``toolkit.exports`` writes the three
tables; the Summary sheet is laid out here). Text typed by people (titles, outcomes,
narrative) is neutralised so no cell runs as a formula. A draft says so on
the Summary sheet, in every sheet's printed page header and in the file name.
"""

from django.http import HttpResponse
from django.utils import timezone

from toolkit.exports import (
    DATE_FORMAT,
    SHARE_FORMAT,
    XLSX_CONTENT_TYPE,
    Column,
    Table,
    add_sheet,
    neutralise,
    new_workbook,
)
from toolkit.exports import workbook_bytes as toolkit_workbook_bytes

from ..wording import DEFINITIONS
from . import finish

MEETING_COLUMNS = [
    Column("Date", 12, DATE_FORMAT),
    Column("Meeting", 40),
    Column("Format", 18),
    Column("Attendees (not counting staff)", 14),
    Column("Online attendees", 11),
    Column("Agenda items", 10),
    Column("Types of engagement", 22),
    Column("Outcomes", 60),
]
ITEM_COLUMNS = [
    Column("Meeting date", 12, DATE_FORMAT),
    Column("Meeting", 34),
    Column("Item number", 8),
    Column("Agenda item", 50),
    Column("Type of engagement", 18),
    Column("Rung (1 = Informing)", 10),
    Column("Outcome", 50),
    Column("Feedback status", 20),
    Column("Views received", 10),
    Column("Themes", 50),
]
THEME_COLUMNS = [Column("Theme", 70), Column("Agenda items", 12), Column("Views", 10)]


def _styles():
    from openpyxl.styles import Alignment, Font

    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "draft": Font(bold=True, size=12, color="A4000F"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
    }


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
    setters = report.agenda_setters
    if setters is not None and setters.has_figures:  # who set the agenda (issue 14)
        add()
        add("Who set the agenda", style="bold")
        add("Agenda items proposed by the community (from a topic)", setters.community_items)
        add("Agenda items set by the system", setters.system_items)
        row = add("Type of engagement", "Community", "System")
        for cell in sheet[row]:
            cell.font = styles["bold"]
        for rung in setters.rungs:
            add(f"  {rung.name}", rung.community, rung.system)
        add("Topics proposed", setters.topics_proposed)
        add("  Scheduled", setters.topics_scheduled)
        add("  Answered elsewhere", setters.topics_answered)
        add("  Declined", setters.topics_declined)
        add("  Merged", setters.topics_merged)
        add("  Waiting", setters.topics_waiting)
        add("Forward plan decisions made", setters.decisions_made)
        add("  Involved before they were made", setters.decisions_involved_early)
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
    styles = _styles()
    workbook = new_workbook(report.title + (" (draft)" if report.is_draft else ""))
    summary = workbook.create_sheet("Summary")
    _summary(summary, report, styles)
    meetings = [
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
    ]
    items = [
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
    ]
    themes = [[row.name, row.items, row.views] for row in report.themes]
    add_sheet(workbook, Table("Meetings", MEETING_COLUMNS, meetings))
    add_sheet(workbook, Table("Agenda items", ITEM_COLUMNS, items))
    add_sheet(workbook, Table("Themes", THEME_COLUMNS, themes))

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
    return toolkit_workbook_bytes(workbook)


def render(request, report):
    return finish(HttpResponse(workbook_bytes(report), content_type=XLSX_CONTENT_TYPE), report, "xlsx")
