"""OpenID Connect login (authorization code flow with PKCE) against an e-ID provider: one
client for staff (SITHS / e-tjänstekort through the region's identity provider) and one for
citizens (BankID, Freja eID … through the region's e-ID broker), each configured by its own
settings dict (`SAMSYN_OIDC_STAFF`, `SAMSYN_OIDC_CITIZEN`, read from the environment in
samsyn/settings.py).

The protocol is Authlib's (no hand-written OAuth): `begin` sends the browser to the provider's
authorization endpoint with a fresh `state`, `nonce` and PKCE S256 `code_challenge`, kept in
this session; `complete` checks the returned `state` against the session, exchanges the code
with the `code_verifier` and the client secret, and verifies the ID token: RS256 only, signed
by a key in the provider's JWKS, `iss`, `aud`, `exp`/`iat` and the session's `nonce`. What the
claims mean (an HSA id that names a user, a personal identity number) is decided by the
callers: `samsyn/security/login.py` for staff, `identity/views.py` for citizens.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

log = logging.getLogger(__name__)

STAFF = "staff"
CITIZEN = "citizen"
# The session keys of a login in progress (by provider) and of an OIDC session's ID token,
# kept for RP-initiated logout (`id_token_hint`).
_NEXT_KEY = "samsyn_oidc_next_{}"
ID_TOKEN_KEY = "samsyn_oidc_id_token"
PROVIDER_KEY = "samsyn_oidc_provider"
# The ID token's signature algorithm: the provider's RSA keys only (never HS256 with the
# client secret, never "none"), whatever the discovery document offers.
ALGORITHMS = ["RS256"]
_METADATA_SECONDS = 3600  # discovery and JWKS are fetched again after an hour


@dataclass(frozen=True)
class Provider:
    """One configured OIDC client."""

    key: str  # STAFF or CITIZEN
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    acr_values: str  # asked for in the authorization request ("" = the provider's default)

    @classmethod
    def from_settings(cls, key: str) -> Provider | None:
        config = getattr(settings, f"SAMSYN_OIDC_{key.upper()}", None) or {}
        discovery = config.get("DISCOVERY_URL") or ""
        issuer = (config.get("ISSUER") or "").rstrip("/")
        if not discovery and issuer:
            discovery = f"{issuer}/.well-known/openid-configuration"
        if not discovery or not config.get("CLIENT_ID"):
            return None
        return cls(
            key=key,
            discovery_url=discovery,
            client_id=config["CLIENT_ID"],
            client_secret=config.get("CLIENT_SECRET") or "",
            scopes=config.get("SCOPES") or "openid profile",
            acr_values=config.get("ACR_VALUES") or "",
        )


def staff_provider() -> Provider | None:
    """The staff client, or None when no provider is configured (the login page then shows
    only the password form)."""
    return Provider.from_settings(STAFF)


def citizen_provider() -> Provider | None:
    return Provider.from_settings(CITIZEN)


def config(key: str) -> dict[str, Any]:
    return getattr(settings, f"SAMSYN_OIDC_{key.upper()}", None) or {}


class LoginFailed(Exception):
    """The provider's answer is not a valid login. `reason` is for the log, `message` (Swedish)
    for the person."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Login:
    claims: dict[str, Any]  # the verified ID token's claims
    id_token: str  # the raw ID token, for RP-initiated logout
    next: str  # where the person was going (checked again by the caller)

    @property
    def acr(self) -> str:
        return str(self.claims.get("acr") or "")


_apps: dict[Provider, tuple[float, Any]] = {}
_lock = threading.Lock()


def _app(provider: Provider):
    """Authlib's client for `provider` (its discovery and JWKS cached for an hour)."""
    with _lock:
        made, app = _apps.get(provider, (0.0, None))
        if app is None or time.monotonic() - made > _METADATA_SECONDS:
            registry = OAuth()
            app = registry.register(
                name=f"samsyn_{provider.key}",
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.discovery_url,
                client_kwargs={
                    "scope": provider.scopes,
                    "code_challenge_method": "S256",
                    "token_endpoint_auth_method": "client_secret_basic",
                    "timeout": 10,
                },
            )
            _apps[provider] = (time.monotonic(), app)
        return app


