from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("min-planering/logga-in/", views.citizen_login, name="citizen_login"),
    path("min-planering/logga-ut/", views.citizen_logout, name="citizen_logout"),
]
