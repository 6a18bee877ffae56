"""The action plan as CSV and XLSX: one row per action, formulas neutralised, a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from engagement.models import Organisation
from priorities.exports import HEADERS
from priorities.models import Action
from priorities.services import add_action_note
from toolkit.exports import neutralise

from .conftest import days, make_action, make_priority


@pytest.fixture
def plan(priority, partnership):
    organisation = Organisation.objects.create(name="Lancashire County Council")
    late = make_action(
        priority,
        description="Identify community needs",
        owner_organisation=organisation,
        due_date=days(-5),
        status=Action.Status.IN_PROGRESS,
    )
    add_action_note(late, "Mapping grassroots groups.")
    make_action(priority, description="Work towards an integrated system.", horizon=Action.Horizon.FUTURE)
    make_action(priority, description='=HYPERLINK("http://evil.example")', order=5)
    second = make_priority(partnership, number=2, title="Shift the current working culture")
    make_action(second, description="Develop a common language", status=Action.Status.DONE, due_date=days(-50))
    make_priority(partnership, number=3, title="Archived", is_archived=True)
    return partnership


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_one_row_per_action_in_plan_order(client, plan):
    response = client.get(reverse("action_plan_csv", args=[plan.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="lewisham-action-plan-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    assert [row[3] for row in rows[1:]] == [
        "Identify community needs",
        '\'=HYPERLINK("http://evil.example")',
        "Work towards an integrated system.",
        "Develop a common language",
    ]
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first == {
        "Priority": "1",
        "Priority title": "VCFS as a primary partner",
        "Horizon": "Immediate action",
        "Action": "Identify community needs",
        "Owner": "Lancashire County Council",
        "Due date": days(-5).isoformat(),
        "Status": "In progress",
        "Latest note": "Mapping grassroots groups.",
        "Latest note date": days(0).isoformat(),
        "Overdue": "Yes",
    }
    done = dict(zip(HEADERS, rows[4], strict=True))
    assert (done["Status"], done["Overdue"]) == ("Done", "No")


def test_archived_priorities_are_left_out_of_the_plan(client, plan):
    rows = csv_rows(client.get(reverse("action_plan_csv", args=[plan.slug])))
    assert all(row[1] != "Archived" for row in rows)


def test_xlsx_has_the_same_rows_with_real_dates(client, plan):
    response = client.get(reverse("action_plan_xlsx", args=[plan.slug]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 5
    assert rows[1][3] == "Identify community needs"
    assert isinstance(rows[1][5], datetime.datetime) and rows[1][5].date() == days(-5)
    assert rows[1][9] == "Yes"
    # The formula arrives as text, never as a formula cell.
    cell = sheet.cell(row=3, column=4)
    assert cell.data_type == "s" and cell.value.startswith("'=")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_start_like_formulas_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Choose a theme", "", 3, None, "Communicate successes!"])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


def test_empty_plan_is_just_the_header(client, partnership):
    assert csv_rows(client.get(reverse("action_plan_csv", args=[partnership.slug]))) == [HEADERS]


@pytest.mark.parametrize("extra", [0, 20])
@pytest.mark.parametrize("name", ["action_plan_csv", "action_plan_xlsx"])
def test_export_query_count_is_flat(client, plan, django_assert_max_num_queries, extra, name):
    priority = plan.priorities.get(number=1)
    for _ in range(extra):
        add_action_note(make_action(priority), "A note")
    with django_assert_max_num_queries(4):
        response = client.get(reverse(name, args=[plan.slug]))
    assert response.status_code == 200
