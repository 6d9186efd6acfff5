"""Samsyn settings: one plain file. SQLite by default, PostgreSQL when DATABASE_URL says so."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAMSYN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "0") == "1"
# A public key for the demo and the tests; the WSGI application refuses it with DEBUG off
# (samsyn/security/checks.py).
PUBLIC_DEV_SECRET_KEY = "dev-only-not-secret-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY") or PUBLIC_DEV_SECRET_KEY
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "core",
    "organisations",
    "individuals",
    "episodes",
    "audit",
    "process",
    "deviations",
    "indicators",
    "sip",
    "competence",
    "governance",  # groups, action plans, governing documents (issue 14)
    "workspace",
    "continuity",
    "portal",  # the written summary at discharge, the brochure, Min planering (issue 13)
    "identity",  # OIDC login for staff and citizens (issues 13, 16)
    "fhir",  # the FHIR R4 API (issue 16)
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "samsyn.urls"
WSGI_APPLICATION = "samsyn.wsgi.application"

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
                "organisations.context_processors.current_memberships",
                "indicators.context_processors.statistics_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'samsyn.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the sweeper and the web process share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# Concurrent test runs (several developers on one machine) need their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SAMSYN_TEST_DB_NAME") or None}
# Issue 17: statistics reads on a read replica (samsyn/db_router.py; docs/performance.md).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60
    )
    DATABASES["replica"]["TEST"] = {"NAME": os.environ.get("SAMSYN_TEST_REPLICA_DB_NAME") or None}
    DATABASE_ROUTERS = ["samsyn.db_router.ReplicaRouter"]

AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [  # the password policy (issue 9): 12 characters, not common
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve from the apps' static folders too, so a first run needs no collectstatic.
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Need-to-know: how long a unit keeps read access after its part in an episode ended.
SAMSYN_ACCESS_AFTER_END_DAYS = int(os.environ.get("SAMSYN_ACCESS_AFTER_END_DAYS", "90"))
SAMSYN_ACCESS_AFTER_REMOVAL_DAYS = int(os.environ.get("SAMSYN_ACCESS_AFTER_REMOVAL_DAYS", "14"))

# E-mail (Django's mail framework): SMTP in production, set from the environment. Mail carries
# no patient data: only that something waits, and a link (`core.mail.notify`).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Samsyn <noreply@samsyn.invalid>")
# The address pages are reached at, for links in e-mail.
SAMSYN_BASE_URL = os.environ.get("SAMSYN_BASE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "samsyn.health.csrf_failure"

# Covering indexes (`include=`) serve PostgreSQL; on SQLite they are plain indexes, as meant.
SILENCED_SYSTEM_CHECKS = ["models.W040"]


# -- Security (issue 9): login, sessions, HTTPS, CSP, no-store ---------------------------------
# Every value can be set from the environment; the defaults suit the demo and the tests, and
# `SAMSYN_HTTPS=1` (production, behind TLS) turns on HSTS, the HTTPS redirect and Secure
# cookies at once. `manage.py check --deploy` is clean with the production settings
# (samsyn/tests/test_deployment.py).
def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None or value == "" else value == "1"


INSTALLED_APPS += [
    "samsyn.security",  # the deploy checks
    "ninja",  # the API docs from ninja's own static files (swagger-ui), not from a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]
# Static files keep their cache lifetime: no-store goes inside WhiteNoise.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "samsyn.security.headers.NoStoreMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "samsyn.security.sessions.SessionLimitsMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("samsyn.security.sessions.SessionLimitsMiddleware") + 1,
    "core.middleware.ControlCharacterMiddleware",
)
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]
# The benchmark's load run (bench/load.py) reads each request's cost from a Server-Timing
# header; off unless asked for (it tells a client how long the server worked).
if _env_flag("SAMSYN_SERVER_TIMING", False):
    MIDDLEWARE.insert(0, "core.middleware.ServerTimingMiddleware")

# django-axes: failed logins are counted per username and address; at the limit that pair is
# locked out for the cool-off time. Failures (AccessAttempt, AccessFailureLog) and successful
# logins and logouts (AccessLog) are recorded in axes' tables, readable in /admin/.
# AxesBackend only refuses a locked-out login; ModelBackend then checks the password. Axes'
# class comes first (it is also a ModelBackend, so a session made by it reads its user).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("SAMSYN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("SAMSYN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "samsyn.security.login.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("SAMSYN_PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

# The second factor (TOTP, django-otp): administrators and staff always; everyone who logs in
# with a password when SAMSYN_REQUIRE_2FA=1 (production). The demo's `admin` is exempt only
# with DEBUG on (`make run`); never in production.
SAMSYN_REQUIRE_2FA = _env_flag("SAMSYN_REQUIRE_2FA", False)
SAMSYN_2FA_EXEMPT_IN_DEBUG = ["admin"]
OTP_TOTP_ISSUER = "Samsyn"

# Sessions: an idle timeout and an absolute limit (samsyn/security/sessions.py).
SAMSYN_SESSION_IDLE_MINUTES = int(os.environ.get("SAMSYN_SESSION_IDLE_MINUTES", "30"))
SAMSYN_SESSION_MAX_HOURS = int(os.environ.get("SAMSYN_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = SAMSYN_SESSION_MAX_HOURS * 3600

# HTTPS: behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SAMSYN_HTTPS = _env_flag("SAMSYN_HTTPS", False)
if _env_flag("SAMSYN_BEHIND_PROXY", SAMSYN_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_flag("SECURE_SSL_REDIRECT", SAMSYN_HTTPS)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SAMSYN_HTTPS else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", SAMSYN_HTTPS)
SECURE_HSTS_PRELOAD = _env_flag("SECURE_HSTS_PRELOAD", SAMSYN_HTTPS)
SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", SAMSYN_HTTPS)
CSRF_COOKIE_SECURE = _env_flag("CSRF_COOKIE_SECURE", SAMSYN_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles and images from this site only; no
# inline script or style anywhere (templates link static files), no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# A request body larger than this is refused (413 in the API's error shape, samsyn/api.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("SAMSYN_MAX_BODY_BYTES", str(2 * 1024 * 1024)))

# Audit (issue 9): changes of memberships and user rights are audit rows naming who made them;
# the middleware keeps the request's user for them (after authentication, so the user is known).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "audit.changes.ActorMiddleware",
)
# Issue 17: a request's access-log rows in one INSERT once its response exists (audit/log.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("audit.changes.ActorMiddleware") + 1,
    "audit.log.AccessLogPerRequest",
)
if "replica" in DATABASES:
    MIDDLEWARE.append("samsyn.db_router.StatisticsOnReplica")

# Jobs (issue 10): the job runner, django-tasks with its database backend (SQLite and
# PostgreSQL alike, no broker). `manage.py db_worker` runs the queue (several may run at once);
# `manage.py schedule_jobs` starts the periodic sweep and the units' e-mail (docs/jobs.md).
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "jobs"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SAMSYN_SWEEP_INTERVAL_SECONDS = int(os.environ.get("SAMSYN_SWEEP_INTERVAL_SECONDS", "300"))
# A unit that gave a notification address is told this many hours before a deadline.
SAMSYN_DEADLINE_NOTICE_HOURS = int(os.environ.get("SAMSYN_DEADLINE_NOTICE_HOURS", "4"))

# Surveys (issue 15): the individual's experience survey. A code typed wrong this many times
# from one address within the window locks that address out of the answer page for the window
# (in Django's cache: use a shared cache, e.g. the database cache, with several app servers).
# No result group with fewer answers than SAMSYN_SURVEY_MIN_GROUP is shown.
INSTALLED_APPS += ["surveys"]
SAMSYN_SURVEY_CODE_ATTEMPTS = int(os.environ.get("SAMSYN_SURVEY_CODE_ATTEMPTS", "10"))
SAMSYN_SURVEY_CODE_WINDOW_MINUTES = int(os.environ.get("SAMSYN_SURVEY_CODE_WINDOW_MINUTES", "15"))
SAMSYN_SURVEY_MIN_GROUP = int(os.environ.get("SAMSYN_SURVEY_MIN_GROUP", "5"))

# Interop (issue 16): HL7 v2 ADT in over MLLP (`manage.py mllp_listener`). A message larger
# than the limit is refused (AR) and the connection closed; a client silent for the timeout
# in the middle of a message (slow or half-open) is disconnected so it blocks no one.
INSTALLED_APPS += ["interop"]
SAMSYN_MLLP_MAX_BYTES = int(os.environ.get("SAMSYN_MLLP_MAX_BYTES", str(1024 * 1024)))
SAMSYN_MLLP_READ_TIMEOUT_SECONDS = float(os.environ.get("SAMSYN_MLLP_READ_TIMEOUT_SECONDS", "30"))
# The received ADT messages' text (it names the person) is emptied after this many calendar
# days by the periodic job; the control id, hash, outcome and ACK stay (interop.hl7.retention).
SAMSYN_HL7_RAW_RETENTION_DAYS = int(os.environ.get("SAMSYN_HL7_RAW_RETENTION_DAYS", "30"))

# Login with e-ID over OpenID Connect (issues 13, 16; identity/oidc.py): authorization code
# flow with PKCE, the ID token RS256-verified with the provider's JWKS. Each client is off
# until its discovery URL (or issuer) and client id are set. Staff: SITHS / e-tjänstekort
# through the region's IdP, matched on the HSA id claim to an existing active user (never
# created); an acr in STRONG_ACR counts as the second factor. Citizens ("Min planering"):
# BankID, Freja eID … through the region's e-ID broker; the personal identity number claim
# must pass individuals' own parser and the acr must be one of REQUIRED_ACR.
_LOA3, _LOA4 = "http://id.elegnamnden.se/loa/1.0/loa3", "http://id.elegnamnden.se/loa/1.0/loa4"


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return default if value is None else [part.strip() for part in value.split(",") if part.strip()]


SAMSYN_OIDC_STAFF = {
    "DISCOVERY_URL": os.environ.get("SAMSYN_OIDC_STAFF_DISCOVERY_URL", ""),
    "ISSUER": os.environ.get("SAMSYN_OIDC_STAFF_ISSUER", ""),
    "CLIENT_ID": os.environ.get("SAMSYN_OIDC_STAFF_CLIENT_ID", ""),
    "CLIENT_SECRET": os.environ.get("SAMSYN_OIDC_STAFF_CLIENT_SECRET", ""),
    "SCOPES": os.environ.get("SAMSYN_OIDC_STAFF_SCOPES", "openid profile"),
    "ACR_VALUES": os.environ.get("SAMSYN_OIDC_STAFF_ACR_VALUES", ""),
    "HSA_ID_CLAIM": os.environ.get("SAMSYN_OIDC_STAFF_HSA_ID_CLAIM", "hsa_id"),
    "STRONG_ACR": _env_list(
        "SAMSYN_OIDC_STAFF_STRONG_ACR",
        [_LOA3, _LOA4, "http://id.sambi.se/loa/loa3", "http://id.sambi.se/loa/loa4"],
    ),
}
SAMSYN_OIDC_CITIZEN = {
    "DISCOVERY_URL": os.environ.get("SAMSYN_OIDC_CITIZEN_DISCOVERY_URL", ""),
    "ISSUER": os.environ.get("SAMSYN_OIDC_CITIZEN_ISSUER", ""),
    "CLIENT_ID": os.environ.get("SAMSYN_OIDC_CITIZEN_CLIENT_ID", ""),
    "CLIENT_SECRET": os.environ.get("SAMSYN_OIDC_CITIZEN_CLIENT_SECRET", ""),
    "SCOPES": os.environ.get("SAMSYN_OIDC_CITIZEN_SCOPES", "openid profile"),
    "ACR_VALUES": os.environ.get("SAMSYN_OIDC_CITIZEN_ACR_VALUES", ""),
    "PNR_CLAIM": os.environ.get("SAMSYN_OIDC_CITIZEN_PNR_CLAIM", "personal_identity_number"),
    "NAME_CLAIM": os.environ.get("SAMSYN_OIDC_CITIZEN_NAME_CLAIM", "name"),
    "REQUIRED_ACR": _env_list("SAMSYN_OIDC_CITIZEN_REQUIRED_ACR", [_LOA3, _LOA4]),
}
# The password login stays for the demo and for a region without an IdP; off in production
# once everyone logs in with SITHS (SAMSYN_PASSWORD_LOGIN=0).
SAMSYN_PASSWORD_LOGIN = _env_flag("SAMSYN_PASSWORD_LOGIN", True)
# The demo's "Testlegitimation" (pick a fictional individual instead of an e-ID): only with
# DEBUG on as well (`make run`); answers 404 otherwise.
SAMSYN_DEMO_CITIZEN_LOGIN = _env_flag("SAMSYN_DEMO_CITIZEN_LOGIN", False)
# The form posts that lead to a provider (RP-initiated logout) need its origin in form-action.
MIDDLEWARE += ["identity.middleware.ProviderFormActionMiddleware"]
