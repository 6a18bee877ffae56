"""Settings for the Partnership Portal.

One module, read from environment variables. The defaults are safe for a
developer's laptop (SQLite, DEBUG on, console email); production sets
``DEBUG=0``, ``SECRET_KEY``, ``DATABASE_URL`` and ``ALLOWED_HOSTS``.
"""

import ipaddress
import logging
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used locally: production has no default secret.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    # Accounts: sign-up, confirming an address, changing it, resetting a password (no social accounts).
    "allauth",
    "allauth.account",
    "csp",
    "partnership_portal",
    "engagement",
    "engagement.notifications",
    "django_tasks",
    "django_tasks_db",
    "meetings",
    "priorities",
    "reimbursement",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership_portal.urls"

# History (django-simple-history) is a record: the back office shows it and never
# reverts to an old version (engagement.admin.ReadOnlyHistoryAdmin refuses the POST too).
SIMPLE_HISTORY_REVERT_DISABLED = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnership_portal.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "partnership_portal.wsgi.application"

# Databases: SQLite locally, PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for a lock beats failing on it when the dev server and a
    # management command write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Write-ahead logging: the task worker and the server read while the other writes, and a commit
    # costs no full sync (each sent message commits a few times).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, so that several app servers share it.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # Room for a region's calendar events (one entry each, meetings/views/feeds.py): the default 300 culls them.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20000}}
    }

# Sessions live in the database: app servers keep no state of their own.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "engagement.backends.MembershipBackend",
    # allauth's (password reset, re-authentication); it grants no permissions of its own.
    "engagement.account_adapter.AccountAuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: five failures lock the username for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
# Username and address together: a shared office IP is not locked for everyone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True


def axes_username(request, credentials=None):
    """The username django-axes records, cut to its 255-character column.

    Django's sign-in form does not limit what is typed as a username, and axes
    stores it as typed: a longer one was a 500 on PostgreSQL (tests/security).
    """
    source = credentials or getattr(request, "data", request.POST)
    username = source.get("username")
    return username[:255] if isinstance(username, str) else username


AXES_USERNAME_CALLABLE = axes_username

# Accounts (django-allauth). Sign-in stays partnership_portal.views.SignInView at /accounts/login/ (axes
# throttles it); allauth serves sign-up, confirming and changing the address, and password reset. A new
# account holds no role anywhere: roles come from a Membership, by asking to join a partnership.
ACCOUNT_ADAPTER = "engagement.account_adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "engagement.account_adapter.PortalSignupForm",
    "reset_password": "engagement.account_adapter.QuietResetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; a new one replaces the old only once it is confirmed.
ACCOUNT_CHANGE_EMAIL = True
# Sign-up says plainly that an address is taken; the reset form still reveals nothing
# (QuietResetPasswordForm) and writes nothing to an address with no account.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_CONFIRMATION_ANONYMOUS_REDIRECT_URL = "login"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Behind reverse proxies (a load balancer, nginx) every request comes from the nearest proxy's address, so
# one address would be locked out for everyone. TRUSTED_PROXY_COUNT says how many proxies stand in front:
# the client's address is then read from X-Forwarded-For, that many entries from the right (the one the
# proxies wrote, not what the client sent). 0, the default, ignores the header: anyone can send it.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)


def client_ip_address(request):
    """The address django-axes counts failed sign-ins against (``AXES_CLIENT_IP_CALLABLE``).

    axes' own ``AXES_IPWARE_PROXY_COUNT`` needs django-ipware, which the portal does not install;
    this callable is axes' other setting for the same job.
    """
    from django.conf import settings  # read at call time, so tests can change the count

    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote  # it did not come through every proxy: only the connection's address is known
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


AXES_CLIENT_IP_CALLABLE = client_ip_address

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files live outside static and are served through permission-checked
# views. Local disk by default; S3-compatible storage when a bucket is named.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never routed: files are served by views
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: a cap on what one file may weigh (receipts, papers).
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Email: SMTP by default (EMAIL_HOST, localhost unless set); EMAIL_BACKEND overrides it, e.g.
# django.core.mail.backends.console.EmailBackend (what `make run` uses) or GOV.UK Notify's backend
# (django_gov_notify.backends.NotifyEmailBackend, with GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587 if os.environ.get("EMAIL_HOST") else 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", bool(os.environ.get("EMAIL_HOST")))
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST") or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-email"))
GOVUK_NOTIFY_API_KEY = os.environ.get("GOVUK_NOTIFY_API_KEY", "")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = os.environ.get("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Partnership Portal <noreply@localhost>")
# The base of every link in a message (no trailing slash): the address people reach the portal at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work: Django's Tasks API (django-tasks). The database backend by default, run by
# `manage.py db_worker`; TASKS_BACKEND=rq with REDIS_URL puts tasks on RQ (`manage.py rqworker
# --job-class django_tasks_rq.Job`); TASKS_BACKEND=immediate runs them in the request (tests).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}}
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Whom people ask when a partnership gives no contact details of its own (the platform's operators); '' none.
PORTAL_CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "")

# Security. Production (DEBUG off) is strict by default; SECURE_SSL_REDIRECT=0
# and SECURE_COOKIES=0 serve plain HTTP on localhost (the load benchmark).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a deliberate choice for the deploying organisation.
    "security.W021",
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# How long financial records are kept after the end of their financial year.
FINANCIAL_RECORD_RETENTION_YEARS = envint("FINANCIAL_RECORD_RETENTION_YEARS", 6)

# Anonymous visitors' pages are served from the cache for up to this long (toolkit/page_cache.py); 0 never.
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", 60)
# Parts of pages that read only a few models (the home page's directory, the calendar feed) are kept for
# everyone, signed in or not, until one of those models changes, and at most this long; 0 never.
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", 60 * 60)
# The apps whose content visitors see: saving or deleting any of their records drops every cached page.
PUBLIC_PAGE_CONTENT_APPS = ["engagement", "meetings", "priorities"]
# The calendar feed (/meetings/calendar.ics) lists upcoming meetings and those that ended in the last
# FEED_PAST_DAYS days (a year by default), not every meeting ever held.
FEED_PAST_DAYS = envint("FEED_PAST_DAYS", 365)


class QuietForbidden(logging.Filter):
    """A 403 is someone opening a page that is not for them, not a fault: one line, without a traceback.

    Django logs "Forbidden (Permission denied)" with the exception's traceback attached.
    """

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_forbidden": {"()": QuietForbidden}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["quiet_forbidden"]},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
