"""Production settings (DEBUG off) are strict, and Django honours them on real responses.

Settings are read once, at import, so the production values are read in a fresh
Python process with production's environment.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "security-test-" + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
}
# The developer's own values must not leak into "production".
CLEARED = [
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]


def production(*args):
    env = {key: value for key, value in os.environ.items() if key not in CLEARED and key not in PRODUCTION}
    env.update(PRODUCTION)
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def production_settings(*names):
    code = (
        "import json, partnership_portal.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = production(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookies_are_secure_and_out_of_reach_of_scripts():
    found = production_settings("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE")
    assert found == {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "CSRF_COOKIE_SECURE": True}


def test_production_forces_https_and_sends_hsts_and_the_other_headers():
    found = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "DEBUG",
    )
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["SECURE_REFERRER_POLICY"] == "same-origin"
    assert found["X_FRAME_OPTIONS"] == "DENY"
    assert found["DEBUG"] is False


def test_production_checks_passwords_against_all_four_validators():
    found = production_settings("AUTH_PASSWORD_VALIDATORS")
    names = {validator["NAME"].rsplit(".", 1)[-1] for validator in found["AUTH_PASSWORD_VALIDATORS"]}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_check_deploy_is_clean():
    result = production(sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def production_cookies(settings):
    """This process's settings with production's cookie flags."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_HTTPONLY = True


def test_signing_in_sets_a_session_cookie_that_is_secure_and_httponly(client, member, production_cookies):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_csrf_cookie_is_secure(client, db, production_cookies):
    response = client.get(reverse("login"), secure=True)
    assert response.cookies["csrftoken"]["secure"] is True
