"""The one way the portal's tests log a citizen in: the identity app's own seam
(`identity.citizen.login_citizen`) on a request of its own, whose session the test client or
the browser then carries. The real login (OIDC) calls the same function."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.test import RequestFactory

from identity.citizen import login_citizen

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"


def citizen_session(identifier: str, name: str) -> str:
    """A saved session in which `name` (`identifier`) has logged in with e-ID; its key."""
    request = RequestFactory().get("/min-planering/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login_citizen(
        request, personal_identity_number=identifier, name=name, assurance=LOA3, method="oidc"
    )
    request.session.save()
    return str(request.session.session_key)


def log_in(client, identifier: str, name: str = "Sven Testsson"):
    """Log the test client in as a citizen (a fresh session, as after the e-ID login)."""
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = citizen_session(identifier, name)
    return client


def log_in_browser(page, identifier: str, name: str) -> None:
    """The same for a Playwright page: its cookie carries the citizen's session."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": citizen_session(identifier, name),
                "url": page.base_url,
            }
        ]
    )
