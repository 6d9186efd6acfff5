"""Patient: SEBasePatient's identifiers, search by identity number, protected identity, and
need-to-know (another unit's token finds nothing and reads 404)."""

import uuid

from audit.models import AccessLog
from fhir.tests.conftest import parsed, resources
from individuals.models import Individual
from tests.factories import TEST_IDENTIFIERS, admit

SE_PNR = "http://electronichealth.se/identifier/personnummer"
SE_SAMNR = "http://electronichealth.se/identifier/samordningsnummer"
OID_PNR = "urn:oid:1.2.752.129.2.1.3.1"
OID_SAMNR = "urn:oid:1.2.752.129.2.1.3.3"
# A Skatteverket-style test samordningsnummer (day + 60, checksum valid), no real person.
TEST_SAMORDNINGSNUMMER = "194107689988"


def test_a_patient_reads_with_both_identifier_systems_address_and_telephone(org, fhir):
    individual = admit(org).individual
    Individual.objects.filter(pk=individual.pk).update(phone="031-123 45")
    response = fhir.gp_nurse.get(f"/fhir/Patient/{individual.public_id}")
    assert response.status_code == 200
    patient = parsed(response)
    assert patient["meta"]["profile"] == [
        "http://hl7.se/fhir/ig/base/StructureDefinition/SEBasePatient"
    ]
    assert {(i["system"], i["value"]) for i in patient["identifier"]} == {
        (SE_PNR, "194107089981"),
        (OID_PNR, "194107089981"),
    }
    assert patient["name"][0]["family"] == "Testsson"
    assert patient["birthDate"] == "1941-07-08"
    assert patient["address"][0]["line"] == ["Testgatan 1"]
    assert patient["telecom"] == [{"system": "phone", "value": "031-123 45", "use": "home"}]
    assert patient["generalPractitioner"][0]["display"] == "Vårdcentralen Partille"


def test_a_samordningsnummer_is_under_its_own_systems(org, fhir):
    individual = admit(org, identifier=TEST_SAMORDNINGSNUMMER).individual
    patient = parsed(fhir.nurse.get(f"/fhir/Patient/{individual.public_id}"))
    assert {i["system"] for i in patient["identifier"]} == {SE_SAMNR, OID_SAMNR}
    found = parsed(fhir.nurse.get(f"/fhir/Patient?identifier={OID_SAMNR}|{TEST_SAMORDNINGSNUMMER}"))
    assert [p["id"] for p in resources(found)] == [str(individual.public_id)]


def test_search_by_identifier_with_either_system_or_the_ten_digit_form(org, fhir):
    individual = admit(org).individual
    admit(org, identifier=TEST_IDENTIFIERS[1])
    for value in (
        f"{SE_PNR}|194107089981",
        f"{OID_PNR}|194107089981",
        f"{SE_PNR}|410708-9981",
        "194107089981",
    ):
        bundle = parsed(fhir.nurse.get("/fhir/Patient", {"identifier": value}))
        assert bundle["total"] == 1, value
        assert resources(bundle)[0]["id"] == str(individual.public_id)
    other_system = parsed(
        fhir.nurse.get("/fhir/Patient", {"identifier": "urn:oid:9.9|194107089981"})
    )
    assert other_system["total"] == 0


def test_an_invalid_identity_number_is_refused_400_with_the_reason(org, fhir):
    response = fhir.nurse.get("/fhir/Patient", {"identifier": f"{SE_PNR}|194107089982"})
    assert response.status_code == 400
    issue = parsed(response)["issue"][0]
    assert issue["code"] == "value" and "kontrollsiffran" in issue["diagnostics"]


def test_protected_identity_gives_neither_address_nor_telephone_and_is_labelled(org, fhir):
    individual = admit(org).individual
    Individual.objects.filter(pk=individual.pk).update(protected_identity=True, phone="031-1")
    read = parsed(fhir.nurse.get(f"/fhir/Patient/{individual.public_id}"))
    listed = resources(parsed(fhir.nurse.get("/fhir/Patient")))[0]
    for patient in (read, listed):
        assert "address" not in patient and "telecom" not in patient
        assert patient["meta"]["security"][0]["code"] == "R"
        assert patient["name"][0]["family"] == "Testsson"  # staff still see who it is


def test_another_units_token_finds_nobody_and_reads_404_like_a_missing_id(org, fhir):
    individual = admit(org).individual
    assert parsed(fhir.outsider.get("/fhir/Patient"))["total"] == 0
    assert parsed(fhir.outsider.get("/fhir/Patient", {"identifier": "194107089981"}))["total"] == 0
    theirs = fhir.outsider.get(f"/fhir/Patient/{individual.public_id}")
    missing = fhir.outsider.get(f"/fhir/Patient/{uuid.uuid4()}")
    assert theirs.status_code == missing.status_code == 404
    assert parsed(theirs)["issue"] == parsed(missing)["issue"]
    # Both refusals are logged: the read names the person, the search (as the JSON API's)
    # the number searched for.
    refused = AccessLog.objects.filter(user=org.outsider, granted=False)
    assert refused.filter(action="fhir.patient.read", individual=individual).count() == 1
    assert refused.get(action="fhir.patient.search").detail == "sökning 19410708…"


def test_reads_and_searches_are_logged_for_the_person_shown(org, fhir):
    individual = admit(org).individual
    fhir.gp_nurse.get(f"/fhir/Patient/{individual.public_id}")
    fhir.gp_nurse.get("/fhir/Patient")
    rows = AccessLog.objects.filter(user=org.gp_nurse, individual=individual, granted=True)
    assert sorted(row.action for row in rows) == ["fhir.patient.read", "fhir.patient.search"]


def test_family_finds_by_the_start_of_the_name_whatever_the_case(org, fhir):
    individual = admit(org).individual
    for value, total in (("tests", 1), ("Testsson", 1), ("sson", 0)):
        bundle = parsed(fhir.nurse.get("/fhir/Patient", {"family": value}))
        assert bundle["total"] == total, value
    assert resources(parsed(fhir.nurse.get("/fhir/Patient?family=TEST")))[0]["id"] == str(
        individual.public_id
    )


def test_a_reserve_number_is_a_temporary_identifier_under_samsyns_own_system(org, fhir):
    Individual.objects.create(
        identifier="RES-20261201-7",
        identifier_kind="reservnummer",
        given_name="Okänd",
        family_name="Person",
    )
    episode = admit(org, identifier="RES-20261201-7", reserve_number=True, send_notice=False)
    individual = episode.individual
    patient = parsed(fhir.nurse.get(f"/fhir/Patient/{individual.public_id}"))
    (identifier,) = patient["identifier"]
    assert identifier["use"] == "temp" and identifier["value"] == "RES-20261201-7"
    assert identifier["system"].endswith("/fhir/CodeSystem/reservnummer")
    found = parsed(
        fhir.nurse.get("/fhir/Patient", {"identifier": f"{identifier['system']}|RES-20261201-7"})
    )
    assert found["total"] == 1
