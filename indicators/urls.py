from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<str:fmt>", views.export, name="export"),
    path("enhet/<uuid:public_id>/", views.unit_page, name="unit"),
    path("underlag/<str:key>/", views.drilldown_page, name="drilldown"),
    path("betalningsansvar/", views.payment, name="payment"),
    path("betalningsansvar/export.<str:fmt>", views.payment_export, name="payment_export"),
]
