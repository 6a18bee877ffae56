"""Settings come from environment variables; production refuses unsafe defaults.

Each test imports the settings in a fresh Python process, because settings
are read once, at import.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "test-" + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
}
# Variables the tests set themselves; the developer's own values must not leak in.
CONTROLLED = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "SITE_URL",
    "TASKS_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "MEDIA_ROOT",
    "MAX_UPLOAD_BYTES",
    "FINANCIAL_RECORD_RETENTION_YEARS",
]


def environment(**variables):
    env = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    env.update(variables)
    return env


def run_python(code, **variables):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment(**variables), capture_output=True, text=True, timeout=60
    )


def read_settings(*names, **variables):
    """The named settings as a fresh process sees them with ``variables`` in its environment."""
    code = (
        "import json, partnership_portal.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(code, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_without_a_secret_key_refuses_to_start():
    result = run_python("import partnership_portal.settings", DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_local_development_has_a_clearly_insecure_key_only_with_debug():
    values = read_settings("DEBUG", "SECRET_KEY")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("django-insecure-")


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_sqlite_is_the_default_database():
    engine = read_settings("DATABASES")["DATABASES"]["default"]["ENGINE"]
    assert engine == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    database = read_settings("DATABASES", DATABASE_URL="postgres://portal:pw@db.internal:5432/portal")["DATABASES"]
    assert database["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert (database["default"]["HOST"], database["default"]["NAME"]) == ("db.internal", "portal")


def test_production_is_strict_by_default():
    values = read_settings(
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", **PRODUCTION
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }


def test_plain_http_on_localhost_can_be_chosen_explicitly():
    values = read_settings(
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", **PRODUCTION
    )
    assert values == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False}


def test_hosts_and_trusted_origins_are_comma_separated_lists():
    values = read_settings(
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        ALLOWED_HOSTS="portal.example.org, www.portal.example.org",
        CSRF_TRUSTED_ORIGINS="https://portal.example.org",
    )
    assert values["ALLOWED_HOSTS"] == ["portal.example.org", "www.portal.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.org"]


def test_redis_url_selects_the_shared_redis_cache():
    assert read_settings("CACHES")["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    caches = read_settings("CACHES", REDIS_URL="redis://cache.internal:6379/1")["CACHES"]
    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }


def test_sessions_live_in_the_database():
    assert read_settings("SESSION_ENGINE")["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_a_bucket_name_puts_uploads_in_private_s3_storage():
    assert read_settings("STORAGES")["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    storage = read_settings(
        "STORAGES",
        AWS_STORAGE_BUCKET_NAME="portal-uploads",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
        AWS_S3_REGION_NAME="eu-west-2",
    )["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "portal-uploads"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["querystring_auth"] is True


def test_production_serves_compressed_hashed_static_files():
    backend = read_settings("STORAGES", **PRODUCTION)["STORAGES"]["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_email_host_switches_to_smtp():
    assert read_settings("EMAIL_BACKEND")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    values = read_settings(
        "EMAIL_BACKEND",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="portal",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="Portal <portal@example.org>",
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "portal",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Portal <portal@example.org>",
    }


@pytest.mark.parametrize(
    "name, value, expected",
    [("MAX_UPLOAD_BYTES", "1048576", 1048576), ("FINANCIAL_RECORD_RETENTION_YEARS", "7", 7)],
)
def test_numbers_come_from_the_environment(name, value, expected):
    assert read_settings(name, **{name: value})[name] == expected


def test_media_root_comes_from_the_environment(tmp_path):
    assert read_settings("MEDIA_ROOT", MEDIA_ROOT=str(tmp_path))["MEDIA_ROOT"] == str(tmp_path)


def test_email_backend_overrides_smtp_and_console():
    notify = "django_gov_notify.backends.NotifyEmailBackend"
    assert read_settings("EMAIL_BACKEND", EMAIL_BACKEND=notify)["EMAIL_BACKEND"] == notify
    assert (
        read_settings("EMAIL_BACKEND", EMAIL_BACKEND=notify, EMAIL_HOST="smtp.example.org")["EMAIL_BACKEND"] == notify
    )


def test_site_url_is_the_base_of_links_without_a_trailing_slash():
    assert read_settings("SITE_URL", SITE_URL="https://portal.example.org/")["SITE_URL"] == "https://portal.example.org"


def test_tasks_use_the_database_backend_by_default_and_rq_on_request():
    assert read_settings("TASKS")["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    values = read_settings("TASKS", "RQ_QUEUES", TASKS_BACKEND="rq", REDIS_URL="redis://cache.internal:6379/3")
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["RQ_QUEUES"]["default"]["URL"] == "redis://cache.internal:6379/3"


def test_rq_without_redis_or_an_unknown_backend_refuses_to_start():
    assert "needs REDIS_URL" in run_python("import partnership_portal.settings", TASKS_BACKEND="rq").stderr
    assert (
        "TASKS_BACKEND must be one of"
        in run_python("import partnership_portal.settings", TASKS_BACKEND="celery").stderr
    )
