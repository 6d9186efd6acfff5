from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.start, name="start"),
    path("svar/", views.answer, name="answer"),
    path("sparad/", views.paused, name="paused"),
    path("tack/", views.thanks, name="thanks"),
    path("papper/", views.paper, name="paper"),
    path("inbjudan/<uuid:episode_id>/", views.invite, name="invite"),
]
urlpatterns += [
    path("resultat/", views.results_page, name="results"),
    path("resultat/export.csv", views.results_csv, name="results_csv"),
]
urlpatterns += [
    path("uppsattning/", views.setup, name="setup"),
    path("formular/<slug:key>/", views.questionnaire_edit, name="questionnaire_edit"),
]
