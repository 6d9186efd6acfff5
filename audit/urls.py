from django.urls import path

from audit import views

urlpatterns = [
    path("logg/", views.access_log, name="access_log"),
    path("logg/anvandare/<int:user_id>/", views.access_log_for_user, name="access_log_user"),
]
