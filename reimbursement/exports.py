"""Files for finance: the payment run as CSV and the year summary as XLSX.

Text people typed (names, meeting titles) is neutralised so that no cell runs
as a formula; amounts stay numbers with two places and dates stay dates.
"""

import csv
import io

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from meetings.year_review.renderers import neutralise

from .models import Claim, person_name
from .reports import PAYMENT_RUN_HEADERS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "DD/MM/YYYY"


def _private_file(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Personal and financial data: never kept by browsers or proxies.
    patch_cache_control(response, private=True, no_store=True)
    return response


def payment_run_csv(rows, filename):
    """The payment run for the finance system: a header row, then one row per claim."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PAYMENT_RUN_HEADERS)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _private_file(response, filename)


def _csv_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(value)


def _sheet(workbook, title, headers, rows, money_columns=(), date_columns=(), preamble=()):
    """A sheet holding one table (after any title lines): bold header, frozen, widths, number formats."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for index, line in enumerate(preamble):
        sheet.append([neutralise(line)])
        if index == 0:
            sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    if preamble:
        sheet.append([])
    header_row = sheet.max_row + 1 if preamble else 1
    sheet.append([name for name, _ in headers])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = MONEY_FORMAT
    for column in date_columns:
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = DATE_FORMAT
    sheet.freeze_panes = f"A{header_row + 1}"
    return sheet


def year_summary_xlsx(summary):
    """Three sheets: By status, By meeting and Claims (submitted or later)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "By status",
        [("Status", 16), ("Claims", 10), ("Time payments", 16), ("Expenses", 14), ("Total", 14)],
        [[row.label, row.count, row.time_payment, row.expenses, row.total] for row in summary.by_status],
        money_columns=(3, 4, 5),
        preamble=[
            summary.title,
            f"Meetings from {summary.start:%-d %B %Y} to {summary.end:%-d %B %Y}.",
            "Drafts (not yet submitted) are counted on this sheet only.",
        ],
    )

    statuses = list(Claim.Status)
    _sheet(
        workbook,
        "By meeting",
        [("Meeting date", 12), ("Meeting", 44), ("Claims", 8)]
        + [(status.label, 11) for status in statuses]
        + [("Claimed (£)", 12), ("Approved or paid (£)", 14), ("Paid (£)", 12)],
        [
            [row.meeting.local_date, row.meeting.title, row.claims]
            + [row.counts[status] for status in statuses]
            + [row.claimed, row.approved, row.paid]
            for row in summary.by_meeting
        ],
        money_columns=range(4 + len(statuses), 7 + len(statuses)),
        date_columns=(1,),
    )
    _sheet(
        workbook,
        "Claims",
        [
            ("Claim id", 9),
            ("Meeting date", 12),
            ("Meeting", 40),
            ("Claimant", 24),
            ("Status", 12),
            ("Time payment", 13),
            ("Expenses", 12),
            ("Total", 12),
            ("Decided by", 18),
            ("Payment reference", 18),
            ("Paid on", 12),
        ],
        [
            [
                claim.pk,
                claim.attendance.meeting.local_date,
                claim.attendance.meeting.title,
                claim.claimant.name,
                claim.get_status_display(),
                claim.time_payment,
                claim.expenses_total,
                claim.total,
                person_name(claim.decided_by),
                claim.payment_reference,
                claim.paid_on,
            ]
            for claim in summary.claims
        ],
        money_columns=(6, 7, 8),
        date_columns=(2, 11),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    return _private_file(response, summary.filename("xlsx"))
