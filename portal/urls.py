from django.urls import path

from portal import citizen_views, staff_views, views

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
    path(
        "vardtillfallen/<uuid:public_id>/foretradare/",
        staff_views.representatives,
        name="representatives",
    ),
    path(
        "vardtillfallen/<uuid:public_id>/foretradare/<uuid:representation_id>/avsluta/",
        staff_views.end_representation,
        name="representative_end",
    ),
    # Min planering: the individual and their representatives (identity.citizen's session)
    path("min-planering/", citizen_views.home, name="citizen_home"),
    path("min-planering/<uuid:public_id>/", citizen_views.overview, name="overview"),
    path(
        "min-planering/<uuid:public_id>/sip/<uuid:sip_id>/viktigt/",
        citizen_views.own_words,
        name="own_words",
    ),
    path(
        "min-planering/<uuid:public_id>/sip/<uuid:sip_id>/min-plan.pdf",
        citizen_views.plan_pdf,
        name="plan_pdf",
    ),
    path("min-planering/<uuid:public_id>/be-om-sip/", citizen_views.ask_sip, name="ask_sip"),
    path(
        "min-planering/<uuid:public_id>/aktivitet/<uuid:activity_id>/klart/",
        citizen_views.mark_done,
        name="mark_done",
    ),
    path(
        "min-planering/<uuid:public_id>/sammanfattning/<uuid:episode_id>/<int:number>.pdf",
        citizen_views.summary_pdf,
        name="citizen_summary_pdf",
    ),
    path("min-planering/<uuid:public_id>/narstaende/", citizen_views.access, name="access"),
    path(
        "min-planering/<uuid:public_id>/narstaende/<uuid:representation_id>/aterkalla/",
        citizen_views.revoke,
        name="revoke",
    ),
    path("min-planering/<uuid:public_id>/vem-har-last/", citizen_views.read_log, name="read_log"),
]
