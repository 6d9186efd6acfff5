from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("information/", views.brochure, name="brochure"),
    path("information.pdf", views.brochure_pdf, name="brochure_pdf"),
    path("vardtillfallen/<uuid:public_id>/sammanfattning/", views.summary, name="summary"),
    path(
        "vardtillfallen/<uuid:public_id>/sammanfattning/<int:number>.pdf",
        views.summary_pdf,
        name="summary_pdf",
    ),
]
