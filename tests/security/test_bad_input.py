"""Hostile and malformed input: never a server error, always shown escaped, and nothing changes."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import PASSWORD, make_meeting

SCRIPT = "<script>alert('pwned')</script>"
SVG = '"><svg onload=alert(1)>'
HUGE_INT = "9" * 30

# Query strings a visitor can type or be sent in a link.
MEETING_LIST_QUERIES = [
    {"partnership": SCRIPT},
    {"partnership": SVG},
    {"year": "31-02"},
    {"year": "2023-02-31"},
    {"year": SCRIPT},
    {"year": "-2023"},
    {"year": HUGE_INT},
    {"format": SCRIPT},
    {"engagement_type": SCRIPT},
    {"engagement_type": "-1"},
    {"engagement_type": HUGE_INT},
    {"page": "-1"},
    {"page": SCRIPT},
    {"page": HUGE_INT},
    {"partnership": "x" * 5000},
    {"partnership": "lewisham\x00"},
]


@pytest.fixture
def meetings(partnership):
    return [make_meeting(partnership, title=f"Meeting {n}") for n in range(3)]


def assert_safe(response, *payloads):
    """Not a server error, and no payload came back as live markup."""
    assert response.status_code in (200, 400, 404), response.status_code
    body = response.content.decode(errors="replace")
    for payload in payloads:
        assert payload not in body, "input echoed unescaped"


@pytest.mark.parametrize("query", MEETING_LIST_QUERIES, ids=lambda q: repr(q)[:40])
def test_meeting_list_filters_reject_hostile_values_without_an_error(client, meetings, query):
    response = client.get(reverse("meeting_list"), query)
    assert_safe(response, SCRIPT, SVG, "<svg")


@pytest.mark.parametrize(
    "path",
    [
        f"/meetings/{HUGE_INT}/",
        f"/meetings/{HUGE_INT}/agenda.pdf",
        f"/meetings/papers/{HUGE_INT}/",
        "/p/%3Cscript%3E/",
        "/p/no-such-partnership/",
        "/reports/year-review/lewisham/0000/",
        "/reports/year-review/lewisham/9999/",
        "/meetings/calendar.ics?partnership=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_malformed_addresses_are_not_found_not_a_server_error(client, meetings, path):
    response = client.get(path)
    assert response.status_code in (302, 404), response.status_code
    assert "<script>alert" not in response.content.decode(errors="replace")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("m" * 10_000, "x"),
        ("member", "p" * 100_000),
        (SCRIPT, SCRIPT),
        (SVG, "x"),
        ("member\x00", PASSWORD),
        ("", ""),
    ],
    ids=["long-username", "long-password", "script", "svg", "nul-byte", "empty"],
)
def test_sign_in_with_bad_input_fails_politely_and_shows_it_escaped(client, member, username, password):
    before = User.objects.get(username="member").password
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert_safe(response, SCRIPT, SVG)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert User.objects.get(username="member").password == before
    if username == SCRIPT:
        assert "&lt;script&gt;" in response.content.decode()  # kept in the box, escaped


@pytest.mark.parametrize("email", [SCRIPT, "a" * 300 + "@example.org", "member@example.org\nBcc: x@evil.example", ""])
def test_password_reset_with_bad_input_sends_nothing_and_fails_politely(client, member, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert_safe(response, SCRIPT)
    assert mail.outbox == []


def test_bad_input_changes_no_meeting(client, meetings):
    titles = sorted(Meeting.objects.values_list("title", flat=True))
    for query in MEETING_LIST_QUERIES:
        client.get(reverse("meeting_list"), query)
    client.post(reverse("meeting_list"), {"title": SCRIPT})
    assert sorted(Meeting.objects.values_list("title", flat=True)) == titles
