from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("min-planering/logga-in/", views.citizen_login, name="citizen_login"),
    path("min-planering/logga-ut/", views.citizen_logout, name="citizen_logout"),
    # e-ID through the region's broker (OIDC, code flow + PKCE)
    path(
        "min-planering/logga-in/e-legitimation/",
        views.citizen_oidc_start,
        name="citizen_oidc_start",
    ),
    path(
        "min-planering/logga-in/e-legitimation/svar/",
        views.citizen_oidc_callback,
        name="citizen_oidc_callback",
    ),
    # the demo's test identification (DEBUG and SAMSYN_DEMO_CITIZEN_LOGIN only; else 404)
    path(
        "min-planering/logga-in/testlegitimation/",
        views.citizen_demo_login,
        name="citizen_demo_login",
    ),
]
