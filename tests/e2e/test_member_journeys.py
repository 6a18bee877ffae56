"""What a member does in a browser: answers whether they are coming, sends views, claims for their time.

The demo's ``member`` is Adaeze Okafor. The module has its own demo (``demo_site``), so
what these journeys change is put back when the module is done.
"""

import datetime
import re
import zlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.meetings import RECENT_TITLE
from meetings.models import Attendance, Meeting
from reimbursement.models import Claim

pytestmark = pytest.mark.e2e

VIEWS_ITEM = "Reimbursement policy – valuing people's time as labour"


def tiny_png():
    """A valid 8 × 8 grey PNG, standing in for a photo of a receipt."""

    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (8).to_bytes(4, "big") * 2 + b"\x08\x00\x00\x00\x00"  # 8 bits, greyscale
    pixels = zlib.compress(b"".join(b"\x00" + b"\xc8" * 8 for _ in range(8)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def facts(section):
    """A description list's terms and what each says, as a dict."""
    terms = [text.strip() for text in section.get_by_role("term").all_inner_texts()]
    return dict(zip(terms, [text.strip() for text in section.get_by_role("definition").all_inner_texts()], strict=True))


def test_member_registers_for_a_meeting_then_sends_apologies(browser_page, site):
    meeting = Meeting.objects.get(pk=site.ids["upcoming"])
    # The demo has already answered for the member: start from a meeting they have not answered for.
    Attendance.objects.filter(meeting=meeting, participant__user__username="member").delete()
    page = browser_page("member")
    page.goto(site.url("/meetings/{upcoming}/"))
    taking_part = page.get_by_role("region", name="Taking part")
    expect(taking_part).to_contain_text("Tell the chair whether you are coming")
    taking_part.get_by_label("I will join online").check()
    taking_part.get_by_label("Access needs (optional)").fill("Captions on the video call, please")
    taking_part.get_by_role("button", name="Send my answer").click()
    # Access needs without agreeing to share them: said beside the box, nothing saved.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Are you coming to {meeting.title}?")
    share = page.get_by_label("I agree to share my access needs with the chair and the staff organising the meeting")
    expect(share).to_have_accessible_description(re.compile("Tick this box so that we can arrange what you need"))
    assert not Attendance.objects.filter(meeting=meeting, participant__user__username="member").exists()
    expect(page.get_by_label("I will join online")).to_be_checked()
    share.check()
    page.get_by_role("button", name="Send my answer").click()

    expect(page).to_have_url(site.url("/meetings/{upcoming}/#taking-part"))
    day = timezone.localtime(meeting.start)
    expect(page.get_by_role("status")).to_have_text(
        f"You are registered to join {meeting.title} on {day:%A} {day.day} {day:%B %Y} online. "
        "You can change this until the meeting starts."
    )
    answer = page.locator("#my-registration")
    expect(answer).to_contain_text("you are coming online")
    expect(answer).to_contain_text("Captions on the video call, please")
    attendance = Attendance.objects.get(meeting=meeting, participant__user__username="member")
    assert (attendance.status, attendance.mode) == (Attendance.Status.REGISTERED, Attendance.Mode.ONLINE)
    assert attendance.share_access_needs

    # Plans change: in person after all, then apologies.
    taking_part.get_by_label("I will come in person").check()
    taking_part.get_by_role("button", name="Change my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer has been changed. You are registered to come to")
    expect(answer).to_contain_text("you are coming in person")
    taking_part.get_by_label("I cannot come (send apologies)").check()
    taking_part.get_by_role("button", name="Change my answer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your answer has been changed. Thank you for letting us know. We have sent your apologies"
    )
    expect(answer).to_contain_text("you sent apologies")
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.APOLOGIES


def test_member_sends_views_on_an_agenda_item_and_finds_them_under_my_views(browser_page, site):
    views = "Pay for travel time as well as meeting time: some of us travel an hour each way."
    page = browser_page("member")
    page.goto(site.url("/meetings/{upcoming}/"))
    item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=VIEWS_ITEM))
    item.get_by_text("Send your views on this item").click()
    item.get_by_label(f"Your views on “{VIEWS_ITEM}”").fill(views)
    item.get_by_role("button", name="Send my views").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Thank you: your views on “{VIEWS_ITEM}” have gone to the chair and staff."
    )
    # Back at the item, with what was sent shown under it.
    expect(item).to_contain_text("Your views on this item")
    expect(item).to_contain_text(views)

    page.get_by_role("region", name="Taking part").get_by_role("link", name="My views").click()
    expect(page).to_have_url(site.url("/my/views/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My views")
    mine = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=VIEWS_ITEM))
    expect(mine.filter(has_text=views)).to_have_count(1)
    today = timezone.localdate()
    expect(mine.filter(has_text=views)).to_contain_text(f"sent {today.day} {today:%B %Y} by this website")


