from django.contrib import admin
from django.urls import include, path

from samsyn.api import api
from samsyn.health import healthz
from samsyn.security.login import PasswordLoginView, login_code

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The one password login (with a second factor where needed), /admin/'s login included.
    path("logga-in/", PasswordLoginView.as_view(), name="login"),
    path("logga-in/kod/", login_code, name="login_code"),
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
