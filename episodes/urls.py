from django.contrib.auth import views as auth_views
from django.urls import path

from episodes import views

urlpatterns = [
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("inskrivning/ny/", views.admission_new, name="admission_new"),
    path("inkorg/", views.inbox, name="inbox"),
    path("inkorg/kvittera/", views.inbox_acknowledge, name="inbox_acknowledge"),
    path("meddelanden/<uuid:public_id>/", views.message_detail, name="message"),
    path(
        "meddelanden/<uuid:public_id>/kvittera/",
        views.message_acknowledge,
        name="message_acknowledge",
    ),
    path("meddelanden/<uuid:public_id>/vidare/", views.message_forward, name="message_forward"),
    path("individer/sok/", views.individual_search, name="individual_search"),
    path("individer/<uuid:public_id>/", views.individual_detail, name="individual"),
]
