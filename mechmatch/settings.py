"""The one settings module. Every value comes from the environment with a safe default;
every variable is listed in .env.example."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """A typo must not quietly read as false (SECURE_COOKIES=ture would drop the cookies' flag)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in {"true", "1", "yes", "on"}:
        return True
    if word in {"false", "0", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A count or a number of seconds: a word or a value below `minimum` stops the start,
    naming the variable (WEB_WORKERS=0 would otherwise serve nothing, quietly)."""
    return int(_env_number(name, default, int, minimum))


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    return float(_env_number(name, default, float, minimum))


def _env_number(name: str, default: float, kind: type[int] | type[float], minimum: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = kind(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not {'a whole number' if kind is int else 'a number'}."
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is below its minimum of {minimum}.")
    return number


def env_secret(name: str, *, min_length: int) -> str:
    """A secret that is either unset ("") or long enough; a short one stops the start."""
    value = env_str(name).strip()
    if value and len(value) < min_length:
        raise ImproperlyConfigured(f"{name} is too short: use at least {min_length} characters, or leave it unset.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def secret_key_from_file(path: Path) -> str:
    """The key kept in `path`, generated (readable by its owner only) the first time."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f"{path.name}.{os.getpid()}")
    draft.write_text(secrets.token_urlsafe(50) + "\n")
    draft.chmod(0o600)
    try:
        os.link(draft, path)  # atomic: exactly one concurrent starter's key wins
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Front ends on other origins may call the JSON API (bearer tokens, so no cookies by default);
# the pages stay same-origin.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_ALLOW_CREDENTIALS = env_bool("CORS_ALLOW_CREDENTIALS", False)
CORS_URLS_REGEX = r"^/api/.*$"
SITE_NAME = env_str("SITE_NAME", "mechmatch")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "csp",
    "corsheaders",
    "mechmatch.accounts",
    "mechmatch.geography",
    "mechmatch.mechanics",
    "mechmatch.customers",
    "mechmatch.matching",
    "mechmatch.funnel",
    "mechmatch.experiments",
    "mechmatch.dispatch",
    "mechmatch.payments",
    "mechmatch.journey",
    "mechmatch.serving",
    "mechmatch.notifications",
    "mechmatch.scheduling",
]

MIDDLEWARE = [
    # First, so a request's time covers every other middleware (/metrics).
    "mechmatch.monitoring.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mechmatch.middleware.RefuseNulCharactersMiddleware",
    # Last, so it sees the response of a sign-in that locked someone out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mechmatch.urls"
WSGI_APPLICATION = "mechmatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mechmatch.notifications.context_processors.header_counts",
            ],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL when DATABASE_URL points at it.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mechmatch.sqlite3'}")
DATABASES = {
    # Health checks: a persistent connection broken by a database restart is replaced at the
    # next request instead of failing it.
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
    }
    # A file, not :memory:, so live-server and multi-process tests see the same data.
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DB_NAME", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))}
elif env_str("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DB_NAME")}
IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# A database that is down or unreachable fails a request in seconds (a 503), never hangs it.
DB_CONNECT_TIMEOUT_SECONDS = env_int("DB_CONNECT_TIMEOUT_SECONDS", 3)
if not IS_SQLITE:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT_SECONDS

