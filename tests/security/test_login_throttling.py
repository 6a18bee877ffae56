"""Sign-in throttling (django-axes): five failures lock the username at that address for 15 minutes."""

import datetime

import pytest
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD, page_text


def fail_to_sign_in(client, url, times, username="member"):
    """``times`` wrong passwords; the form comes back until the fifth, which locks."""
    for attempt in range(1, times + 1):
        response = client.post(url, {"username": username, "password": "a-wrong-guess"})
        assert response.status_code == (429 if attempt >= 5 else 200), f"attempt {attempt}"
    return response


def test_settings_lock_after_five_failures_for_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert get_cool_off() == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_TEMPLATE == "registration/locked_out.html"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_fifth_failure_locks_out_even_the_right_password_with_a_clear_message(client, member):
    fifth = fail_to_sign_in(client, reverse("login"), 5)
    assert "15 minutes" in page_text(fifth)
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert SESSION_KEY not in client.session
    text = page_text(response)
    assert "Too many sign-in attempts" in text
    assert "15 minutes" in text
    assert "5 failed attempts" in text
    assert reverse("password_reset") in text  # a way forward, not a dead end


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(client, member):
    fail_to_sign_in(client, reverse("login"), 4)
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    fail_to_sign_in(client, reverse("login"), 4)
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302


def test_back_office_sign_in_is_throttled_too(client, chair):
    fail_to_sign_in(client, reverse("admin:login"), 5, username="chair")
    response = client.post(reverse("admin:login"), {"username": "chair", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert SESSION_KEY not in client.session
    assert "15 minutes" in page_text(response)


def test_lockout_is_per_username_and_address_so_a_shared_office_is_not_locked(client, member, other_member):
    fail_to_sign_in(client, reverse("login"), 5)
    # Another person at the same address signs in.
    response = client.post(reverse("login"), {"username": "member2", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    # The same person from another address signs in too.
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD}, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302


def test_after_fifteen_minutes_the_person_can_sign_in_again(client, member):
    fail_to_sign_in(client, reverse("login"), 5)
    assert client.post(reverse("login"), {"username": "member", "password": PASSWORD}).status_code in (403, 429)
    # Sixteen minutes pass.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_an_over_long_username_is_a_failed_sign_in_not_a_server_error(client, member, length):
    # django-axes stores the username in a 255-character column: this was a 500 on PostgreSQL.
    response = client.post(reverse("login"), {"username": "m" * length, "password": "x" * length})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page_text(response)
    assert SESSION_KEY not in client.session
    attempt = AccessAttempt.objects.get()
    assert len(attempt.username) <= 255
