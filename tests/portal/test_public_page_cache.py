"""Anonymous visitors' pages come from the cache until the content changes (toolkit/page_cache.py)."""

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from meetings.models import Paper
from toolkit.page_cache import content_version, public_page

from ..factories import make_item


@pytest.fixture
def agenda(held_meeting):
    return reverse("meeting_detail", args=[held_meeting.pk])


def test_a_visitor_second_look_is_served_without_touching_the_database(client, agenda, django_assert_num_queries):
    first = client.get(agenda)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(agenda)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_an_edit_shows_to_visitors_at_once(client, agenda, held_meeting):
    assert b"Held meeting" in client.get(agenda).content
    held_meeting.title = "Renamed by the chair"
    held_meeting.save()
    page = client.get(agenda).content
    assert b"Renamed by the chair" in page
    assert b"Held meeting" not in page


def test_a_new_agenda_item_shows_on_the_cached_list_and_agenda(client, agenda, held_meeting):
    client.get(agenda)
    client.get(reverse("meeting_list"))
    make_item(held_meeting, title="A late item about dentistry")
    assert b"A late item about dentistry" in client.get(agenda).content


def test_signed_in_members_never_get_the_visitors_page(client, agenda, held_meeting, member):
    Paper.objects.create(
        meeting=held_meeting, title="For members only", url="https://example.org/p", visibility="members"
    )
    assert b"For members only" not in client.get(agenda).content  # cached for visitors
    client.force_login(member)
    assert b"For members only" in client.get(agenda).content


def test_each_address_is_kept_apart(client, partnership, held_meeting):
    everything = client.get(reverse("meeting_list"))
    online_only = client.get(reverse("meeting_list"), {"format": "online"})
    assert everything.status_code == online_only.status_code == 200
    assert b"Held meeting" in everything.content
    assert b"Held meeting" not in online_only.content  # not the page kept for /meetings/
    assert client.get(reverse("meeting_list")).content == everything.content


def test_a_missing_page_is_not_kept(client, partnership, django_assert_max_num_queries):
    client.get(reverse("meeting_detail", args=[999_999]))
    with django_assert_max_num_queries(10) as context:
        assert client.get(reverse("meeting_detail", args=[999_999])).status_code == 404
    assert len(context.captured_queries) >= 1


def test_a_page_with_a_message_waiting_is_neither_served_from_nor_kept_in_the_cache(held_meeting):
    factory = RequestFactory()
    calls = []

    @public_page
    def view(request):
        from django.http import HttpResponse

        calls.append(1)
        return HttpResponse(" ".join(m.message for m in get_messages(request)) or "no message")

    def request(message=None):
        from django.contrib.auth.models import AnonymousUser

        req = factory.get("/somewhere/")
        req.user = AnonymousUser()
        req.session = {}
        req._messages = FallbackStorage(req)
        if message:
            req._messages.add(constants.SUCCESS, message)
        return req

    assert view(request("You have signed out.")).content == b"You have signed out."
    assert view(request()).content == b"no message"
    assert view(request()).content == b"no message"
    assert len(calls) == 2  # the page with the message was not kept; the plain one was, once


def test_a_page_that_sets_a_cookie_or_carries_a_csrf_token_is_not_kept(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    calls = []

    @public_page
    def with_form(request):
        calls.append(1)
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    for _ in range(2):
        request = rf.get("/form/")
        request.user = AnonymousUser()
        with_form(request)
    assert len(calls) == 2


def test_the_cache_can_be_switched_off(client, agenda, settings, django_assert_max_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(agenda)
    with django_assert_max_num_queries(30) as context:
        client.get(agenda)
    assert len(context.captured_queries) > 0


def test_changes_outside_the_content_apps_leave_the_version_alone(member, partnership):
    before = content_version()
    member.first_name = "Changed"
    member.save()  # auth.User: not page content
    assert content_version() == before
    partnership.name = "Renamed"
    partnership.save()
    assert content_version() != before