# No built-in fallback key: a constant would sign every deployment's sessions alike. Without
# one it stays empty, which the web process refuses to start with (mechmatch/wsgi.py) and
# Django refuses to sign with; tools that only read settings (mypy, manage.py help) still load.
# SECRET_KEY_FILE (relative to the project) keeps a generated key on this machine: make run,
# manage.py, the tests and DEBUG use var/secret-key.
SECRET_KEY_FILE = env_str("SECRET_KEY_FILE", str(VAR_DIR / "secret-key") if DEBUG else "")
SECRET_KEY = env_str("SECRET_KEY", "") or (secret_key_from_file(BASE_DIR / SECRET_KEY_FILE) if SECRET_KEY_FILE else "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Fast hashing in tests only; the suite creates many users.
if env_bool("FAST_PASSWORD_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
# Each language named in its own tongue, untranslated, as a switcher should show them.
LANGUAGES = [("en", "English"), ("fr-ca", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# fr-CA dates as Québec writes them ("19 h 07"), and the weekday forms both languages share.
FORMAT_MODULE_PATH = ["mechmatch.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS in production (README "Production"): all off by default so `make run` works over http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS, its X-Forwarded-Proto says whether the client used https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Redis is optional: used as the cross-process event broker when set.
REDIS_URL = env_str("REDIS_URL", "")

# Geography: where derived lookup tables are cached (built from the PyPI packages' data).
GEO_CACHE_DIR = Path(env_str("GEO_CACHE_DIR", str(VAR_DIR / "geo-cache")))

# Demo data loaded by `make run` when the database is empty.
DEMO_MECHANICS = env_int("DEMO_MECHANICS", 3000)
DEMO_CUSTOMERS = env_int("DEMO_CUSTOMERS", 200)
DEMO_SEED = env_int("DEMO_SEED", 42)
DEMO_ACCOUNTS_FILE = Path(env_str("DEMO_ACCOUNTS_FILE", str(BASE_DIR / "demo-accounts.json")))

# Dispatch: offer windows and fallbacks (seconds), the dispatcher's poll, the event broker.
OFFER_WINDOW_SECONDS = env_int("OFFER_WINDOW_SECONDS", 300)  # exclusive window for a chosen mechanic
FALLBACK_DELAY_SECONDS = env_int("FALLBACK_DELAY_SECONDS", 120)  # customer's time to choose before auto-match
EXTEND_WINDOW_SECONDS = env_int("EXTEND_WINDOW_SECONDS", 300)  # "wait longer" for the same mechanic
BROADCAST_WINDOW_SECONDS = env_int("BROADCAST_WINDOW_SECONDS", 600)  # smart/wide broadcast offers live longer
SMART_BROADCAST_SIZE = env_int("SMART_BROADCAST_SIZE", 10)
BROADCAST_CAP = env_int("BROADCAST_CAP", 50)  # "every eligible mechanic", capped
MAX_OPEN_OFFERS_PER_MECHANIC = env_int("MAX_OPEN_OFFERS_PER_MECHANIC", 5)  # fairness: spread broadcasts
NEW_MECHANIC_DAYS = env_int("NEW_MECHANIC_DAYS", 30)
NEW_MECHANIC_SESSIONS = env_int("NEW_MECHANIC_SESSIONS", 5)
NEW_MECHANIC_OFFER_SHARE = env_float("NEW_MECHANIC_OFFER_SHARE", 0.2)
DISPATCH_POLL_SECONDS = env_float("DISPATCH_POLL_SECONDS", 1.0)
# Requests per dispatcher transaction: ~50 ms of SQLite's one write lock on a quiet machine.
DISPATCH_BATCH = env_int("DISPATCH_BATCH", 100, minimum=1)
DISPATCH_LOG_SECONDS = env_float("DISPATCH_LOG_SECONDS", 60.0)  # the dispatcher's status line (lag, counts)
# After a database or broker error the dispatcher waits up to this long (exponential, jittered).
DISPATCH_BACKOFF_MAX_SECONDS = env_float("DISPATCH_BACKOFF_MAX_SECONDS", 10.0)
EVENT_BROKER = env_str("EVENT_BROKER", "auto")  # auto | inprocess | postgres | redis
EVENT_STREAM_SECONDS = env_int("EVENT_STREAM_SECONDS", 900)  # then EventSource reconnects (Last-Event-ID)
EVENT_HEARTBEAT_SECONDS = env_float("EVENT_HEARTBEAT_SECONDS", 15.0)

# Serving (mechmatch/serving): gunicorn processes with uvicorn workers; streams on each
# worker's event loop (one subscriber per process), pages on its thread pool.
# `Authorization: Bearer <token>` lets a Prometheus scraper read /metrics (staff sessions
# always may); unset, only staff can. At least 24 characters.
METRICS_TOKEN = env_secret("METRICS_TOKEN", min_length=24)
WEB_WORKERS = env_int("WEB_WORKERS", (os.cpu_count() or 1) + 1, minimum=1)
WEB_THREADS = env_int("WEB_THREADS", 8, minimum=1)
EVENT_STREAMS_PER_USER = env_int("EVENT_STREAMS_PER_USER", 10)  # per serving process
EVENT_STREAM_DB_THREADS = env_int("EVENT_STREAM_DB_THREADS", 2, minimum=1)
EVENT_SQLITE_POLL_SECONDS = env_float("EVENT_SQLITE_POLL_SECONDS", 0.1)
EVENT_SAFETY_POLL_SECONDS = env_float("EVENT_SAFETY_POLL_SECONDS", 5.0)  # sweep despite LISTEN / pub-sub
EVENT_FALLBACK_POLL_SECONDS = env_float("EVENT_FALLBACK_POLL_SECONDS", 1.0)  # while the subscriber is down
REDIS_TIMEOUT_SECONDS = env_float("REDIS_TIMEOUT_SECONDS", 0.25)  # a hung Redis costs a write this, once

# Payments: the built-in test provider unless both Stripe keys are set (or PAYMENT_PROVIDER
# names one). A customer returning from checkout is never taken as proof of payment.
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "")
# Refund worker: attempts before a refund is left FAILED for an operator, and the backoff cap.
REFUND_MAX_ATTEMPTS = env_int("REFUND_MAX_ATTEMPTS", 8)
REFUND_BACKOFF_MAX_SECONDS = env_int("REFUND_BACKOFF_MAX_SECONDS", 3600)
# A paid request nobody has accepted after this long offers its refund (waiting room and a
# notification); 0 turns the offer off.
REFUND_OFFER_AFTER_SECONDS = env_int("REFUND_OFFER_AFTER_SECONDS", 600)
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Bump when the customer terms change: acceptance is recorded per version.
WAIVER_VERSION = env_str("WAIVER_VERSION", "2026-11")
INTAKE_PHOTO_MAX_BYTES = env_int("INTAKE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# The session's video call. ICE_SERVERS: comma-separated stun:/turn:/turns: URLs; TURN URLs get a
# coturn shared-secret credential (use-auth-secret, static-auth-secret = TURN_SECRET) minted per
# person and session, valid for the plan's length plus the grace. Empty: host candidates only.
ICE_SERVERS = env_list("ICE_SERVERS", "")
TURN_SECRET = env_str("TURN_SECRET", "")
TURN_CREDENTIAL_GRACE_SECONDS = env_int("TURN_CREDENTIAL_GRACE_SECONDS", 900)

# ---------------------------------------------------------------- abuse: sign-in, rate limits, tokens
# One shared cache for rate-limit counters: the database (`manage.py createcachetable`, run by
# `make migrate`; tests create it with the test database), Redis when REDIS_URL is set.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mechmatch"),
            # A hung Redis must fail a call in REDIS_TIMEOUT_SECONDS, not hang it (redis-py
            # retries 3 times by default, so no retries either).
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "retry": Retry(NoBackoff(), 0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Per process, never shared: short-lived copies of what every visitor sees alike (the home
# page's sample of mechanics). Losing it costs a recomputation, never a wrong answer.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mechmatch-local"}
SHOWCASE_CACHE_SECONDS = env_int("SHOWCASE_CACHE_SECONDS", 15)
# Reverse proxies in front that append to X-Forwarded-For. 0 (no proxy) trusts only the socket
# address: ninja's default (None) trusts the header, so a client rotating it is never limited.
NINJA_NUM_PROXIES = env_int("NUM_PROXIES", 0)
# Per scope, "count/period" (s, min, hour, day); empty turns a limit off. Keyed by user when
# signed in, else by client address (mechmatch/throttles.py).
RATE_LIMITS = {
    "token": env_str("RATE_LIMIT_TOKEN", "20/min"),
    "preview": env_str("RATE_LIMIT_PREVIEW", "30/min"),
    "directory": env_str("RATE_LIMIT_DIRECTORY", "120/min"),
    "keywords": env_str("RATE_LIMIT_KEYWORDS", "60/min"),
    "chat": env_str("RATE_LIMIT_CHAT", "30/min"),
}
# django-axes on every sign-in (the page, POST /api/auth/token, the admin): a lock per email and
# client address together, so an attacker cannot lock the owner out from elsewhere; it lifts
# after the cool-off, and each try during it starts the cool-off again.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "mechmatch.accounts.lockout.signin_username"
AXES_CLIENT_IP_CALLABLE = "mechmatch.throttles.client_address"
AXES_LOCKOUT_CALLABLE = "mechmatch.accounts.lockout.lockout_response"
# API tokens: refused after this many days unused (each use slides it); at most this many live
# per user, the least recently used revoked first.
TOKEN_IDLE_DAYS = env_int("TOKEN_IDLE_DAYS", 30)
TOKEN_MAX_PER_USER = env_int("TOKEN_MAX_PER_USER", 10)

# ---------------------------------------------------------------- Content-Security-Policy
# The pages and /api/docs load only our own static files and call only this origin (event
# streams included). form-action lists Stripe Checkout: a same-origin POST that redirects there
# is otherwise blocked.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'", "https://checkout.stripe.com"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Notifications: the outbox worker (`manage.py notify`) sends e-mail through Django's mail
# framework; console output unless EMAIL_BACKEND says otherwise (SMTP in production).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mechmatch <no-reply@localhost>")
NOTIFY_POLL_SECONDS = env_float("NOTIFY_POLL_SECONDS", 1.0)
NOTIFY_CLAIM_TIMEOUT_SECONDS = env_int("NOTIFY_CLAIM_TIMEOUT_SECONDS", 120)  # a claim older than this is retaken
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8)
NOTIFY_AVAILABLE_RADIUS_KM = env_float("NOTIFY_AVAILABLE_RADIUS_KM", 150.0)  # "within reach" for a waiting contact

# Scheduled sessions (mechmatch/scheduling)
SCHEDULE_FULL_REFUND_HOURS = env_int("SCHEDULE_FULL_REFUND_HOURS", 24)  # cancel this long before: full refund
SCHEDULE_LEAD_MINUTES = env_int("SCHEDULE_LEAD_MINUTES", 30)  # the earliest bookable slot, from now
SCHEDULE_WINDOW_DAYS = env_int("SCHEDULE_WINDOW_DAYS", 14)  # how far ahead slots are offered
SCHEDULE_CLAIM_TIMEOUT_SECONDS = env_int("SCHEDULE_CLAIM_TIMEOUT_SECONDS", 300)  # a stuck start is retaken

# The covering cell indexes include the id column on PostgreSQL (index-only scans); SQLite
# always has the rowid in an index, so ignoring `include` there loses nothing.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
