"""What a newcomer sees first: the main menu on one line (1,280 px) or folded (320 px), a signed-in
message, and secondary buttons that read as buttons. Measured in Chromium, from computed styles."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, TIMEOUT_MS, log_in

pytestmark = pytest.mark.e2e

ROLES = ["anonymous", "member", "staff", "chair", "finance", "superuser"]
SUPERUSER = "operator"

# Where each link and control of the menu bar sits: on one line their middles are level (a second
# line would be a whole line, about 40 px, lower).
MENU_GEOMETRY = """() => {
  const nav = document.querySelector('nav[aria-label=Main]');
  const items = [...nav.querySelectorAll('.navbar-brand, .navbar-nav > .nav-item')]
    .filter(el => el.checkVisibility());
  return {height: nav.getBoundingClientRect().height,
          middles: items.map(el => { const box = el.getBoundingClientRect(); return Math.round(box.top + box.height / 2); }),
          names: items.map(el => el.innerText.trim().split('\\n')[0]),
          pageWidth: document.documentElement.scrollWidth};
}"""

# WCAG 2.x contrast ratio of two computed colours (opaque rgb()/rgba() strings).
CONTRAST = """([first, second]) => {
  const luminance = colour => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""

BUTTON_COLOURS = """(el) => {
  const style = getComputedStyle(el);
  let page = 'rgb(255, 255, 255)';
  for (let p = el.parentElement; p; p = p.parentElement) {
    const bg = getComputedStyle(p).backgroundColor;
    if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') { page = bg; break; }
  }
  return {text: style.color, fill: style.backgroundColor, border: style.borderTopColor,
          borderWidth: parseFloat(style.borderTopWidth), shadow: style.boxShadow, page};
}"""


@pytest.fixture(scope="module")
def superuser_state(chromium, site_for_module):
    """A platform operator (a superuser) signed in once through the real form."""
    User.objects.filter(username=SUPERUSER).delete()
    User.objects.create_superuser(
        SUPERUSER, "operator@example.org", DEMO_PASSWORD, first_name="Olu", last_name="Operator"
    )
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, site_for_module, SUPERUSER)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture(scope="module")
def site_for_module(live_server, demo_site, django_db_blocker):
    from .conftest import Site

    with django_db_blocker.unblock():
        yield Site(live_server.url, demo_site)


@pytest.fixture
def menu_page(browser_page, chromium, superuser_state):
    contexts = []

    def open_page(role, width):
        viewport = {"width": width, "height": 800}
        if role != "superuser":
            return browser_page(role, viewport=viewport)
        context = chromium.new_context(viewport=viewport, storage_state=superuser_state)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_is_one_line_at_1280_px_for_every_role(menu_page, site, role):
    page = menu_page(role, 1280)
    page.goto(site.url("/"))
    geometry = page.evaluate(MENU_GEOMETRY)
    middles = geometry["middles"]
    assert max(middles) - min(middles) <= 8, (
        f"{role}: menu on several lines: {list(zip(geometry['names'], middles, strict=True))}"
    )
    assert geometry["height"] < 70, f"{role}: the menu is {geometry['height']} px tall"
    office = page.get_by_role("navigation", name="Main").locator("summary", has_text="Office")
    if role in ("anonymous", "member"):
        expect(office).to_have_count(0)
        return
    # The office's pages drop down from "Office" and fold away again, keyboard first.
    office.focus()
    page.keyboard.press("Enter")
    reports = page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports")
    expect(reports).to_be_visible()
    page.keyboard.press("Escape")
    expect(reports).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_folds_away_on_a_320_px_phone(menu_page, site, role):
    page = menu_page(role, 320)
    page.goto(site.url("/"))
    nav = page.get_by_role("navigation", name="Main")
    meetings = nav.get_by_role("link", name="Meetings")
    expect(meetings).to_be_hidden()
    geometry = page.evaluate(MENU_GEOMETRY)
    assert geometry["height"] < 70, f"{role}: folded menu is {geometry['height']} px tall"
    nav.get_by_role("button", name="Show or hide the menu").click()
    expect(meetings).to_be_visible()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))  # Bootstrap's opening slide is over
    if role not in ("anonymous", "member"):
        nav.locator("summary", has_text="Office").click()
        expect(nav.locator("details.office-menu")).to_have_attribute("open", "")
        expect(nav.get_by_role("link", name="Reports")).to_be_visible()
    for link in nav.get_by_role("link").all():
        if link.is_visible():
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, f"{role}: {link.inner_text()} sticks out"
    assert page.evaluate(MENU_GEOMETRY)["pageWidth"] <= 320


def test_without_javascript_the_phone_menu_is_open(chromium, site):
    context = chromium.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url("/"))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Meetings")).to_be_visible()
        expect(nav.get_by_role("button", name="Show or hide the menu")).to_be_hidden()
    finally:
        context.close()


def test_signing_in_says_so_once_and_comes_back_to_the_page(chromium, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(site.url("/meetings/?partnership=lewisham"))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
        page.get_by_label("Username").fill("member")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(site.url("/meetings/?partnership=lewisham"))
        status = page.get_by_role("status")
        expect(status).to_have_text("Signed in as Adaeze Okafor.")
        expect(page.get_by_text("Signed in as Adaeze Okafor.")).to_have_count(1)
        page.reload()
        expect(page.get_by_text("Signed in as Adaeze Okafor.")).to_have_count(0)
    finally:
        context.close()


def draft_claim_edit_path():
    from reimbursement.models import Claim

    claim = Claim.objects.get(claimant__user__username="member", status=Claim.Status.DRAFT)
    return f"/claims/{claim.pk}/edit/"


@pytest.mark.parametrize(
    "role, path, name",
    [
        ("anonymous", "/meetings/{agenda}/", "Add to calendar"),
        ("member", None, "Save and add more expenses"),
        ("staff", "/meetings/{agenda}/", "Sign-in sheet (CSV)"),
    ],
)
def test_secondary_buttons_read_as_buttons_with_enough_contrast(browser_page, site, role, path, name):
    page = browser_page(role)
    page.goto(site.url(path) if path else site.url(draft_claim_edit_path()))
    button = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
    expect(button).to_be_visible()
    # axe-core's colour rule on the whole page (text against its background, WCAG 1.4.3).
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    assert results.response["violations"] == [], results.response["violations"]
    colours = button.evaluate(BUTTON_COLOURS)
    border = page.evaluate(CONTRAST, [colours["border"], colours["page"]])
    text = page.evaluate(
        CONTRAST, [colours["text"], colours["fill"] if "0, 0, 0, 0" not in colours["fill"] else colours["page"]]
    )
    # The button's edge against the page, as WCAG 1.4.11 asks of a control: 3:1 at least.
    assert border >= 3, f"{name}: border {colours['border']} is {border:.2f}:1 against {colours['page']}"
    assert colours["borderWidth"] >= 1
    # Dark text, not grey: Bootstrap's grey outline (#6c757d, 4.7:1) read as disabled.
    assert text >= 7, f"{name}: text {colours['text']} is only {text:.2f}:1"
    # A filled face or a raised edge, so it stands out from the page like a button.
    assert colours["fill"] != colours["page"] or colours["shadow"] != "none", colours
