from django.urls import path

from process import views

app_name = "process"
urlpatterns = [
    path("katalog/", views.catalogue, name="catalogue"),
    path("versioner/", views.versions, name="versions"),
    path("avvikelsekandidater/", views.candidates, name="candidates"),
    path("aktiviteter/<uuid:public_id>/bocka-av/", views.check_off, name="check_off"),
]
