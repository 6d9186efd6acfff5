from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.structure, name="structure"),
    path("grupp/<uuid:public_id>/", views.group_page, name="group"),
    path("grupp/<uuid:public_id>/ny-plan/", views.plan_new, name="plan_new"),
    path("plan/<uuid:public_id>/", views.plan_page, name="plan"),
    path("plan/<uuid:public_id>/handlingsplan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plan/<uuid:public_id>/<str:name>/", views.plan_act, name="plan_act"),
    path("plan/<uuid:public_id>/andra/<str:kind>/<int:pk>/", views.plan_item, name="plan_item"),
    path("grupp/<uuid:public_id>/nytt-uppdrag/", views.assignment_new, name="assignment_new"),
    path("uppdrag/<uuid:public_id>/", views.assignment_page, name="assignment"),
    path("uppdrag/<uuid:public_id>/andra/", views.assignment_edit, name="assignment_edit"),
    path("arsrapport/<int:year>/", views.annual_report, name="annual"),
    path("arsrapport/<int:year>/arsrapport.pdf", views.annual_report_pdf, name="annual_pdf"),
    path(
        "grupp/<uuid:public_id>/arsrapport/<int:year>/",
        views.annual_report_group,
        name="annual_group",
    ),
    path(
        "grupp/<uuid:public_id>/arsrapport/<int:year>/arsrapport.pdf",
        views.annual_report_group_pdf,
        name="annual_group_pdf",
    ),
    path("grupp/<uuid:public_id>/nytt-evenemang/", views.event_new, name="event_new"),
    path("evenemang/<uuid:public_id>/", views.event_page, name="event"),
    path("dokument/", views.document_list, name="documents"),
    path("dokument/nytt/", views.document_new, name="document_new"),
    path("dokument/<uuid:public_id>/", views.document_page, name="document"),
    path("dokument/<uuid:public_id>/fil/", views.document_file, name="document_file"),
]
