"""The back office (Django's admin) works under the portal's strict Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from .test_accessibility import blocked_by_csp

pytestmark = pytest.mark.e2e


def test_chairs_back_office_pages_and_widgets_work_without_unsafe_inline(browser_page, site):
    page = browser_page("chair")
    for path in ["/admin/", "/admin/meetings/meeting/", "/admin/meetings/meeting/add/", "/admin/meetings/attendance/"]:
        response = page.goto(site.url(path))
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    # The add form's scripts run: the calendar pop-up and "Today" shortcut fill the date,
    # and "Add another" makes a new agenda item row.
    page.goto(site.url("/admin/meetings/meeting/add/"))
    page.locator("#id_start_0 ~ .datetimeshortcuts a", has_text="Today").click()
    expect(page.locator("#id_start_0")).not_to_have_value("")
    page.locator("#id_start_0 ~ .datetimeshortcuts .date-icon").click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    rows = page.locator("#agenda_items-group .dynamic-agenda_items")
    before = rows.count()
    page.locator("#agenda_items-group .add-row a").click()
    expect(rows).to_have_count(before + 1)
    assert blocked_by_csp(page) == []
