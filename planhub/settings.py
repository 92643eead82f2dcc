"""PlanHub settings: one module, configured through environment variables."""

import os
import tempfile
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from planhub.accounts.client_address import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (a dev default is only used when DEBUG=1).")
    SECRET_KEY = "insecure-dev-only-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "channels",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "pgtrigger",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "planhub.lib",
    "planhub.mail",
    "planhub.accounts",
    "planhub.ledger",
    "planhub.projects",
    "planhub.plans",
    "planhub.notifications",
    "planhub.webhooks",
    "planhub.exports",
    "planhub.reviews",
    "planhub.invitations",
    "planhub.baselines",
    "planhub.live",
    "planhub.coediting",
    "planhub.api",
    "planhub.search",
    "planhub.pages",
]

MIDDLEWARE = [
    "planhub.lib.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "planhub.urls"
# /bench/bare, the load benchmark's baseline (planhub/urls.py): bench/run.py turns it on for the
# servers it starts, and the test settings (pyproject.toml) too; never routed otherwise.
BENCH_ROUTES = envbool("BENCH_ROUTES")
WSGI_APPLICATION = "planhub.wsgi.application"
ASGI_APPLICATION = "planhub.asgi.application"

# The channel layer carries co-editing updates and the plan page's pushes between app servers:
# Redis (channels_redis) where REDIS_URL is set (production, compose), else one process's memory
# (`make run`: a single server).
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_CAPACITY = 2000
# Each Redis connection of a process's pool. redis-py 8: 5 s socket timeout by default, as long
# as the layer's blocking pop (BZPOPMIN, 5 s): every idle consumer then died with "Timeout
# reading from" Redis; 15 s is longer than the pop, short of hanging forever. The pool raises
# MaxConnectionsError past max_connections (100 by default): when a few hundred pages closed at
# once, each socket's group_discard took one and many failed. A bound all of a process's open
# pages can reach at once; a Redis holds 10,000 clients by default.
CHANNEL_REDIS_CONNECTION = {
    "socket_timeout": 15,
    "max_connections": int(os.environ.get("CHANNEL_REDIS_MAX_CONNECTIONS", "1000")),
}
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **CHANNEL_REDIS_CONNECTION}],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "planhub"),
                # A connection's queue: past it, group messages to it are dropped (the default
                # 100 is under a second of 50 people typing in one draft).
                "capacity": CHANNEL_CAPACITY,
            },
        }
        if REDIS_URL
        else {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY},
        }
    )
}

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Pages served through ASGI close theirs at the end of each request anyway
        # (planhub/lib/asgi_db.py); the WebSocket consumers keep theirs (docs/asgi-server.md).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries each read a few hundred rows at most, but a plan
    # estimated above jit_above_cost (the dashboard's queues at 10x the data) spent 3 s
    # compiling for a query that runs in 0.2 s (EXPLAIN ANALYZE, docs/performance-lists.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
    "DB_POOL", default=True
):
    # A pool per process (psycopg_pool): every ASGI request runs in a thread of its own and
    # gives its connection back at the end instead of opening a new one (a PostgreSQL backend
    # started per page view was most of a cached page's cost; docs/asgi-server.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # required by the pool: "closing" gives it back
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("DB_POOL_MAX", "25")),
        "timeout": 5,  # seconds a request waits for a connection (a busy pool, a database restart)
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people save at once: wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A transaction takes the write lock when it begins: one that read first and then wrote
    # could not wait for it (SQLite answers "database is locked" at once, to avoid a deadlock),
    # and an approval beside a live poll's presence write was a 500.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # Tests get a file database (in RAM where there is /dev/shm), not Django's shared-cache
    # in-memory one: that one answers "database table is locked" at once when the browser
    # tests' live server and the test itself touch a table together, where a file waits.
    _test_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", os.path.join(_test_dir, f"planhub-test-{os.getpid()}.sqlite3")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process caches, bounded in bytes (planhub/lib/bounded_cache.py): the least recently used
# entries go first once the total passes the bound. Rendered section HTML is keyed by a hash of
# everything it shows (planhub/pages/fragment_cache.py), so nothing needs invalidating.
# The bounds are what a process can afford (issue 19: < 250 MB each): ~115 MB once it served
# every page, the caches full (16 + 48 MB of pickles), and room for one large page's peak (the
# 1,000-section plan's review page: ~40 MB). 48 MB of fragments hold ~40 plans of 100 sections
# (1.2 MB each; a 1,000-section plan's take 13 MB); every process holds its own copy.
MIB = 1024 * 1024
CACHES = {
    "default": {
        "BACKEND": "planhub.lib.bounded_cache.BoundedLocMemCache",
        "OPTIONS": {"MAX_BYTES": int(float(os.environ.get("CACHE_MAX_MB", "16")) * MIB)},
    },
    "fragments": {
        "BACKEND": "planhub.lib.bounded_cache.BoundedLocMemCache",
        "LOCATION": "planhub-fragments",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_BYTES": int(float(os.environ.get("FRAGMENT_CACHE_MAX_MB", "48")) * MIB)},
    },
}

