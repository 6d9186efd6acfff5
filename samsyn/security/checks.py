"""Refusals at start: Samsyn does not serve patient data with the public development key."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

PUBLIC_KEY_MESSAGE = (
    "SECRET_KEY is not set (the public development key is in use) and DEBUG is off: "
    "set SECRET_KEY in the environment to a long random value before starting Samsyn."
)


def has_public_secret_key() -> bool:
    """Whether the secret key is missing or is the public one from the repository."""
    return not settings.SECRET_KEY or settings.SECRET_KEY == settings.PUBLIC_DEV_SECRET_KEY


def refuse_public_secret_key() -> None:
    """Raise ImproperlyConfigured when DEBUG is off and the key is the public one. Called by
    the WSGI application (gunicorn, runserver) before it serves anything."""
    if not settings.DEBUG and has_public_secret_key():
        raise ImproperlyConfigured(PUBLIC_KEY_MESSAGE)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    """`check --deploy` fails, not merely warns, on the public key."""
    if has_public_secret_key():
        return [Error(PUBLIC_KEY_MESSAGE, id="samsyn.E001")]
    return []
