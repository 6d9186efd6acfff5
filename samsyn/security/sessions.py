"""Session limits: an idle timeout and an absolute lifetime, whatever the cookie says.

Django's own session expiry is one number; a region wants two: a session nobody used for
`SAMSYN_SESSION_IDLE_MINUTES` ends, and every session ends `SAMSYN_SESSION_MAX_HOURS` after
its login, in use or not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LOGIN_AT = "samsyn_login_at"
SEEN_AT = "samsyn_seen_at"
# Write the last-seen time at most this often, so a page with many requests costs one write.
SEEN_RESOLUTION_SECONDS = 30


def session_expired(session, now: float) -> bool:
    """Whether a session whose times are in `session` has ended at `now` (seconds since the
    epoch): idle longer than the idle timeout, or older than the absolute limit."""
    idle = settings.SAMSYN_SESSION_IDLE_MINUTES * 60
    absolute = settings.SAMSYN_SESSION_MAX_HOURS * 3600
    login_at = session.get(LOGIN_AT, now)
    seen_at = session.get(SEEN_AT, now)
    return now - seen_at > idle or now - login_at > absolute


def stamp_login(sender, request, user, **kwargs) -> None:
    """On every login (the `user_logged_in` signal): the session's absolute limit starts now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """Ends a session that was idle too long or has lived too long (see the module).

    A page request is sent to the login page with a message saying why; an API request goes
    on unauthenticated, so the API answers its own 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            if session_expired(session, now):
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, _("Du har loggats ut efter en tids inaktivitet."))
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('login')}?{query}")
            else:
                session.setdefault(LOGIN_AT, now)  # a session made without the login view
                if now - session.get(SEEN_AT, 0) > SEEN_RESOLUTION_SECONDS:
                    session[SEEN_AT] = now
        return self.get_response(request)
