"""Settings of the test OpenID Provider: a separate tiny Django project (django-oidc-provider)
that the identity tests start in a subprocess (`server.py`). It shares nothing with Samsyn but
the Python environment: its own SQLite file, its own users and keys."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = "test-op-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["TEST_OP_DB"]}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/konto/logga-in/"
SESSION_COOKIE_NAME = "test_op_session"  # not Samsyn's cookie name, though the host is shared
CSRF_COOKIE_NAME = "test_op_csrftoken"
SITE_URL = ""  # set by server.py once the port is bound
OIDC_IDTOKEN_PROCESSING_HOOK = "hooks.id_token_claims"
OIDC_IDTOKEN_EXPIRE = 600
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a test OP: fast
