"""The 403 and 404 pages: the site's frame, what happened in plain words, and a way on; a 403 logs no traceback.

pytest-django runs with DEBUG off, so these are the pages visitors get in production.
"""

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_item, page_text

pytestmark = pytest.mark.django_db


def assert_in_the_site_frame(response):
    html = response.content.decode()
    assert '<nav class="navbar' in html, "the site's menu"
    assert 'id="main"' in html
    assert reverse("accessibility") in html, "the site's footer"


def test_an_unknown_meeting_says_so_and_offers_the_meeting_list(client, partnership):
    assert settings.DEBUG is False  # as in production: Django's own pages are not in the way
    response = client.get(reverse("meeting_detail", args=[987654]))
    assert response.status_code == 404
    assert_in_the_site_frame(response)
    text = page_text(response)
    assert "We could not find that meeting" in text
    assert "No Meeting matches the given query" not in text  # Django's words, not ours
    assert f'href="{reverse("meeting_list")}"' in response.content.decode()
    assert f'href="{reverse("home")}"' in response.content.decode()
    assert f"{reverse('login')}?next=" in text  # anonymous: sign in is a way on


def test_an_unknown_address_is_a_plain_not_found_page(client_for):
    response = client_for("member").get("/no-such-page/")
    assert response.status_code == 404
    assert_in_the_site_frame(response)
    text = page_text(response)
    assert "We could not find this page" in text
    assert "Sign in</a> and try again" not in text  # already signed in
    assert "tried" not in text  # nothing of the resolver's list of patterns


def test_a_not_found_message_the_portal_wrote_is_shown(client_for):
    response = client_for("staff").get("/reports/year-review/lewisham/9999/")
    assert response.status_code == 404
    assert "the year is the first year of the financial year" in page_text(response)


def test_an_unknown_partnership_offers_the_home_page(client):
    response = client.get(reverse("partnership_detail", args=["nowhere"]))
    assert response.status_code == 404
    assert "We could not find that partnership" in page_text(response)


def test_a_member_opening_a_staff_page_is_told_who_it_is_for_and_offered_the_partnership(
    client_for, held_meeting, partnership
):
    response = client_for("member").get(reverse("meeting_attendance", args=[held_meeting.pk]))
    assert response.status_code == 403
    assert_in_the_site_frame(response)
    text = page_text(response)
    assert "You cannot open this page" in text
    assert "This page is for staff and the chair." in text
    assert "You are signed in as member" in text
    assert f'href="{partnership.get_absolute_url()}"' in response.content.decode()
    assert f"Back to {partnership.name}" in text
    assert "Sign in as someone else" in text


def test_a_refusal_with_the_portals_own_reason_shows_it(client_for, held_meeting):
    from priorities.models import Action, Priority

    priority = Priority.objects.create(partnership=held_meeting.partnership, number=1, title="Access")
    action = Action.objects.create(priority=priority, description="Map the venues")
    response = client_for("member").get(reverse("action_note_new", args=[action.pk]))
    assert response.status_code == 403
    assert "Only staff, the chair and the action's owner can add progress notes." in page_text(response)


def test_a_403_is_logged_in_one_line_without_a_traceback(client_for, held_meeting, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for("member").get(reverse("meeting_attendance", args=[held_meeting.pk]))
    assert response.status_code == 403
    forbidden = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in forbidden] == [
        f"Forbidden (Permission denied): {reverse('meeting_attendance', args=[held_meeting.pk])}"
    ]
    assert forbidden[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_is_still_logged_with_its_traceback(client_for, monkeypatch, caplog):
    """The filter only quiets 403s: a real fault keeps everything needed to fix it."""
    from meetings.views import public

    def broken(*args, **kwargs):
        raise RuntimeError("a real fault")

    monkeypatch.setattr(public, "render", broken)
    client = client_for("member")
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get(reverse("meeting_list")).status_code == 500
    assert any(record.exc_info for record in caplog.records if record.name == "django.request")


def test_the_error_pages_are_in_the_frame_for_every_kind_of_missing_thing(client_for, held_meeting):
    item = make_item(held_meeting, title="Housing")
    client = client_for("staff")
    for url in [
        reverse("record_views", args=[item.pk + 1000]),
        reverse("claim_detail", args=[424242]),
        reverse("priority_detail", args=[424242]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert_in_the_site_frame(response)
