from django.urls import path

from sip import views

urlpatterns = [
    path("", views.sip_list, name="sip_list"),
    path("ny/", views.sip_start, name="sip_start"),
    path("statistik/", views.sip_statistics_page, name="sip_statistics"),
    path(
        "vardtillfalle/<uuid:episode_id>/starta/", views.sip_start_in_stay, name="sip_start_in_stay"
    ),
    path("kallelser/<uuid:public_id>/kvittera/", views.notice_acknowledge, name="sip_notice_ack"),
    path("forfragningar/ny/", views.request_new, name="sip_request_new"),
    path("forfragningar/<uuid:public_id>/", views.request_detail, name="sip_request"),
    path(
        "forfragningar/<uuid:public_id>/<str:step>/",
        views.request_step,
        name="sip_request_step",
    ),
    path("<uuid:public_id>/", views.sip_detail, name="sip_detail"),
    path("<uuid:public_id>/steg/<str:step>/", views.sip_step, name="sip_step"),
    path("<uuid:public_id>/plan/<int:number>/", views.sip_version, name="sip_version"),
    path("<uuid:public_id>/min-plan.pdf", views.sip_pdf, name="sip_pdf"),
]
