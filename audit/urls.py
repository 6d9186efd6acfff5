from django.urls import path

from audit import views

urlpatterns = [
    path("logg/", views.access_log, name="access_log"),
    path("logg/anvandare/<int:user_id>/", views.access_log_for_user, name="access_log_user"),
    path("logg/granskning/", views.reviews, name="log_reviews"),
    path("logg/granskning/rapport/", views.review_report, name="log_review_report"),
    path("logg/granskning/<uuid:public_id>/", views.review_detail, name="log_review"),
]
