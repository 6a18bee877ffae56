"""A partnership's action plan as a table: its columns, its rows and its file name.

``ActionPlan`` reads the database once; ``toolkit.exports`` writes the CSV
and XLSX (and neutralises text that a spreadsheet would run as a formula).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from toolkit.downloads import download_name
from toolkit.exports import DATE_FORMAT, Column, Table

from .models import Action, Priority

COLUMNS = [
    Column("Priority", 9),
    Column("Priority title", 40),
    Column("Horizon", 16),
    Column("Action", 60),
    Column("Owner", 30),
    Column("Due date", 12, DATE_FORMAT),
    Column("Status", 12),
    Column("Latest note", 60),
    Column("Latest note date", 16, DATE_FORMAT),
    Column("Overdue", 9),
]
HEADERS = [column.header for column in COLUMNS]


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

    def filename(self, extension):
        return download_name(self.partnership.slug, "action-plan", self.today, extension=extension)

    def table(self):
        return Table("Action plan", COLUMNS, [row.cells() for row in self.rows])