# Background work (PDF export): Django's tasks API through django-tasks, queued in the database
# (works on SQLite and PostgreSQL, with any number of app servers); `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Each PDF renders in a child process of the worker held to these budgets; over either, the job
# fails with a message to the person who asked (the worker itself carries on).
PDF_JOB_SECONDS = float(os.environ.get("PDF_JOB_SECONDS", "120"))
PDF_JOB_MEMORY_MB = int(os.environ.get("PDF_JOB_MEMORY_MB", "1536"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Each URL worked out once per process (planhub/lib/static_storage.py).
        "BACKEND": "planhub.lib.static_storage.ManifestStaticStorage"
        if envbool("STATIC_MANIFEST")
        else "planhub.lib.static_storage.StaticStorage"
    },
}
# WhiteNoise serves collectstatic's copy (STATIC_ROOT); with this, static/ as it is (DEBUG, and
# tests that run the app under uvicorn without collecting).
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", DEBUG)

# A section body may hold up to this many characters; the form refuses more, keeping the text.
SECTION_BODY_MAX_CHARS = int(os.environ.get("SECTION_BODY_MAX_CHARS", "100000"))
# Large enough that an oversized section reaches the form (and its clear message), not a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

# Logs: one JSON object per line (requests, errors, everything), unless LOG_FORMAT=text.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request log already has every request; Django's own line would repeat it.
        "django.server": {"level": "WARNING"},
        "planhub.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
    },
}

# Security. Behind TLS (HTTPS=1): secure cookies, HSTS, redirect to https (the health check
# stays reachable over plain http for load balancers and container checks).
HTTPS = envbool("HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
# Database sessions (a logout ends them at once on every server), read with precompiled SQL.
SESSION_ENGINE = "planhub.accounts.session_store"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token themselves (hx-headers on <body>)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# No inline script runs: every script is a static file. Styles may be inline (diagrams and
# table alignment use them); images may come from https links in plans.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Log-in throttle: failures per account and per address within the window.
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
LOGIN_FAILURES_PER_USER = int(os.environ.get("LOGIN_FAILURES_PER_USER", "5"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "30"))
# The reverse proxies in front of the app (addresses or CIDR networks, comma-separated): a
# request from one of them has its client address read from X-Forwarded-For, from the right.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None

# Mail (password reset): EMAIL_URL such as smtp://user:password@host:587?tls=1 (STARTTLS),
# smtp://user:password@host:465?ssl=1 (TLS), submission://user:password@host (STARTTLS, 587)
# or console: (printed). Unset: no mail, and password reset by e-mail is not offered.
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
EMAIL_TIMEOUT = 30  # seconds; a mail server that hangs holds up one background job, not forever
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    if "EMAIL_BACKEND" not in _email:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {EMAIL_URL.partition(':')[0]!r} "
            f"(use one of {', '.join(dj_email_url.SCHEMES)})"
        )
    globals().update(_email)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, ...
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "PlanHub <planhub@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# --- Accounts (django-allauth: sign-up, e-mail, MFA, sessions) --------------------------------
# (planhub/accounts; README "Accounts")
# SIGNUP=invite (the default): only an invitation lets a stranger create an account; open: anyone.
SIGNUP = os.environ.get("SIGNUP", "invite").strip().lower()
if SIGNUP not in {"open", "invite"}:
    raise ImproperlyConfigured(f"SIGNUP: {SIGNUP!r} is not one of open, invite")
# The accounts app's adapter, with the invitations' check that an invitation is still usable.
ACCOUNT_ADAPTER = "planhub.invitations.adapter.InvitationAccountAdapter"
# allauth's security key list uses Django's humanize filters.
INSTALLED_APPS.append("django.contrib.humanize")
# Log in by username or e-mail address; sign up with both (README "Accounts").
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# With mail, an address must be verified before its account can log in; without mail nothing
# can be verified (or reset) by e-mail, so addresses are taken as given.
ACCOUNT_EMAIL_VERIFICATION = "mandatory" if EMAIL_URL else "none"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "PlanHub: "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed", "an address was added", ...
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A reset asked for an address without an account gets the same answer, and no mail at all.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {
    "login": "planhub.accounts.forms.LoginForm",
    "change_password": "planhub.accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "planhub.accounts.forms.ResetPasswordKeyForm",
    "signup": "planhub.accounts.forms.SignupForm",
    "reauthenticate": "planhub.accounts.forms.ReauthenticateForm",
}
# Failed log-ins and wrong old passwords are counted by PlanHub's own throttle, in the database
# (shared by every app server), not by allauth's per-process cache.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "change_password": None}
# Every password check (allauth's log-in by username or e-mail, re-authentication, the admin's
# log-in, any other caller of `authenticate`) goes through the throttle.
AUTHENTICATION_BACKENDS = ["planhub.accounts.backends.ThrottledAuthenticationBackend"]
# Two-factor authentication: authenticator apps (TOTP), recovery codes, security keys (WebAuthn,
# which browsers offer only on HTTPS origins and localhost; DEBUG lets plain http through).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "PlanHub"
MFA_TOTP_TOLERANCE = 1  # a code of the previous or next 30 seconds too: phone clocks drift
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Owners can require two-factor authentication for a project (planhub/projects/access.py).
MIDDLEWARE.append("planhub.accounts.mfa.RequireMfaMiddleware")
# Sessions (recorded at log-in) are listed on the profile page, with "log out everywhere". Not
# tracked on every request: that would be a database write per page view.
USERSESSIONS_TRACK_ACTIVITY = False


