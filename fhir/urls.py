"""/fhir/: the CapabilityStatement, then `<Type>` (search) and `<Type>/<id>` (read) for each
resource type, each under its own URL name (`fhir:patient_search`, `fhir:patient_read`, …) so
that audit/coverage.py can say of each whether it shows patient data."""

from django.urls import path, re_path

from fhir import views
from fhir.registry import TYPES

app_name = "fhir"

urlpatterns = [path("metadata", views.metadata, name="metadata")]
for _name in TYPES:
    urlpatterns += [
        path(_name, views.search, {"resource_type": _name}, name=f"{_name.lower()}_search"),
        path(
            f"{_name}/<str:resource_id>",
            views.read,
            {"resource_type": _name},
            name=f"{_name.lower()}_read",
        ),
    ]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", views.unknown_type, name="unknown_type"))
