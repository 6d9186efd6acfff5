"""The password login, with a second factor (TOTP, django-otp) for those who need one.

1. The login form checks the password (django-axes counts failures and locks out).
2. A user who needs a second factor (`needs_second_factor`) is not logged in yet: the
   session remembers who passed step 1, and the code page asks for the six digits from the
   user's authenticator app.
3. The right code logs the user in with the device marked on the session (django-otp);
   a wrong code is refused and counted by the device's own throttling.

A session is only ever established through here, so an administrator's session always carries
a second factor: the TOTP code, or an e-ID login (OIDC, `oidc_login`) whose acr the region
counts as strong (`SAMSYN_OIDC_STAFF["STRONG_ACR"]`, docs/decisions.md). An e-ID login below
that level goes on to the code page like a password does.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token

from core.redirects import safe_next
from identity import oidc
from identity.citizen import SESSION_KEY as CITIZEN_SESSION_KEY
from identity.staff import hsa_id_of, is_strong, staff_user_for

PENDING_USER = "samsyn_pending_user"
PENDING_BACKEND = "samsyn_pending_backend"
PENDING_NEXT = "samsyn_pending_next"


def needs_second_factor(user, *, strong_authentication: bool = False) -> bool:
    """Whether `user` must give a TOTP code after the password: administrators and staff
    (who reach /admin/) always, everyone when `SAMSYN_REQUIRE_2FA` is on (production).
    Never after a strong e-ID login (`strong_authentication`: SITHS or another e-ID whose
    acr is in `SAMSYN_OIDC_STAFF["STRONG_ACR"]`), which is itself two factors.

    With DEBUG on (the local demo only) the users named in `SAMSYN_2FA_EXEMPT_IN_DEBUG` are
    exempt, so `make run`'s demo `admin` logs in with its password alone.
    """
    if strong_authentication:
        return False
    if settings.DEBUG and user.username in settings.SAMSYN_2FA_EXEMPT_IN_DEBUG:
        return False
    return bool(
        settings.SAMSYN_REQUIRE_2FA or user.is_staff or user.is_superuser or user.is_administrator
    )


class PasswordLoginView(LoginView):
    """Step 1: the password. Logs in at once only a user who needs no second factor."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_staff"] = oidc.staff_provider() is not None
        context["password_login"] = settings.SAMSYN_PASSWORD_LOGIN
        return context

    def post(self, request, *args, **kwargs):
        if not settings.SAMSYN_PASSWORD_LOGIN:
            message = _("Inloggning med lösenord är avstängd. Logga in med e-legitimation.")
            return _refused(request, message)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if not needs_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_USER] = user.pk
        self.request.session[PENDING_BACKEND] = user.backend
        self.request.session[PENDING_NEXT] = self.get_success_url()
        return HttpResponseRedirect(reverse("login_code"))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the TOTP code of the user who passed the password step in this session."""
    pending = request.session.get(PENDING_USER)
    user = get_user_model().objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return HttpResponseRedirect(reverse("login"))
    has_device = any(devices_for_user(user, confirmed=True))
    error = None
    if request.method == "POST" and has_device:
        credentials = {"username": user.username}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        code = "".join(request.POST.get("code", "").split())
        device = match_token(user, code) if code.isdigit() else None
        if device is not None:
            backend = request.session.get(PENDING_BACKEND) or settings.AUTHENTICATION_BACKENDS[0]
            target = request.session.get(PENDING_NEXT) or reverse(settings.LOGIN_REDIRECT_URL)
            for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT):
                request.session.pop(key, None)
            user.otp_device = device  # type: ignore[attr-defined] # django-otp marks the session verified on login
            auth_login(request, user, backend=backend)
            return HttpResponseRedirect(safe_next(request, target, reverse("home")))
        # A wrong code counts as a failed login: django-axes records it and locks out at
        # the same limit as wrong passwords (the middleware answers the lockout page).
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        error = _("Fel kod. Skriv de sex siffrorna som appen visar just nu.")
    return render(
        request,
        "registration/login_code.html",
        {"has_device": has_device, "error": error},
        status=400 if error else 200,
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: said in Swedish, 429, nothing checked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked.html", {"minutes": minutes}, status=429)


# -- Staff login with e-ID (OIDC: SITHS / e-tjänstekort through the region's IdP) -------------


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "registration/login_refused.html", {"error": message}, status=status)


@never_cache
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the staff identity provider (code flow, PKCE, state, nonce)."""
    provider = oidc.staff_provider()
    if provider is None:
        raise Http404
    target = safe_next(request, request.GET.get("next"), reverse(settings.LOGIN_REDIRECT_URL))
    callback = request.build_absolute_uri(reverse("login_oidc_callback"))
    try:
        return oidc.begin(request, provider, callback, target)
    except oidc.LoginFailed as failure:
        return _refused(request, failure.message, status=503)


@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: a verified ID token whose HSA id names one active user logs that
    user in. An unknown HSA id is refused and counted as a failed login (django-axes, per HSA
    id and address, the same limit as passwords); no user is created."""
    provider = oidc.staff_provider()
    if provider is None:
        raise Http404
    try:
        login = oidc.complete(request, provider)
    except oidc.LoginFailed as failure:
        return _refused(request, failure.message, status=503 if "failed" in failure.reason else 400)
    hsa_id = hsa_id_of(login)
    credentials = {"username": hsa_id or "oidc:utan-hsa-id"}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return locked_out(request)
    user = staff_user_for(hsa_id)
    if user is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        return _refused(
            request,
            _(
                "Din e-legitimation godtogs, men ditt HSA-id är inte kopplat till någon aktiv "
                "användare i Samsyn. Kontakta din administratör för att få ett konto."
            ),
        )
    request.session.pop(CITIZEN_SESSION_KEY, None)  # a staff session is never a citizen's
    oidc.remember_for_logout(request, provider, login)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    if needs_second_factor(user, strong_authentication=is_strong(login)):
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_BACKEND] = backend
        request.session[PENDING_NEXT] = login.next
        return HttpResponseRedirect(reverse("login_code"))
    auth_login(request, user, backend=backend)
    return HttpResponseRedirect(safe_next(request, login.next, reverse("home")))


class SamsynLogoutView(LogoutView):
    """Logout: the session ends here; after an e-ID login the browser then goes to the
    provider's end_session_endpoint (RP-initiated logout) and comes back to the login page."""

    def post(self, request, *args, **kwargs):
        end_session = oidc.end_session_url(request, request.build_absolute_uri(reverse("login")))
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response
