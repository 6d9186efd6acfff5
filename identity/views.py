"""Login with e-identification through OIDC (see identity/citizen.py for the citizen's session)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.redirects import safe_next
from identity.citizen import logout_citizen


def citizen_login(request: HttpRequest) -> HttpResponse:
    # Filled in by the OIDC work (issue 13/16): the page offers "Logga in med e-legitimation".
    return render(
        request,
        "identity/citizen_login.html",
        {"next": safe_next(request, request.GET.get("next"), "/")},
    )


@require_POST
def citizen_logout(request: HttpRequest) -> HttpResponse:
    logout_citizen(request)
    return HttpResponseRedirect("/")
