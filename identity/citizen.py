"""The citizen's session: who has logged in to "Min planering" with e-identification.

A citizen is not a staff user (no `User`, no memberships): the session carries the
authenticated person's own personal identity number, name and how strongly they were
identified. Which individuals they may see (themselves, or someone who gave them access as a
relative or representative) is the portal's rule, not this module's.

The one way in is `login_citizen`, called by the OIDC callback (`identity.views`) once the
identity provider's ID token has been verified; `current_citizen` reads it back, and
`citizen_required` guards a portal view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

SESSION_KEY = "samsyn_citizen"
# identity.oidc's keys for RP-initiated logout (named here to keep this module import-light)
_OIDC_PROVIDER_KEY = "samsyn_oidc_provider"
_OIDC_ID_TOKEN_KEY = "samsyn_oidc_id_token"


@dataclass(frozen=True)
class Citizen:
    personal_identity_number: str  # 12 digits, checked by individuals' own parser
    name: str
    assurance: str  # the provider's acr/LoA, e.g. "http://id.elegnamnden.se/loa/1.0/loa3"
    method: str  # "oidc" or, only in a demo with DEBUG, "demo"
    logged_in_at: str  # ISO 8601


def login_citizen(
    request: HttpRequest, *, personal_identity_number: str, name: str, assurance: str, method: str
) -> Citizen:
    """Start a citizen session (a new session key, so a fixed session id cannot be reused)."""
    request.session.cycle_key()
    citizen = Citizen(
        personal_identity_number=personal_identity_number,
        name=name,
        assurance=assurance,
        method=method,
        logged_in_at=timezone.now().isoformat(),
    )
    request.session[SESSION_KEY] = citizen.__dict__
    return citizen


def current_citizen(request: HttpRequest) -> Citizen | None:
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return Citizen(**data) if data else None


def logout_citizen(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    if request.session.get(_OIDC_PROVIDER_KEY) == "citizen":  # the e-ID login's ID token
        request.session.pop(_OIDC_PROVIDER_KEY, None)
        request.session.pop(_OIDC_ID_TOKEN_KEY, None)
    request.session.cycle_key()


def citizen_required(view):
    """A portal view for a logged-in citizen; anyone else goes to the citizen login, and
    comes back afterwards. The view gets `request.citizen`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        citizen = current_citizen(request)
        if citizen is None:
            login = reverse("identity:citizen_login")
            return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        request.citizen = citizen  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
