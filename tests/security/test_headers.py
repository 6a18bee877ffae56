"""Security headers on every kind of page: a Content-Security-Policy without 'unsafe-inline', and the rest."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_item, make_meeting

# (role, how to build the path) – the public pages, sign-in and the back office.
PAGES = [
    ("anonymous", lambda world: "/"),
    ("anonymous", lambda world: reverse("meeting_list")),
    ("anonymous", lambda world: reverse("meeting_detail", args=[world["meeting"].pk])),
    ("anonymous", lambda world: reverse("partnership_detail", args=[world["meeting"].partnership.slug])),
    ("anonymous", lambda world: reverse("accessibility")),
    ("anonymous", lambda world: reverse("login")),
    ("anonymous", lambda world: reverse("password_reset")),
    ("anonymous", lambda world: reverse("admin:login")),
    ("chair", lambda world: reverse("admin:index")),
    ("chair", lambda world: reverse("admin:meetings_meeting_changelist")),
    ("chair", lambda world: reverse("admin:meetings_meeting_change", args=[world["meeting"].pk])),
    ("chair", lambda world: reverse("admin:meetings_meeting_add")),
]
# Responses that are not web pages get the headers too.
NOT_HTML = [
    ("anonymous", lambda world: reverse("healthz")),
    ("anonymous", lambda world: reverse("meeting_calendar")),
]


@pytest.fixture
def world(partnership, ladder):
    meeting = make_meeting(partnership, title="Agenda with <b>markup</b>")
    make_item(meeting, title="Item one", engagement_type=ladder["Consulting"])
    return {"meeting": meeting}


def directives(header):
    """{'script-src': ["'self'"], ...} from a Content-Security-Policy header."""
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize(
    ("role", "build"), PAGES + NOT_HTML, ids=[f"{role}-{i}" for i, (role, _) in enumerate(PAGES + NOT_HTML)]
)
def test_page_sends_a_strict_content_security_policy_and_the_other_security_headers(client_for, world, role, build):
    response = client_for(role).get(build(world))
    assert response.status_code == 200
    policy = response.headers.get("Content-Security-Policy")
    assert policy, "no Content-Security-Policy header"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    parsed = directives(policy)
    assert parsed["default-src"] == ["'self'"]
    assert parsed["script-src"] == ["'self'"]
    assert parsed["style-src"] == ["'self'"]
    assert parsed["object-src"] == ["'none'"]
    assert parsed["frame-ancestors"] == ["'none'"]
    assert parsed["base-uri"] == ["'self'"]
    assert parsed["form-action"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(("role", "build"), PAGES, ids=[f"{role}-{i}" for i, (role, _) in enumerate(PAGES)])
def test_page_needs_nothing_inline_that_the_policy_would_block(client_for, world, role, build):
    response = client_for(role).get(build(world))
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script> the policy blocks"
    assert not re.search(r"<[a-z][^>]*\sstyle=", html, re.IGNORECASE), "a style attribute the policy blocks"
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html, re.IGNORECASE), "an inline event handler the policy blocks"
    assert "<style" not in html, "an inline <style> block the policy blocks"
