from django.urls import path

from deviations import views

app_name = "deviations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/<uuid:episode_id>/", views.report, name="report"),
    path("utkast/<uuid:candidate_id>/", views.draft, name="draft"),
    path("statistik/", views.statistics_page, name="statistics"),
    path("statistik/export.xlsx", views.statistics_export, {"fmt": "xlsx"}, name="export"),
    path("statistik/export.pdf", views.statistics_export, {"fmt": "pdf"}, name="export_pdf"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/<str:name>/", views.act, name="act"),
]
