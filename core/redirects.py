"""Where a form may send the browser after it is done."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` if it is a relative path on this site (`/inkorg/`), else `default`.

    A full URL, a scheme-relative `//host/…`, a backslash trick or anything not starting
    with one `/` is refused, so a crafted link cannot send a user elsewhere after a form.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
