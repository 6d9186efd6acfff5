from django.urls import path

from competence import views

app_name = "competence"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
    path("kurser/", views.courses, name="courses"),
    path("registrera/", views.record, name="record"),
    path("import/", views.import_new, name="import_new"),
    path("import/<uuid:public_id>/", views.import_detail, name="import_detail"),
]
