"""Lets a form post end at the e-ID provider: the logout buttons post to Samsyn, which answers
with a redirect to the provider's end_session_endpoint (RP-initiated logout), and browsers
apply the page's CSP `form-action` to every redirect after a form post. The configured
providers' origins are added to `form-action` on each response (read from the settings on
each request, so a provider configured at run time is covered too)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from identity.oidc import CITIZEN, STAFF, Provider


def provider_origins() -> list[str]:
    origins = []
    for key in (STAFF, CITIZEN):
        provider = Provider.from_settings(key)
        if provider is not None:
            origin = "/".join(provider.discovery_url.split("/")[:3])
            if origin not in origins:
                origins.append(origin)
    return origins


class ProviderFormActionMiddleware:
    """Placed after django-csp's middleware in MIDDLEWARE, so it sees the response first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            current = update.get("form-action") or []
            if isinstance(current, str):
                current = [current]
            update["form-action"] = [*current, *origins]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
