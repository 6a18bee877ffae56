"""Real journeys through the portal in a browser: what a visitor, a member and the chair do."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.e2e

AGENDA_OF_23_APRIL_2024 = [
    "09.45–10.00 Arrivals",
    "10.00–10.15 What voices do we have at this meeting?",
    "10.15–10.30 Presentation – Lewisham People's Partnership – Year 1 Review – Draft (attached)",
    "10.50–11.05 Break",
    "11.50–12.00 Dates for 2024/25 Lewisham People's Partnership meetings",
]


def test_visitor_finds_and_reads_the_23_april_2024_agenda(browser_page, site):
    page = browser_page("anonymous")
    page.goto(site.url("/"))
    page.get_by_role("link", name="Lewisham People's Partnership", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lewisham People's Partnership")
    page.get_by_role("link", name=re.compile("Year 1 Review")).click()
    expect(page).to_have_url(site.url("/meetings/{agenda}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lewisham People's Partnership – Year 1 Review")
    expect(page.locator("main")).to_contain_text("Tuesday 23 April 2024")
    items = [re.sub(r"\s+", " ", text).strip() for text in page.locator("ol.agenda h3").all_inner_texts()]
    assert items[0] == AGENDA_OF_23_APRIL_2024[0]
    assert items[-1] == AGENDA_OF_23_APRIL_2024[-1]
    for item in AGENDA_OF_23_APRIL_2024:
        assert item in items
    # The public paper is there; the members-only one is not, but the page says it exists.
    expect(
        page.get_by_role("link", name="Lewisham People's Partnership – Year 1 Review – Draft", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("Draft reimbursement proposal")).to_have_count(0)
    expect(page.get_by_role("region", name="Papers")).to_contain_text("1 more paper for members")


def test_visitor_adds_the_partnerships_meetings_to_a_calendar(browser_page, site):
    page = browser_page("anonymous")
    page.goto(site.url("/meetings/{agenda}/"))
    # "Add to calendar" gives this meeting alone (issue 16).
    link = page.get_by_role("link", name="Add to calendar")
    assert re.search(r"/meetings/\d+/meeting\.ics$", link.get_attribute("href"))
    # A calendar file is not a web page: the browser hands it over as a download.
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    one = Path(download.path()).read_text()
    assert one.startswith("BEGIN:VCALENDAR")
    assert one.count("BEGIN:VEVENT") == 1
    assert "DTSTART;TZID=Europe/London:20240423T100000" in one
    # Beside it, the partnership's feed to subscribe to: bounded to the last 12 months and upcoming.
    feed_link = page.get_by_role("link", name=re.compile(r"^Subscribe to all .* meetings$"))
    assert feed_link.get_attribute("href").endswith("/meetings/calendar.ics?partnership=lewisham")
    response = page.request.get(site.base_url + feed_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    feed = response.text()
    assert "BEGIN:VEVENT" in feed
    assert "DTSTART;TZID=Europe/London:20240423T100000" not in feed


def test_member_signs_in_from_the_agenda_and_sees_the_members_only_paper(browser_page, site):
    page = browser_page("anonymous")
    page.goto(site.url("/meetings/{agenda}/"))
    expect(page.get_by_text("Draft reimbursement proposal")).to_have_count(0)
    page.locator("main").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("partnership-demo")
    page.get_by_role("button", name="Sign in").click()
    # Back on the agenda, signed in, with the paper for members.
    expect(page).to_have_url(site.url("/meetings/{agenda}/"))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Signed in as")
    paper = page.get_by_role("link", name="Draft reimbursement proposal for discussion (members only)")
    expect(paper).to_be_visible()
    expect(page.get_by_role("region", name="Papers")).to_contain_text("Members only")


def test_chair_renames_a_meeting_in_the_back_office(browser_page, site):
    page = browser_page("anonymous")
    log_in(page, site, "chair")
    page.get_by_role("link", name="Back office").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(site.url("/admin/meetings/meeting/?q=outcomes+framework"))
    page.get_by_role("link", name="Lewisham People's Partnership – outcomes framework").click()
    title = page.get_by_role(
        "textbox", name="Title:", exact=True
    ).first  # the meeting's; its agenda items have titles too
    expect(title).to_have_value("Lewisham People's Partnership – outcomes framework")
    title.fill("Lewisham People's Partnership – outcomes framework workshop")
    page.get_by_role("button", name="Save", exact=True).last.click()
    success = page.locator(".messagelist .success")
    expect(success).to_contain_text("was changed successfully")
    expect(success).to_contain_text("outcomes framework workshop")
    # The public agenda shows the new title straight away.
    page.goto(site.url("/meetings/?partnership=lewisham&year=2027"))
    expect(page.get_by_role("link", name="Lewisham People's Partnership – outcomes framework workshop")).to_be_visible()
