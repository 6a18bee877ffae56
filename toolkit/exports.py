"""Tables written as CSV or XLSX: an export declares its columns and rows; this module writes the file.

Modelled on pretix's exporters (``pretix/base/exporter.py``): a ``Table`` is
a title, columns (header, width, number format) and rows of Python values.
Dates stay dates and numbers stay numbers in XLSX; in CSV dates are written
ISO 8601. Every text cell passes through ``neutralise``, the one guard
against spreadsheet formulas.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.http import HttpResponse, StreamingHttpResponse

from .downloads import attachment

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "£#,##0.00"
SHARE_FORMAT = "0%"

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (CSV injection); a tab or carriage return can hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# CSV rows written per chunk when streaming: few enough to keep memory flat, enough to avoid a write per row.
ROWS_PER_CHUNK = 200

HEADER_FILL = "DDE7F3"


def neutralise(value):
    """Text a spreadsheet will show and never evaluate: a leading apostrophe where it would be a formula.

    Numbers, dates and None pass unchanged, so they stay numbers, dates and
    empty cells (a negative number is a number, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in XLSX (characters) and its XLSX number format, if any."""

    header: str
    width: float = 12
    number_format: str = ""


@dataclass
class Table:
    """A table to export: a sheet title, columns, rows, and lines of text above it (XLSX only)."""

    title: str
    columns: list[Column]
    rows: Iterable[list]
    preamble: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


# --- CSV --------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose ``write`` hands the line back, for ``csv.writer``."""

    def write(self, value):
        return value


def csv_cell(value):
    """A value as CSV writes it: dates ISO 8601, text neutralised, None empty."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


def csv_chunks(table: Table, *, bom: bool = True) -> Iterator[str]:
    """The file in pieces: a byte-order mark (so Excel reads UTF-8), then ``ROWS_PER_CHUNK`` lines at a time."""
    writer = csv.writer(_Line())
    if bom:
        yield "\ufeff"
    lines = [writer.writerow(table.headers)]
    for row in table.rows:
        lines.append(writer.writerow([csv_cell(value) for value in row]))
        if len(lines) >= ROWS_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(
    table: Table, filename: str, *, bom: bool = True, personal: bool = False, streaming: bool = False
) -> HttpResponse:
    """The table as a CSV download. ``streaming`` for files that may be long: never held whole in memory."""
    if streaming:
        response = StreamingHttpResponse(csv_chunks(table, bom=bom), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse("".join(csv_chunks(table, bom=bom)), content_type=CSV_CONTENT_TYPE)
    return attachment(response, filename, personal=personal)


# --- XLSX -------------------------------------------------------------------------------------


def new_workbook(title: str = ""):
    """An empty workbook (no sheets yet), its properties set."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.creator = "Partnership Portal"
    return workbook


def add_sheet(workbook, table: Table):
    """A sheet holding ``table`` after its preamble: bold, shaded header row, frozen, with widths and a filter.

    Text cells wrap; other cells sit at the top of their row.
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(table.title)
    for index, line in enumerate(table.preamble):
        sheet.append([neutralise(line)])
        if index == 0:
            sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    if table.preamble:
        sheet.append([])
    header_row = sheet.max_row + 1 if table.preamble else 1
    sheet.append(table.headers)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    formats = {index: column.number_format for index, column in enumerate(table.columns) if column.number_format}
    rows = 0
    for row in table.rows:
        sheet.append([neutralise(value) for value in row])
        rows += 1
        for index, cell in enumerate(sheet[sheet.max_row]):
            cell.alignment = wrap if isinstance(cell.value, str) else top
            if index in formats:
                cell.number_format = formats[index]
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{header_row + 1}"
    if rows:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{sheet.max_row}"
    return sheet


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(tables: Iterable[Table], *, title: str = "") -> bytes:
    """A workbook with one sheet per table."""
    workbook = new_workbook(title)
    for table in tables:
        add_sheet(workbook, table)
    return workbook_bytes(workbook)


def xlsx_response(content: bytes, filename: str, *, personal: bool = False) -> HttpResponse:
    """A workbook (``xlsx_bytes``) as a download."""
    return attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename, personal=personal)
