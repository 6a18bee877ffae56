"""The main menu offers each role its own pages, and only those."""

import re

import pytest
from django.urls import reverse

from tests.conftest import ROLES

# Links in the main menu, by role:   anonymous  member  other_member  staff  chair  finance
MENU = {
    "my_views":       (False,     True,   True,         True,  True,  True),
    "claim_list":     (False,     True,   True,         True,  True,  True),
    "finance_queue":  (False,     False,  False,        False, True,  True),
    "report_index":   (False,     False,  False,        True,  True,  True),
    "meeting_list":   (True,      True,   True,         True,  True,  True),
}  # fmt: skip


def menu_links(html):
    menu = re.search(r'<nav class="navbar.*?</nav>', html, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', menu))


@pytest.mark.parametrize("role", ROLES)
def test_menu_links_for_each_role(client_for, role):
    links = menu_links(client_for(role).get(reverse("home")).content.decode())
    for name, shown in MENU.items():
        assert (reverse(name) in links) == shown[ROLES.index(role)], f"{role}: {name}"


def test_signed_in_name_is_shown_and_read_out(client_for, users):
    html = client_for("member").get(reverse("home")).content.decode()
    assert '<span class="visually-hidden">Signed in as </span>' in html
    member = users["member"]
    assert (member.get_full_name() or member.username) in html
