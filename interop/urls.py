from django.urls import path

from interop import views

app_name = "interop"
urlpatterns = [
    path("hl7/", views.feed, name="feed"),
    path("hl7/ko/", views.queue, name="queue"),
]