def _metadata(provider: Provider) -> dict[str, Any]:
    app = _app(provider)
    try:
        metadata = app.load_server_metadata()
    except Exception as error:  # network, TLS, not JSON: the provider cannot be reached
        log.warning("OIDC %s: discovery failed: %s", provider.key, error)
        raise LoginFailed(
            "discovery_failed",
            _("Inloggningstjänsten svarar inte just nu. Försök igen om en stund."),
        ) from error
    metadata["id_token_signing_alg_values_supported"] = ALGORITHMS
    return metadata


def begin(request: HttpRequest, provider: Provider, redirect_uri: str, next_url: str):
    """Send the browser to the provider (state, nonce and PKCE kept in the session)."""
    _metadata(provider)
    request.session[_NEXT_KEY.format(provider.key)] = next_url
    extra = {"acr_values": provider.acr_values} if provider.acr_values else {}
    response = _app(provider).authorize_redirect(request, redirect_uri, **extra)
    assert isinstance(response, HttpResponseRedirect)
    return response


def complete(request: HttpRequest, provider: Provider) -> Login:
    """Check the provider's answer at the callback and return the verified claims."""
    _metadata(provider)
    next_url = request.session.pop(_NEXT_KEY.format(provider.key), "") or ""
    if request.GET.get("error"):
        # The person cancelled at the provider, or the provider refused.
        log.info("OIDC %s: the provider answered %s", provider.key, request.GET.get("error"))
        raise LoginFailed(
            f"provider_error:{request.GET.get('error')}",
            _("Inloggningen avbröts eller nekades hos inloggningstjänsten. Försök igen."),
        )
    if not request.GET.get("code") or not request.GET.get("state"):
        raise LoginFailed("missing_code", _("Inloggningssvaret saknar uppgifter. Försök igen."))
    try:
        token = _app(provider).authorize_access_token(request, leeway=60)
    except OAuthError as error:
        # Authlib's MismatchingStateError is one: a state this session did not start.
        log.warning("OIDC %s: refused answer: %s", provider.key, error.error)
        raise LoginFailed(
            f"oauth:{error.error}",
            _("Inloggningen kunde inte slutföras (ogiltigt svar). Börja om inloggningen."),
        ) from error
    except (JoseError, ValueError) as error:
        # A bad signature, an unknown key, another issuer or audience, an expired token,
        # another nonce than this session's.
        log.warning("OIDC %s: ID token refused: %r", provider.key, error)
        raise LoginFailed(
            f"id_token:{type(error).__name__}",
            _("Inloggningen kunde inte verifieras. Börja om inloggningen."),
        ) from error
    except Exception as error:  # the token endpoint is unreachable or answered garbage
        log.warning("OIDC %s: token request failed: %r", provider.key, error)
        raise LoginFailed(
            "token_failed",
            _("Inloggningstjänsten svarar inte just nu. Försök igen om en stund."),
        ) from error
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise LoginFailed(
            "no_id_token", _("Inloggningen kunde inte verifieras. Börja om inloggningen.")
        )
    return Login(claims=dict(claims), id_token=token["id_token"], next=next_url)


def remember_for_logout(request: HttpRequest, provider: Provider, login: Login) -> None:
    """Keep the ID token in the (new) session, for RP-initiated logout."""
    request.session[ID_TOKEN_KEY] = login.id_token
    request.session[PROVIDER_KEY] = provider.key


def end_session_url(request: HttpRequest, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL for this session's OIDC login (RP-initiated logout), or
    None when the session was not made by OIDC or the provider has no end_session_endpoint."""
    id_token = request.session.get(ID_TOKEN_KEY)
    provider = Provider.from_settings(request.session.get(PROVIDER_KEY) or "")
    if not id_token or provider is None:
        return None
    try:
        metadata = _metadata(provider)
    except LoginFailed:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return _app(provider).create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        client_id=provider.client_id,
    )["url"]
