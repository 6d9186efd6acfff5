from django.contrib import admin
from django.urls import include, path

from samsyn.api import api
from samsyn.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("workspace.urls")),
    path("", include("episodes.urls")),
    path("", include("audit.urls")),
    path("process/", include("process.urls")),
    path("avvikelser/", include("deviations.urls")),
    path("statistik/", include("indicators.urls")),
]
