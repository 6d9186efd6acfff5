from django.urls import path

from continuity import views

urlpatterns = [
    path("", views.reserve_home, name="reserve"),
    path("blankett/", views.reserve_form, name="reserve_form"),
    path("<uuid:public_id>/", views.reserve_print, name="reserve_list"),
    path("<uuid:public_id>/lista.csv", views.reserve_csv, name="reserve_csv"),
]
