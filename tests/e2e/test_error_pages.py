"""The 403 and 404 pages in a real browser: the site's frame, plain words, a way on, WCAG 2.2 AA, 320 px.

Screenshots go to ``test-results/error-pages/`` (ignored by git) for a person to look at.
"""

from pathlib import Path

import pytest

from .test_accessibility import HORIZONTAL_OVERFLOW, axe_violations, blocked_by_csp, describe

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "error-pages"
CASES = [
    # role, path, status, heading, a link offered as the way on
    ("anonymous", "/meetings/999999/", 404, "We could not find that meeting", "See all meetings"),
    ("member", "/meetings/{agenda}/attendance/", 403, "You cannot open this page", "Back to Lewisham"),
]


@pytest.mark.parametrize(("role", "path", "status", "heading", "way_on"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("width", [1280, 320])
def test_error_page_in_the_browser(browser_page, site, role, path, status, heading, way_on, width):
    page = browser_page(role, viewport={"width": width, "height": 800})
    response = page.goto(site.url(path))
    assert response.status == status
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_by_role("navigation", name="Main").count() == 1  # the site's frame
    link = page.get_by_role("link", name=way_on)
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert page.evaluate("document.title") and page.url != site.url(path)
    page.go_back()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{status}-{role}-{width}.png", full_page=True)
    assert page.evaluate(HORIZONTAL_OVERFLOW) == []
    assert blocked_by_csp(page) == []
    violations = axe_violations(page)
    assert violations == [], describe(violations)
