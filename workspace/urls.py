from django.urls import path

from workspace import views

urlpatterns = [
    path("", views.home, name="home"),
    path("att-gora/missade/", views.missed, name="missed"),
    path("vardtillfallen/<uuid:public_id>/", views.episode_detail, name="episode"),
    path(
        "vardtillfallen/<uuid:public_id>/steg/<str:step>/", views.episode_step, name="episode_step"
    ),
]
