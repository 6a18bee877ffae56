"""WCAG 2.2 AA on every page in pages.PAGES: axe-core, keyboard, visible focus, reflow, zoom, print."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import PAGES, page_id

pytestmark = pytest.mark.e2e

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()

# Pages allowed to put focus in a field on load, and why. Everything before the field
# stays reachable with Shift+Tab; the keyboard tests check that too.
AUTOFOCUS_ALLOWED = {
    "/accounts/login/": "Django's sign-in form focuses Username on load (AuthenticationForm's autofocus)",
}

# Everything a keyboard user may need to reach. Radios count once per group: Tab
# enters a group once and the arrow keys move within it.
MARK_CONTROLS = """() => {
  const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const controls = [];
  document.querySelectorAll(selector).forEach((el, index) => {
    const visible = el.classList.contains('skip-link')
      || el.checkVisibility({visibilityProperty: true, opacityProperty: true});
    if (!visible) return;
    // Hidden from everyone on purpose (a robots' trap: aria-hidden, tabindex -1): not a control to reach.
    if (el.closest('[aria-hidden="true"]') && el.tabIndex === -1) return;
    const key = (el.type === 'radio' && el.name) ? 'radio:' + el.name : 'control:' + index;
    el.dataset.e2eKey = key;
    controls.push({key, name: (el.tagName + ' ' + (el.innerText || el.value || el.name || el.id || '')).trim().slice(0, 60)});
  });
  return controls;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {key: el.dataset.e2eKey || null, visibleFocus: outline || shadow,
          name: (el.tagName + ' ' + (el.innerText || el.value || el.name || el.id || '')).trim().slice(0, 60)};
}"""

HORIZONTAL_OVERFLOW = """() => {
  // What sticks out of the window, not counting content that scrolls inside its own box.
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const clipped = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''))
    .concat(['page is ' + document.documentElement.scrollWidth + ' px wide']);
}"""


def open_page(browser_page, site, role, path, **context_options):
    page = browser_page(role, **context_options)
    response = page.goto(site.url(path))
    assert response.status == 200, f"{path} as {role}: {response.status}"
    return page


def blocked_by_csp(page):
    """Console reports of anything the Content-Security-Policy blocked on this page."""
    return [message for message in page.console if "Content Security Policy" in message]


def axe_violations(page):
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]})
    return results.response["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} – {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize(("role", "path"), PAGES, ids=map(page_id, PAGES))
def test_page_has_no_wcag_22_aa_violations(browser_page, site, role, path):
    page = open_page(browser_page, site, role, path)
    # Before axe runs (axe itself sets inline styles): the page loaded without tripping the CSP.
    assert blocked_by_csp(page) == []
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def start_keyboard_at_the_top(page, path):
    """Put keyboard focus before the first control, as on a page that has just loaded.

    A page that moves focus on load (``autofocus``) must be listed in AUTOFOCUS_ALLOWED;
    the walk then leaves the page backwards with Shift+Tab, as a keyboard user would to
    reach what comes before the focused field, and starts again from the top.
    """
    if not page.evaluate(FOCUSED):
        return
    assert page.evaluate("new URL(location.href).pathname") in AUTOFOCUS_ALLOWED, (
        f"{path} moves focus on load ({page.evaluate(FOCUSED)['name']}): list it in AUTOFOCUS_ALLOWED or remove autofocus"
    )
    for _ in range(100):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(FOCUSED) is None:
            return
    raise AssertionError("Shift+Tab never left the page")


@pytest.mark.parametrize(("role", "path"), PAGES, ids=map(page_id, PAGES))
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(browser_page, site, role, path):
    page = open_page(browser_page, site, role, path)
    start_keyboard_at_the_top(page, path)
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    assert skip_link.evaluate("el => el === document.activeElement"), "Tab did not land on the skip link first"
    assert skip_link.inner_text() == "Skip to main content"
    box = skip_link.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10, "the skip link stays hidden when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes on from the content, not back through the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('header') === null")


@pytest.mark.parametrize(("role", "path"), PAGES, ids=map(page_id, PAGES))
def test_keyboard_alone_reaches_every_control_and_focus_is_always_visible(browser_page, site, role, path):
    page = open_page(browser_page, site, role, path)
    controls = page.evaluate(MARK_CONTROLS)
    wanted = {control["key"]: control["name"] for control in controls}
    start_keyboard_at_the_top(page, path)
    order, invisible = [], []
    for _ in range(3 * len(controls) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:  # past the last control: focus has left the page
            break
        if order and focused["key"] == order[-1]:
            continue  # still in the same control: Tab steps through a date field's day, month and year
        if focused["key"] in order:  # wrapped round to the start
            break
        order.append(focused["key"])
        if not focused["visibleFocus"]:
            invisible.append(focused["name"])
    missed = [name for key, name in wanted.items() if key not in order]
    assert not missed, f"not reachable by Tab: {missed}"
    assert not invisible, f"no visible focus indicator on: {invisible}"


@pytest.mark.parametrize(("role", "path"), PAGES, ids=map(page_id, PAGES))
def test_page_reflows_at_320_css_pixels_without_horizontal_scrolling(browser_page, site, role, path):
    page = open_page(browser_page, site, role, path, viewport={"width": 320, "height": 640})
    assert page.evaluate(HORIZONTAL_OVERFLOW) == []
    # Narrow layouts bring their own problems (boxes that scroll, targets that crowd): axe again.
    violations = axe_violations(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize(("role", "path"), PAGES, ids=map(page_id, PAGES))
def test_page_is_usable_at_200_percent_zoom(browser_page, site, role, path):
    # A 1280 px wide window at 200 % zoom lays out as 640 CSS pixels at two device pixels each.
    page = open_page(browser_page, site, role, path, viewport={"width": 640, "height": 450}, device_scale_factor=2)
    assert page.evaluate(HORIZONTAL_OVERFLOW) == []
    heading = page.locator("main h1")
    assert heading.count() == 1
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 640, "the heading does not fit the zoomed window"
    # The menu folds behind a button; the button opens it and its links can be used.
    menu = page.get_by_role("button", name="Show or hide the menu")
    assert menu.is_visible()
    meetings = page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings")
    assert not meetings.is_visible()
    menu.click()
    meetings.wait_for(state="visible")
    assert menu.get_attribute("aria-expanded") == "true"


@pytest.mark.parametrize(("role", "path"), PAGES, ids=map(page_id, PAGES))
def test_page_prints_without_the_navigation(browser_page, site, role, path):
    page = open_page(browser_page, site, role, path)
    page.emulate_media(media="print")
    assert page.locator("header.site-header").evaluate("el => getComputedStyle(el).display") == "none"
    assert page.locator("a.skip-link").evaluate("el => getComputedStyle(el).display") == "none"
    assert page.locator("main h1").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
