"""The finance year summary: claims and amounts by status and by meeting, as a page and as XLSX."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest import approx

from reimbursement.models import Claim
from tests.factories import aware, make_meeting, page_text

from .conftest import bus, make_claim, make_policy, xlsx_sheets

D = Decimal


@pytest.fixture
def year(partnership, member, other_member, finance, monkeypatch):
    """Claims in 2023/24 (April to March) and one just outside it, made as if on the meeting's next day."""
    from reimbursement import services

    make_policy(partnership, effective_from=datetime.date(2023, 4, 1))
    may = make_meeting(partnership, start=aware(2023, 5, 11), title="May meeting", status="held")
    march = make_meeting(partnership, start=aware(2024, 3, 20), title="March meeting", status="held")
    april = make_meeting(partnership, start=aware(2024, 4, 2), title="Next year's meeting", status="held")
    make_meeting(partnership, start=aware(2023, 9, 1), title="Nobody claimed", status="held")

    def made_on(meeting, user, status, **kwargs):
        # Claims made the day after the meeting, so the 30-day deadline is met.
        monkeypatch.setattr(services.timezone, "now", lambda: meeting.start + datetime.timedelta(days=1))
        try:
            return make_claim(user, meeting, status, by=finance, **kwargs)
        finally:
            monkeypatch.undo()

    return {
        "paid": made_on(may, member, Claim.Status.PAID),  # 2 h at £25 = £50 + £4.80
        "rejected": made_on(may, other_member, Claim.Status.REJECTED, lines=[bus("10.00")]),
        "approved": made_on(march, member, Claim.Status.APPROVED, declined=True),
        "draft": made_on(march, other_member, Claim.Status.DRAFT),
        "next_year": made_on(april, member, Claim.Status.SUBMITTED),
    }


