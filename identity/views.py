"""Login with e-identification through OIDC (see identity/citizen.py for the citizen's session).

The citizen's login for "Min planering": the region's e-ID broker (BankID, Freja eID …) over
OIDC (`identity.oidc`), and — in the demo only — a "Testlegitimation" where one picks one of
the demo's fictional individuals. The staff login is samsyn/security/login.py's.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.db.models import F, Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.redirects import safe_next
from identity import demo, oidc
from identity.citizen import current_citizen, login_citizen, logout_citizen
from individuals.identifiers import InvalidIdentifier, parse_identifier
from individuals.models import Individual

log = logging.getLogger(__name__)

DEMO_METHOD = "demo"
DEMO_ASSURANCE = "demo (ingen verklig e-legitimation)"
DEMO_LIST_SIZE = 12


def _home() -> str:
    """Where a citizen goes after login without a `next`: Min planering's start page (the
    portal's, named rather than imported: the portal is above this app), else this login."""
    try:
        return reverse("portal:citizen_home")
    except NoReverseMatch:
        return reverse("identity:citizen_login")


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.GET.get("next"), _home())


def demo_login_enabled() -> bool:
    """The demo's test identification: only with DEBUG and SAMSYN_DEMO_CITIZEN_LOGIN both on."""
    return bool(settings.DEBUG and settings.SAMSYN_DEMO_CITIZEN_LOGIN)


@never_cache
def citizen_login(request: HttpRequest) -> HttpResponse:
    """The citizen's login page: "Logga in med e-legitimation" when a provider is configured,
    the demo's test identification when it is on; who is logged in, if someone is."""
    return render(
        request,
        "identity/citizen_login.html",
        {
            "next": _next(request),
            "citizen": current_citizen(request),
            "oidc_citizen": oidc.citizen_provider() is not None,
            "demo_login": demo_login_enabled(),
        },
    )


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "identity/citizen_refused.html",
        {"error": message, "next": _next(request)},
        status=status,
    )


def _start_citizen_session(
    request: HttpRequest, *, personal_identity_number: str, name: str, assurance: str, method: str
) -> None:
    """A citizen session is never a staff session: a staff user logged in in this browser is
    logged out first (a new session), then the citizen's session begins."""
    if request.user.is_authenticated:
        auth_logout(request)
    login_citizen(
        request,
        personal_identity_number=personal_identity_number,
        name=name,
        assurance=assurance,
        method=method,
    )


@never_cache
def citizen_oidc_start(request: HttpRequest) -> HttpResponse:
    provider = oidc.citizen_provider()
    if provider is None:
        raise Http404
    callback = request.build_absolute_uri(reverse("identity:citizen_oidc_callback"))
    try:
        return oidc.begin(request, provider, callback, _next(request))
    except oidc.LoginFailed as failure:
        return _refused(request, failure.message, status=503)


def _name_of(claims: dict) -> str:
    claim = oidc.config(oidc.CITIZEN).get("NAME_CLAIM") or "name"
    name = claims.get(claim)
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str) and part.strip())
    return name.strip()[:200]


@never_cache
def citizen_oidc_callback(request: HttpRequest) -> HttpResponse:
    """The broker's answer: a verified ID token at the required level of assurance whose
    personal identity number passes individuals' parser starts the citizen's session."""
    provider = oidc.citizen_provider()
    if provider is None:
        raise Http404
    try:
        login = oidc.complete(request, provider)
    except oidc.LoginFailed as failure:
        return _refused(request, failure.message, status=503 if "failed" in failure.reason else 400)
    config = oidc.config(oidc.CITIZEN)
    required = config.get("REQUIRED_ACR") or []
    if required and login.acr not in required:
        log.info("OIDC citizen: acr %r is below the required level", login.acr)
        return _refused(
            request,
            _(
                "Din e-legitimation har för låg tillitsnivå för Min planering. Logga in med "
                "BankID, Freja eID+ eller en annan e-legitimation med tillitsnivå 3."
            ),
            status=403,
        )
    raw = login.claims.get(config.get("PNR_CLAIM") or "personal_identity_number")
    try:
        parsed = parse_identifier(raw if isinstance(raw, str) else "")
    except InvalidIdentifier:
        log.info("OIDC citizen: the personal identity number claim does not parse")
        return _refused(
            request,
            _(
                "Inloggningstjänsten lämnade inget giltigt personnummer, så du kan inte logga "
                "in i Min planering. Kontakta regionens e-tjänstesupport."
            ),
            status=403,
        )
    _start_citizen_session(
        request,
        personal_identity_number=parsed.number,
        name=_name_of(login.claims),
        assurance=login.acr,
        method="oidc",
    )
    oidc.remember_for_logout(request, provider, login)
    return HttpResponseRedirect(safe_next(request, login.next, _home()))


@require_POST
def citizen_logout(request: HttpRequest) -> HttpResponse:
    """End the citizen's session; after an e-ID login also at the broker (RP-initiated)."""
    end_session = None
    if request.session.get(oidc.PROVIDER_KEY) == oidc.CITIZEN:
        end_session = oidc.end_session_url(
            request, request.build_absolute_uri(reverse("identity:citizen_login"))
        )
    logout_citizen(request)
    return HttpResponseRedirect(end_session or "/")


@never_cache
def citizen_demo_login(request: HttpRequest) -> HttpResponse:
    """The demo's "Testlegitimation": pick one of the demo's fictional individuals and be
    logged in as them, without an e-ID. 404 unless DEBUG and SAMSYN_DEMO_CITIZEN_LOGIN."""
    if not demo_login_enabled():
        raise Http404
    error = None
    if request.method == "POST":
        try:
            parsed = parse_identifier(request.POST.get("personal_identity_number", ""))
        except InvalidIdentifier as invalid:
            error = invalid.message
        else:
            person = Individual.objects.filter(identifier=parsed.number).first()
            name = f"{person.given_name} {person.family_name}" if person else ""
            _start_citizen_session(
                request,
                personal_identity_number=parsed.number,
                name=name,
                assurance=DEMO_ASSURANCE,
                method=DEMO_METHOD,
            )
            return HttpResponseRedirect(safe_next(request, request.POST.get("next"), _home()))
    # The demo's own fictional people (seed_demo), no protected identity, the latest admitted
    # first (those in hospital now have the most to show); DEBUG only.
    people = (
        Individual.objects.filter(
            identifier_kind="personnummer", protected_identity=False, merged_into=None
        )
        .annotate(last_admitted=Max("episodes__admitted_at"))
        .order_by(F("last_admitted").desc(nulls_last=True), "family_name", "given_name")[
            :DEMO_LIST_SIZE
        ]
    )
    return render(
        request,
        "identity/citizen_demo_login.html",
        {
            "personas": demo.personas(),
            "people": people,
            "next": _next(request),
            "error": error,
        },
        status=400 if error else 200,
    )
