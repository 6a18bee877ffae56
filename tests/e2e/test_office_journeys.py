"""What staff and finance do in a browser: record who came, export the year review, approve and pay claims.

Finance works on member2's claims (Bernard Hughes), so nothing here depends on what the
member journeys do; each module has its own demo anyway (``demo_site``).
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from reimbursement.models import Claim

pytestmark = pytest.mark.e2e

FEBRUARY_2024 = datetime.date(2024, 2, 7)


def lewisham_meeting(day):
    return Meeting.objects.get(partnership__slug="lewisham", start__date=day)


def claim_of(username, day):
    """A demo claim by its natural key: whose it is and the date of the meeting."""
    return Claim.objects.get(
        claimant__user__username=username,
        attendance__meeting__partnership__slug="lewisham",
        attendance__meeting__start__date=day,
    )


def test_staff_record_that_someone_who_sent_apologies_came_after_all(browser_page, site):
    meeting = lewisham_meeting(FEBRUARY_2024)
    page = browser_page("staff")
    page.goto(site.url(f"/meetings/{meeting.pk}/"))
    page.get_by_role("region", name="Taking part").get_by_role("link", name="Record who came").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Who came to {meeting.title}")
    grace = page.get_by_role("row", name=re.compile("Grace Adebayo"))
    expect(grace).to_contain_text("Apologies")
    counted = int(re.search(r"Attended: (\d+) counted", page.locator(".registration-summary").inner_text())[1])
    grace.get_by_label("Grace Adebayo: In person").check()
    page.get_by_role("button", name="Save attendance").click()

    expect(page.get_by_role("status")).to_have_text(
        f"Attendance saved (1 change). {counted + 1} attendees counted, not including system staff."
    )
    grace = page.get_by_role("row", name=re.compile("Grace Adebayo"))
    expect(grace.get_by_label("Grace Adebayo: In person")).to_be_checked()
    expect(grace).to_contain_text("Attended")
    expect(page.locator(".registration-summary")).to_contain_text(f"Attended: {counted + 1} counted")


def test_staff_download_the_year_review_as_csv_excel_and_pdf(browser_page, site):
    page = browser_page("staff")
    page.goto(site.url("/"))
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_text("Office", exact=True).click()  # the office's pages are under one menu
    menu.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    lewisham = page.get_by_role("region", name="Lewisham People's Partnership")
    lewisham.get_by_role("link", name="Year review 2023/24").click()
    expect(page).to_have_url(site.url("/reports/year-review/lewisham/2023/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Year review 2023/24")

    downloads = page.get_by_role("navigation", name="This review in other forms")
    # The demo's 2023/24 review is a draft, and its files say so in their names.
    for link, extension, starts in [
        ("Download CSV (appendix table)", "csv", b"\xef\xbb\xbf"),  # a BOM, so Excel reads the £ and – right
        ("Download Excel workbook", "xlsx", b"PK"),
        ("Download PDF (A4, for printing)", "pdf", b"%PDF"),
    ]:
        with page.expect_download() as download_info:
            downloads.get_by_role("link", name=link).click()
        download = download_info.value
        assert download.suggested_filename == f"lewisham-year-review-2023-24-draft.{extension}"
        content = Path(download.path()).read_bytes()
        assert content.startswith(starts), f"{extension} starts {content[:8]!r}"
        if extension == "csv":
            assert "Lewisham People's Partnership" in content.decode("utf-8-sig")


def test_finance_approves_and_sends_back_claims_then_exports_and_pays_the_run(browser_page, site):
    april = claim_of("member2", datetime.date(2024, 4, 23))
    december = claim_of("member2", datetime.date(2023, 12, 6))
    july = claim_of("member2", datetime.date(2023, 7, 25))  # approved in the demo, not yet paid
    assert (april.status, december.status, july.status) == ("submitted", "submitted", "approved")
    page = browser_page("finance")
    page.goto(site.url("/"))
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_text("Office", exact=True).click()  # the office's pages are under one menu
    menu.get_by_role("link", name="Claims to approve").click()
    expect(page).to_have_url(site.url("/finance/claims/"))
    queue = page.get_by_role("table", name="Submitted claims, oldest first")
    queue.get_by_role("link", name=f"Review claim {april.pk}").click()

    # Approve: the checks have passed, and the button says how much.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Claim {april.pk}: Lewisham People's Partnership – Year 1 Review, 23 April 2024"
    )
    decide = page.get_by_role("region", name="Approve or send back")
    expect(decide).to_contain_text("Checked: the attendance is recorded")
    decide.get_by_role("button", name="Approve £79.80").click()
    expect(page).to_have_url(site.url("/finance/claims/"))
    expect(page.get_by_role("status")).to_have_text(f"Claim {april.pk} approved: £79.80 for Bernard Hughes.")
    expect(queue.get_by_role("link", name=f"Review claim {april.pk}")).to_have_count(0)

    # Send back, with a reason the claimant reads.
    reason = "The childcare receipt is for 5 December. Please add the one for 6 December."
    queue.get_by_role("link", name=f"Review claim {december.pk}").click()
    decide = page.get_by_role("region", name="Approve or send back")
    decide.get_by_label("Why is this claim being sent back?").fill(reason)
    decide.get_by_role("button", name="Send back with this reason").click()
    expect(page).to_have_url(site.url("/finance/claims/"))
    expect(page.get_by_role("status")).to_have_text(
        f"Claim {december.pk} has been sent back to Bernard Hughes with your reason."
    )
    expect(queue.get_by_role("link", name=f"Review claim {december.pk}")).to_have_count(0)
    december.refresh_from_db()
    assert (december.status, december.rejection_reason) == (Claim.Status.REJECTED, reason)

    # The payment run: every approved, unpaid claim, the one just approved among them.
    awaiting = set(Claim.objects.awaiting_payment().values_list("pk", flat=True))
    assert {april.pk, july.pk} <= awaiting
    assert december.pk not in awaiting
    page.get_by_role("link", name=re.compile(rf"^Payment run: {len(awaiting)} approved claims, £")).click()
    expect(page).to_have_url(site.url("/finance/payment-run/"))
    expect(page.get_by_role("table")).to_have_accessible_name(re.compile(rf"^{len(awaiting)} claims, £[\d,.]+ in all"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the payment run (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"payment-run-lewisham-[a-z-]+-\d{4}-\d\d-\d\d-\d{4}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Claim id", "Claimant", "Email"]
    assert rows[0][-2:] == ["Approved by", "Approved on"]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(awaiting)

    # Paid in the finance system: record the run's reference.
    mark_paid = page.get_by_role("region", name="Mark this run paid")
    mark_paid.get_by_label("Payment reference").fill("LPP-PR-E2E-01")
    expect(mark_paid.get_by_label("Date paid")).to_have_value(timezone.localdate().isoformat())
    mark_paid.get_by_role("button", name=f"Mark {len(awaiting)} claims paid").click()
    expect(page).to_have_url(site.url("/finance/claims/"))
    expect(page.get_by_role("status")).to_have_text(f"{len(awaiting)} claims marked paid with reference LPP-PR-E2E-01.")
    expect(page.get_by_role("link", name=re.compile(r"^Payment run: 0 approved claims, £0\.00"))).to_be_visible()
    paid = Claim.objects.filter(pk__in=awaiting)
    assert set(paid.values_list("status", "payment_reference", "paid_on")) == {
        (Claim.Status.PAID, "LPP-PR-E2E-01", timezone.localdate())
    }