def test_year_summary_xlsx_has_claims_and_amounts_by_status_and_by_meeting(client, finance, year):
    client.force_login(finance)
    response = client.get(reverse("claim_year_summary_xlsx", args=["lewisham", 2023]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="claims-lewisham-2023-24.xlsx"'
    sheets = xlsx_sheets(response.content)
    assert list(sheets) == ["By status", "By meeting", "Claims"]

    by_status = sheets["By status"]
    assert by_status[0][0] == "Claims for Lewisham People's Partnership, 2023/24"
    assert by_status[2][0].startswith("Every claim for this year's meetings, by where it stands now.")
    header = by_status.index(["Status", "Claims", "Time payments", "Expenses", "Total"])
    rows = {row[0]: row[1:] for row in by_status[header + 1 :]}
    # Amounts are numbers in the workbook (shown as £), so they compare as floats here.
    assert rows["Paid"] == approx([1, 50.00, 4.80, 54.80])
    assert rows["Sent back (not in the total)"] == approx([1, 50.00, 10.00, 60.00])
    assert rows["Approved"] == approx([1, 0.00, 4.80, 4.80])
    assert rows["Draft (not in the total)"] == approx([1, 50.00, 4.80, 54.80])
    assert rows["Submitted"] == approx([0, 0, 0, 0])  # April 2024 is next year
    assert rows["Claimed (submitted, approved or paid)"] == approx([2, 50.00, 9.60, 59.60])

    by_meeting = sheets["By meeting"]
    assert by_meeting[1][0].startswith("The same claims, by meeting.")
    header = by_meeting.index(
        [
            "Meeting date", "Meeting", "Claims", "Draft", "Submitted", "Approved", "Sent back", "Paid",
            "Claimed (£)", "Approved or paid (£)", "Paid (£)", "Sent back (£)",
        ]
    )  # fmt: skip
    meetings = by_meeting[header + 1 :]
    titles = [row[1] for row in meetings]
    assert titles == ["May meeting", "Nobody claimed", "March meeting", "All meetings"]
    may = meetings[0]
    assert may[0] == datetime.datetime(2023, 5, 11)
    assert may[2:8] == [2, 0, 0, 0, 1, 1]
    assert may[8:] == approx([54.80, 54.80, 54.80, 60.00])  # the claim sent back is not claimed money
    march = meetings[2]
    assert march[2:8] == [2, 1, 0, 1, 0, 0] and march[8:] == approx([4.80, 4.80, 0, 0])
    totals = meetings[3]
    assert totals[2:8] == [4, 1, 0, 1, 1, 1] and totals[8:] == approx([59.60, 59.60, 54.80, 60.00])

    claims = sheets["Claims"]
    assert [row[0] for row in claims[1:]] == [year["paid"].pk, year["rejected"].pk, year["approved"].pk]
    paid = claims[1]
    assert paid[3:5] == ["Mina Member", "Paid"] and paid[9] == "RUN-1"


def test_year_summary_money_cells_are_numbers_in_pounds(client, finance, year):
    import io

    from openpyxl import load_workbook

    client.force_login(finance)
    response = client.get(reverse("claim_year_summary_xlsx", args=["lewisham", 2023]))
    sheet = load_workbook(io.BytesIO(response.content))["Claims"]
    assert sheet["H2"].number_format == "£#,##0.00" and isinstance(sheet["H2"].value, int | float)


def test_year_summary_page_shows_the_same_figures(client, chair, year):
    client.force_login(chair)
    response = client.get(reverse("claim_year_summary"), {"partnership": "lewisham", "year": 2023})
    summary = response.context["summary"]
    assert summary.total_claims == 4 and summary.total_amount == D("59.60")
    text = page_text(response)
    assert "Claims for Lewisham People's Partnership, 2023/24" in text and "May meeting" in text
    # Each table says what it counts.
    assert "The total counts claims submitted, approved or paid" in text
    assert "“Claimed” is submitted, approved or paid, as in the total by status" in text


def test_year_summary_with_bad_input_says_so(client, finance, year):
    client.force_login(finance)
    response = client.get(reverse("claim_year_summary"), {"partnership": "nowhere", "year": "abc"})
    assert response.status_code == 200 and response.context["summary"] is None
    assert set(response.context["form"].errors) == {"partnership", "year"}
    assert client.get(reverse("claim_year_summary_xlsx", args=["nowhere", 2023])).status_code == 404
    assert client.get(reverse("claim_year_summary_xlsx", args=["lewisham", 1066])).status_code == 404


def test_year_summary_opens_on_the_latest_claims_year(client, finance, year):
    client.force_login(finance)
    summary = client.get(reverse("claim_year_summary")).context["summary"]
    assert (summary.partnership.slug, summary.year) == ("lewisham", 2024)


def test_a_meeting_outside_the_year_is_not_counted(member, partnership, year):
    from reimbursement.reports import year_summary

    summary = year_summary(partnership, 2024)
    assert [row.count for row in summary.by_status if row.status == "submitted"] == [1]
    assert [claim.pk for claim in summary.claims] == [year["next_year"].pk]


def test_the_two_tables_agree_with_each_other(year, partnership):
    """A claim sent back (£60 here) is counted the same way by status and by meeting: as sent back, not claimed."""
    from reimbursement.reports import year_summary

    summary = year_summary(partnership, 2023)
    by_status = {row.status: row for row in summary.by_status}
    totals = summary.meeting_totals
    for status in Claim.Status.values:
        assert totals.counts[status] == by_status[status].count
    assert totals.claimed == summary.claimed.total == D("59.60")
    assert totals.approved == by_status["approved"].total + by_status["paid"].total
    assert totals.paid == by_status["paid"].total
    assert totals.sent_back == by_status["rejected"].total == D("60.00")
    assert sum((row.claimed for row in summary.by_meeting), D(0)) == summary.claimed.total


def test_the_page_shows_both_totals_rows(client, finance, year):
    client.force_login(finance)
    text = page_text(client.get(reverse("claim_year_summary"), {"partnership": "lewisham", "year": 2023}))
    assert "Claimed (submitted, approved or paid)" in text and "All meetings" in text
    assert "Number of claims" in text and "Amounts" in text and "£60.00" in text
