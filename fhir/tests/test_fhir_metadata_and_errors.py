"""The CapabilityStatement names exactly what is served; every refusal is an OperationOutcome
with the HTTP status an integration engineer expects."""

import json
import uuid

from django.test import Client
from django.utils import timezone

from fhir.registry import TYPES
from fhir.tests.conftest import client_for, parsed
from organisations.models import ApiToken


def _issue(response) -> dict:
    data = parsed(response)
    assert data["resourceType"] == "OperationOutcome"
    (issue,) = data["issue"]
    assert issue["severity"] == "error" and issue["diagnostics"]
    return issue


def test_the_capability_statement_needs_no_token_and_lists_exactly_what_is_served(db):
    response = Client().get("/fhir/metadata")
    assert response.status_code == 200
    statement = parsed(response)
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1" and statement["kind"] == "instance"
    (rest,) = statement["rest"]
    served = {r["type"]: r for r in rest["resource"]}
    assert set(served) == {
        "Patient",
        "Encounter",
        "Task",
        "CarePlan",
        "Communication",
        "Consent",
        "AuditEvent",
        "Organization",
        "PractitionerRole",
    }
    for name, resource in served.items():
        expected = ["read", "search-type"] + (["create"] if name == "Communication" else [])
        assert [i["code"] for i in resource["interaction"]] == expected, name
        assert {p["name"] for p in resource["searchParam"]} == set(TYPES[name].params)
    assert served["Patient"]["supportedProfile"] == [
        "http://hl7.se/fhir/ig/base/StructureDefinition/SEBasePatient"
    ]


def test_format_json_is_answered_and_xml_is_refused_406(db):
    client = Client()
    assert client.get("/fhir/metadata?_format=json")["Content-Type"].startswith(
        "application/fhir+json"
    )
    plain = client.get("/fhir/metadata?_format=application/json")
    assert plain.status_code == 200 and plain["Content-Type"].startswith("application/json")
    xml = client.get("/fhir/metadata?_format=xml")
    assert xml.status_code == 406
    assert _issue(xml)["code"] == "not-supported"
    accept_xml = client.get("/fhir/metadata", headers={"Accept": "application/fhir+xml"})
    assert accept_xml.status_code == 406
    either = client.get("/fhir/metadata", headers={"Accept": "application/fhir+xml, */*;q=0.1"})
    assert either.status_code == 200


def test_no_token_a_wrong_token_and_a_revoked_token_get_401_with_the_bearer_challenge(org):
    for client in (
        Client(),
        Client(headers={"Authorization": "Bearer sam_not-a-key"}),
        Client(headers={"Authorization": "Basic bnVyc2U6eA=="}),
    ):
        response = client.get("/fhir/Patient")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert _issue(response)["code"] == "login"
    token, key = ApiToken.issue(org.nurse, "revoked")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    revoked = Client(headers={"Authorization": f"Bearer {key}"}).get("/fhir/Encounter")
    assert revoked.status_code == 401


def test_a_token_is_marked_as_used(org):
    client = client_for(org.nurse)
    assert client.get("/fhir/Organization?_count=1").status_code == 200
    assert ApiToken.objects.get(user=org.nurse).last_used_at is not None


def test_an_unknown_search_parameter_a_modifier_or_a_repeat_is_refused_400(org):
    client = client_for(org.nurse)
    for query, expression in [
        ("Patient?birthdate=1941-07-08", "birthdate"),
        ("Patient?identifier:exact=194107089981", "identifier:exact"),
        ("Encounter?_sort=date", "_sort"),
        ("Task?status=ready&status=completed", "status"),
        ("Task?status=", "status"),
        ("Encounter?_count=many", "_count"),
        ("Encounter?_count=201", "_count"),
        ("Encounter?_offset=-1", "_offset"),
    ]:
        response = client.get(f"/fhir/{query}")
        assert response.status_code == 400, query
        assert _issue(response)["expression"] == [expression], query


def test_an_unknown_code_in_a_search_is_refused_400_naming_the_allowed_ones(org):
    response = client_for(org.nurse).get("/fhir/Task?status=waiting")
    assert response.status_code == 400
    issue = _issue(response)
    assert issue["code"] == "value" and "ready" in issue["diagnostics"]


def test_an_unknown_resource_type_and_an_unknown_id_are_404(org):
    client = client_for(org.nurse)
    unknown_type = client.get("/fhir/Observation")
    assert unknown_type.status_code == 404
    assert _issue(unknown_type)["code"] == "not-supported"
    for path in (f"/fhir/Encounter/{uuid.uuid4()}", "/fhir/Encounter/not-a-uuid"):
        response = client.get(path)
        assert response.status_code == 404
        assert _issue(response)["code"] == "not-found"


def test_writing_is_refused_405_and_changes_nothing(org):
    client = client_for(org.nurse)
    body = json.dumps({"resourceType": "Patient"})
    response = client.post("/fhir/Patient", body, content_type="application/fhir+json")
    assert response.status_code == 405
    assert _issue(response)["code"] == "not-supported"
