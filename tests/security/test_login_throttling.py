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


# --- Behind a reverse proxy (TRUSTED_PROXY_COUNT) ---------------------------------------------------------

PROXY = "10.0.0.2"  # the load balancer: every request reaches the portal from it
ATTACKER, CHAIR_AT_HOME = "203.0.113.66", "198.51.100.7"


def fail_from(client, times, username="chair", **headers):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "a-wrong-guess"}, **headers)


def sign_in_from(client, username="chair", **headers):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD}, **headers)
    client.logout()
    return response.status_code


def test_without_trusted_proxies_a_forged_forwarded_for_cannot_dodge_the_lockout(client, chair, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):  # a new forged address each time
        client.post(
            reverse("login"),
            {"username": "chair", "password": "a-wrong-guess"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        )
    assert sign_in_from(client, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_trusted_proxies_a_forged_forwarded_for_cannot_lock_someone_else_out(client, chair, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    fail_from(client, 5, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=CHAIR_AT_HOME)
    assert sign_in_from(client, REMOTE_ADDR=CHAIR_AT_HOME) == 302


def test_behind_one_proxy_two_people_are_locked_out_separately(client, chair, settings):
    """Five bad passwords from anywhere used to lock the chair out everywhere: all shared the proxy's address."""
    settings.TRUSTED_PROXY_COUNT = 1
    fail_from(client, 5, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert sign_in_from(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER) == 429
    assert sign_in_from(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CHAIR_AT_HOME) == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_one_proxy_only_the_address_the_proxy_wrote_counts(client, chair, settings):
    """The client can put anything on the left of X-Forwarded-For; the proxy appends the real address."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "chair", "password": "a-wrong-guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}, {ATTACKER}",
        )
    assert sign_in_from(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}") == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "counted"),
    [
        (0, "198.51.100.7", PROXY),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", PROXY),  # fewer hops than proxies: it did not come through them all
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_address_counted_is_the_one_the_trusted_proxies_saw(rf, settings, count, forwarded, counted):
    from partnership_portal.settings import client_ip_address

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == counted


def test_axes_counts_with_the_portals_client_address(settings):
    from partnership_portal.settings import client_ip_address

    assert settings.AXES_CLIENT_IP_CALLABLE is client_ip_address
    assert settings.TRUSTED_PROXY_COUNT == 0  # the safe default: the header is ignored