# --- Single sign-on (OpenID Connect providers from the environment) ---------------------------
# (README "Single sign-on"; docs/sso.md) OIDC_PROVIDERS=corp,partner and per provider
# OIDC_<ID>_ISSUER, OIDC_<ID>_CLIENT_ID, OIDC_<ID>_CLIENT_SECRET, optional OIDC_<ID>_NAME.
from planhub.accounts import sso_config  # noqa: E402 (kept inside this block)

OIDC_PROVIDERS = sso_config.parse_providers(os.environ)
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
    *CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
    *sso_config.form_action_origins(OIDC_PROVIDERS),
]
SOCIALACCOUNT_ADAPTER = "planhub.accounts.social_adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": sso_config.allauth_apps(OIDC_PROVIDERS),
    }
}
# An SSO log-in whose e-mail belongs to an existing account logs in to it only when the provider
# says the address is verified and PlanHub verified it too (the adapter decides; docs/sso.md).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # a log-in starts with a POST (no log-in CSRF by a link)
SOCIALACCOUNT_STORE_TOKENS = False  # PlanHub calls no provider API: keep no tokens
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10  # seconds, per request to a provider


# --- Outgoing mail (the outbox, sent by the worker) -------------------------------------------
# (planhub/mail; docs/notifications.md "Outgoing mail")
# A mail the server refuses (or cannot be reached for) is tried again after
# MAIL_RETRY_BASE_SECONDS, then twice as long each time (at most MAIL_RETRY_MAX_SECONDS apart),
# until MAIL_MAX_ATTEMPTS attempts have failed: then it is FAILED, kept with its last error.
MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))
# A mail claimed by a worker that then died (mid-send) is taken up again after this long; it must
# be well over the time one send can take (EMAIL_TIMEOUT per SMTP step).
MAIL_SEND_LEASE_SECONDS = float(os.environ.get("MAIL_SEND_LEASE_SECONDS", "300"))
if MAIL_MAX_ATTEMPTS < 1 or MAIL_RETRY_BASE_SECONDS < 0 or MAIL_SEND_LEASE_SECONDS <= 0:
    raise ImproperlyConfigured(
        "MAIL_MAX_ATTEMPTS must be at least 1, MAIL_RETRY_BASE_SECONDS at least 0, "
        "MAIL_SEND_LEASE_SECONDS more than 0"
    )


# --- Notifications ------------------------------------------------------------------------
# (planhub/notifications; docs/notifications.md)
# Where PlanHub is reached from outside: the links in mail are absolute URLs under it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL: {SITE_URL!r} must start with http:// or https://")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "planhub.notifications.context_processors.unread_notifications"
)
# Pages served by the ASGI app say so (<meta name="planhub-websockets">): co-editing and push.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("planhub.live.context_processors.websockets")


# --- Webhooks -----------------------------------------------------------------------------
# (planhub/webhooks; README "Webhooks")
# Deliveries never reach loopback, private, link-local (cloud metadata), unique-local,
# multicast or reserved addresses, except in these networks (CIDR, comma-separated), e.g. a
# chat server on the office network: WEBHOOK_ALLOWED_NETWORKS=10.1.2.0/24.
WEBHOOK_ALLOWED_NETWORKS = envlist("WEBHOOK_ALLOWED_NETWORKS")
try:
    parse_networks(WEBHOOK_ALLOWED_NETWORKS)
except ValueError as error:
    raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {error}") from None
# Attempts per delivery (the first and the retries); the n-th retry waits base × 2^(n-1) seconds.
WEBHOOK_ATTEMPTS = max(1, int(os.environ.get("WEBHOOK_ATTEMPTS", "6")))
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_REDIRECTS = int(os.environ.get("WEBHOOK_MAX_REDIRECTS", "3"))


# --- Invitations --------------------------------------------------------------------------
# (planhub/invitations; README "Invitations")
# How long an invitation link works (days); *Resend* gives it as long again.
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "7"))
if INVITATION_EXPIRY_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_EXPIRY_DAYS: at least 1")
