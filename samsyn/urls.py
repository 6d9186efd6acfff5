from django.contrib import admin
from django.urls import include, path

from samsyn.api import api
from samsyn.health import healthz
from samsyn.security.login import (
    PasswordLoginView,
    SamsynLogoutView,
    login_code,
    oidc_callback,
    oidc_login,
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The one password login (with a second factor where needed), /admin/'s login included.
    path("logga-in/", PasswordLoginView.as_view(), name="login"),
    path("logga-in/kod/", login_code, name="login_code"),
    # Staff login with e-ID (OIDC); logout also ends an e-ID session at the provider. This
    # logout answers /logga-ut/ before episodes' plain LogoutView (same path and name).
    path("logga-in/e-legitimation/", oidc_login, name="login_oidc"),
    path("logga-in/e-legitimation/svar/", oidc_callback, name="login_oidc_callback"),
    path("logga-ut/", SamsynLogoutView.as_view(), name="logout"),
    path("admin/login/", PasswordLoginView.as_view()),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("workspace.urls")),
    path("", include("episodes.urls")),
    path("", include("audit.urls")),
    path("process/", include("process.urls")),
    path("avvikelser/", include("deviations.urls")),
    path("statistik/", include("indicators.urls")),
    path("reserv/", include("continuity.urls")),
    path("sip/", include("sip.urls")),
    path("kompetens/", include("competence.urls")),
    path("styrning/", include("governance.urls")),
    path("enkat/", include("surveys.urls")),
    path("integration/", include("interop.urls")),
    path("", include("portal.urls")),
    path("", include("identity.urls")),
    path("fhir/", include("fhir.urls")),
]
