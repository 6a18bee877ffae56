"""/my/notifications/ and the one-click unsubscribe."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Kind, Preference
from notifications.outbox import unsubscribe_token, wants

pytestmark = pytest.mark.django_db


def test_a_member_switches_a_kind_off_and_is_told(client, member):
    client.force_login(member)
    url = reverse("notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert "A reminder before a meeting you registered for" in page.content.decode()
    assert "Staff: a daily digest" not in page.content.decode()  # office kinds are for staff
    data = dict.fromkeys(("registered", "agenda_published", "we_did"), "on")  # reminder left unticked
    response = client.post(url, data, follow=True)
    assert "Your email choices have been saved." in response.content.decode()
    assert not wants("mina@example.org", Kind.REMINDER)
    assert not wants("member@example.org", Kind.REMINDER)  # the account's address too
    assert wants("mina@example.org", Kind.WE_DID)
    assert wants("mina@example.org", Kind.REGISTERED)  # must-get: always


def test_staff_are_offered_the_digest(client, staff_user):
    client.force_login(staff_user)
    assert "Staff: a daily digest" in client.get(reverse("notification_preferences")).content.decode()


def test_preferences_need_sign_in(client):
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_preferences_page_has_a_flat_query_count(client, member, django_assert_max_num_queries):
    client.force_login(member)
    for n in range(30):
        Preference.objects.create(email=f"other{n}@example.org", kind=Kind.REMINDER, enabled=False)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notification_preferences")).status_code == 200


def test_one_click_unsubscribe_works_by_post_without_a_session_or_csrf():
    token = unsubscribe_token("pat@example.org", Kind.AGENDA_PUBLISHED)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not wants("pat@example.org", Kind.AGENDA_PUBLISHED)


def test_unsubscribe_by_get_only_asks_to_confirm(client, django_assert_max_num_queries):
    token = unsubscribe_token("pat@example.org", Kind.AGENDA_PUBLISHED)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("unsubscribe", args=[token]))
    assert "Stop emailing" in response.content.decode()
    assert wants("pat@example.org", Kind.AGENDA_PUBLISHED)


def test_a_forged_or_must_get_token_is_refused(client):
    assert client.post(reverse("unsubscribe", args=["forged"])).status_code == 404
    token = unsubscribe_token("pat@example.org", Kind.CLAIM_DECISION)
    assert client.post(reverse("unsubscribe", args=[token])).status_code == 404