def test_member_claims_for_their_time_at_the_recent_meeting_with_a_receipt(browser_page, site):
    page = browser_page("member")
    page.goto(site.url("/claims/policy/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment for your time and expenses")
    lewisham = page.get_by_role("region", name="Lewisham People's Partnership")
    expect(lewisham).to_contain_text("£25.00 an hour")
    expect(lewisham.get_by_role("note")).to_contain_text("If you receive benefits")
    page.locator("main").get_by_role("link", name="Start a claim").click()

    expect(page).to_have_url(site.url("/claims/new/"))
    page.get_by_role("radio", name=re.compile(re.escape(RECENT_TITLE))).check()
    page.get_by_role("button", name="Start my claim").click()
    expect(page).to_have_url(re.compile(r"/claims/\d+/edit/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Your draft claim for {RECENT_TITLE} has been started")

    # Two hours at the meeting and half an hour's reading: 2.5 × £25 = £62.50, under the £75 half day.
    page.get_by_label("Time at the meeting (hours)").fill("2")
    page.get_by_label("Preparation time (hours)").fill("0.5")
    expense = page.get_by_role("group", name="Expense 1")
    expense.get_by_label("Category").select_option(label="Public transport")
    expense.get_by_label("Amount (£)").fill("4.80")
    expense.get_by_label("Description").fill("Train from Ladywell and back")
    expense.get_by_label("Receipt").set_input_files(
        {"name": "ticket.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_label(re.compile("I declare that I have not claimed for this before")).check()
    page.get_by_role("button", name="Submit claim").click()

    expect(page).to_have_url(re.compile(r"/claims/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Your claim has been submitted.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(RECENT_TITLE)
    expect(page.locator(".claim-summary")).to_contain_text("Submitted")
    assert facts(page.get_by_role("region", name="Total")) == {
        "Time": "£62.50",
        "Expenses": "£4.80",
        "Total": "£67.30",
    }
    expenses = page.get_by_role("region", name="Expenses", exact=True)
    row = expenses.get_by_role("row", name=re.compile("^Public transport"))
    expect(row).to_contain_text("Train from Ladywell and back")
    # The receipt is kept, and comes back as the PNG that was sent.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download receipt for public transport").click()
    with open(download_info.value.path(), "rb") as receipt:
        assert receipt.read() == tiny_png()

    # Listed under My claims, waiting for approval.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My claims").click()
    listed = page.get_by_role("row").filter(has_text=RECENT_TITLE)
    expect(listed).to_contain_text("Submitted")
    expect(listed).to_contain_text("£67.30")
    expect(listed).to_contain_text("Waiting for approval")


def test_a_text_file_named_like_a_picture_is_refused_beside_the_receipt_field(browser_page, site):
    # The demo's claim that was sent back (a taxi receipt of the wrong day), there to correct.
    claim = Claim.objects.get(
        claimant__user__username="member", attendance__meeting__start__date=datetime.date(2023, 9, 27)
    )
    receipt_on_file = claim.lines.get().receipt.file.name
    page = browser_page("member")
    page.goto(site.url("/claims/"))
    page.get_by_role("link", name=f"Correct and resubmit claim {claim.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct your claim")
    expense = page.get_by_role("group", name=re.compile("^Expense 1: Taxi"))
    receipt = expense.get_by_label("Receipt", exact=True)
    receipt.set_input_files({"name": "receipt.png", "mimeType": "image/png", "buffer": b"Taxi, 27 September, 18.40\n"})
    page.get_by_role("button", name="Save as draft").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("^Expense 1: This file is not a PDF"))).to_be_visible()
    receipt = page.get_by_role("group", name=re.compile("^Expense 1: Taxi")).get_by_label("Receipt", exact=True)
    expect(receipt).to_have_accessible_description(
        re.compile(
            re.escape("This file is not a PDF, JPEG or PNG. Please upload a scan or photo in one of those formats.")
        )
    )
    expect(receipt).to_have_attribute("aria-invalid", "true")
    # Nothing was saved: the claim still has the receipt it was sent back with.
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert claim.lines.get().receipt.file.name == receipt_on_file
