"""The accessibility statement: the parts a UK public-sector statement must have, found from any page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_statement_is_linked_from_every_page_and_has_the_required_parts(browser_page, site):
    page = browser_page("anonymous")
    page.goto(site.url("/meetings/"))
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page).to_have_url(site.url("/accessibility/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement for the Partnership Portal")
    headings = page.locator("main h2, main h3").all_inner_texts()
    for required in [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]:
        assert required in headings, f"missing section: {required}"
    text = re.sub(r"\s+", " ", page.locator("main").inner_text())
    # Other formats, and how soon we answer.
    for fmt in ["large print", "easy read", "an audio recording", "braille"]:
        assert fmt in text
    assert "within 5 working days" in text
    # Enforcement: the EHRC, and where to go if our answer is not good enough.
    assert "Equality and Human Rights Commission (EHRC)" in text
    expect(page.get_by_role("link", name="contact the Equality Advisory and Support Service (EASS)")).to_have_attribute(
        "href", "https://www.equalityadvisoryservice.com/"
    )
    # Honest status: the back office has known failures, so not "fully compliant".
    assert "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text
    assert "fully compliant" not in text
    # When and how it was prepared and tested.
    assert "This statement was prepared on 22 November 2026" in text
    for method in ["axe-core", "Chromium", "keyboard alone", "320 pixels", "200 % zoom"]:
        assert method in text
