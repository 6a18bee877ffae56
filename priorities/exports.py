"""A partnership's action plan as a table, and its CSV and XLSX renderings.

``ActionPlan`` reads the database once; the renderers only format its rows.
Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from .models import Action, Priority

HEADERS = [
    "Priority",
    "Priority title",
    "Horizon",
    "Action",
    "Owner",
    "Due date",
    "Status",
    "Latest note",
    "Latest note date",
    "Overdue",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet will show, never evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class ActionPlanRow:
    priority_number: int
    priority_title: str
    horizon: str
    action: str
    owner: str
    due_date: datetime.date | None
    status: str
    latest_note: str
    latest_note_on: datetime.date | None
    overdue: bool

    def cells(self):
        return [
            self.priority_number,
            self.priority_title,
            self.horizon,
            self.action,
            self.owner,
            self.due_date,
            self.status,
            self.latest_note,
            self.latest_note_on,
            "Yes" if self.overdue else "No",
        ]


class ActionPlan:
    """One row per action of a partnership's current (not archived) priorities."""

    def __init__(self, partnership, today=None):
        self.partnership = partnership
        self.today = today or timezone.localdate()
        self.rows = self._rows()

    def _rows(self):
        priorities = (
            Priority.objects.filter(partnership=self.partnership, is_archived=False)
            .order_by("order", "number")
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=Action.objects.with_latest_note()
                    .select_related("owner_organisation", "owner_participant__organisation")
                    .order_by("order", "pk"),
                    to_attr="action_list",
                )
            )
        )
        rows = []
        for priority in priorities:
            for horizon in (Action.Horizon.IMMEDIATE, Action.Horizon.FUTURE):
                for action in priority.action_list:
                    if action.horizon != horizon:
                        continue
                    rows.append(
                        ActionPlanRow(
                            priority_number=priority.number,
                            priority_title=priority.title,
                            horizon=action.get_horizon_display(),
                            action=action.description,
                            owner=action.owner_name,
                            due_date=action.due_date,
                            status=action.get_status_display(),
                            latest_note=action.latest_note or "",
                            latest_note_on=action.latest_note_on,
                            overdue=action.is_overdue(self.today),
                        )
                    )
        return rows

    @property
    def filename_stem(self):
        return f"{self.partnership.slug}-action-plan-{self.today:%Y-%m-%d}"


def to_csv(plan):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in plan.rows:
        writer.writerow(
            [neutralise(value.isoformat() if isinstance(value, datetime.date) else value) for value in row.cells()]
        )
    # A byte-order mark so that Excel reads the dashes and quotes as UTF-8.
    return "\ufeff" + buffer.getvalue()


def to_xlsx(plan):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in plan.rows:
        sheet.append([neutralise(value) for value in row.cells()])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [9, 40, 16, 60, 30, 12, 12, 60, 16, 9]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
