"""Shared helpers of the workspace tests."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.smtp import smtp_server  # noqa: F401  (the real SMTP server fixture)


def sign_in(page, user) -> None:
    """Give the browser a session of `user` (the login form itself is tested by the login's
    own tests; these tests are about the pages behind it)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )
