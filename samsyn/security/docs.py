"""The gate in front of the API docs (/api/docs, /api/openapi.json)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


def docs_behind_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """In production (DEBUG off) the interactive docs are for logged-in users and callers
    with a valid API token; others are sent to the login page. The OpenAPI description itself
    (`openapi.json`, the contract integrators and generated clients read) names no data and
    stays open."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            settings.DEBUG
            or request.path.endswith("/openapi.json")
            or request.user.is_authenticated
            or _has_valid_token(request)
        ):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _has_valid_token(request: HttpRequest) -> bool:
    from samsyn.api import TokenAuth

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return TokenAuth().authenticate(request, token) is not None
