"""The main menu offers each role its own pages, and only those; the office's pages sit under one "Office" menu."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import ROLES

ALL_ROLES = [*ROLES, "superuser"]

# Links in the main menu, by role:   anonymous  member  other_member  staff  chair  finance  superuser
MENU = {
    "meeting_list":       (True,      True,   True,         True,  True,  True,    True),
    "my_views":           (False,     True,   True,         True,  True,  True,    True),
    "claim_list":         (False,     True,   True,         True,  True,  True,    True),
    # Under "Office"
    "report_index":       (False,     False,  False,        True,  True,  True,    True),
    "finance_queue":      (False,     False,  False,        False, True,  True,    True),
    "payment_run":        (False,     False,  False,        False, False, True,    True),
    "claim_year_summary": (False,     False,  False,        False, True,  True,    True),
    "admin:index":        (False,     False,  False,        True,  True,  True,    True),
}  # fmt: skip
OFFICE_LINKS = {"report_index", "finance_queue", "payment_run", "claim_year_summary", "admin:index"}


@pytest.fixture
def menu_for(client_for, db):
    """``menu_for(role)``: the main menu's HTML on the home page, as that role (or as a superuser)."""

    def fetch(role):
        if role == "superuser":
            client = client_for("anonymous")
            client.force_login(User.objects.create_superuser("operator", "operator@example.org", "x-Long-pass-9"))
        else:
            client = client_for(role)
        html = client.get(reverse("home")).content.decode()
        return re.search(r'<nav class="navbar.*?</nav>', html, re.S).group(0)

    return fetch


def links(html):
    return set(re.findall(r'href="([^"]+)"', html))


def office_menu(nav):
    match = re.search(r'<details class="office-menu">(.*?)</details>', nav, re.S)
    return match.group(1) if match else None


@pytest.mark.parametrize("role", ALL_ROLES)
def test_menu_links_for_each_role(menu_for, role):
    nav = menu_for(role)
    found = links(nav)
    for name, shown in MENU.items():
        assert (reverse(name) in found) == shown[ALL_ROLES.index(role)], f"{role}: {name}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_office_pages_are_grouped_under_one_office_menu(menu_for, role):
    nav = menu_for(role)
    office = office_menu(nav)
    expected = {reverse(name) for name in OFFICE_LINKS if MENU[name][ALL_ROLES.index(role)]}
    if not expected:
        assert office is None, f"{role} has no office pages, so no Office menu"
        return
    assert office is not None, f"{role}: no Office menu"
    assert re.search(r"<summary[^>]*>Office</summary>", office)
    assert links(office) == expected
    # Nothing of the office's is left outside the menu.
    assert not (links(nav.replace(office, "")) & expected)


def test_the_office_menu_needs_no_script_or_inline_style(menu_for):
    nav = menu_for("superuser")
    assert "<details" in nav and "<summary" in nav
    assert "onclick" not in nav and "style=" not in nav and "<script" not in nav


def test_signed_in_name_is_shown_and_read_out(client_for, users):
    html = client_for("member").get(reverse("home")).content.decode()
    assert '<span class="visually-hidden">Signed in as </span>' in html
    member = users["member"]
    assert (member.get_full_name() or member.username) in html


def test_without_javascript_the_phone_menu_is_shown_open(client, db):
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<noscript><link rel="stylesheet" href="[^"]*css/no-js\.css"></noscript>', html)
