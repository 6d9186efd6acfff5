"""CarePlan and Consent (the SIP), Organization and PractitionerRole (the register), and
AuditEvent (the access log, for administrators only)."""

import uuid

from audit.models import AccessLog
from fhir.tests.conftest import parsed, resources
from organisations.models import Unit
from sip import actions as sip_actions
from sip.tests.builders import in_a_stay, planned


def test_the_sip_is_a_care_plan_with_the_plan_in_force_and_its_actions(org, fhir):
    sip = planned(org)
    plan = parsed(fhir.home_care_nurse.get(f"/fhir/CarePlan/{sip.public_id}"))
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["category"][0]["text"] == "Samordnad individuell plan (SIP)"
    assert plan["subject"]["reference"] == f"Patient/{sip.individual.public_id}"
    assert plan["encounter"]["reference"] == f"Encounter/{sip.episode.public_id}"
    assert plan["description"] == "Att få bo kvar hemma och gå till affären själv."
    details = [a["detail"] for a in plan["activity"]]
    assert [d["description"] for d in details] == [
        "Läkemedelsgenomgång",
        "Hemsjukvård: dosett varje vecka",
    ]
    assert details[1]["performer"][0]["display"] == org.home_health_care.name
    assert {c["display"] for c in plan["contributor"]} >= {
        org.health_centre.name,
        org.home_health_care.name,
    }
    assert any(n["text"].startswith("Egenvård: ") for n in plan["note"])
    by_patient = parsed(
        fhir.home_care_nurse.get(f"/fhir/CarePlan?patient={sip.individual.public_id}")
    )
    assert [p["id"] for p in resources(by_patient)] == [str(sip.public_id)]
    assert parsed(fhir.home_care_nurse.get("/fhir/CarePlan?status=draft"))["total"] == 0


def test_a_sip_before_its_plan_is_a_draft_without_activities_or_consent(org, fhir):
    sip = in_a_stay(org)
    plan = parsed(fhir.gp_nurse.get(f"/fhir/CarePlan/{sip.public_id}"))
    assert plan["status"] == "draft" and "activity" not in plan
    assert fhir.gp_nurse.get(f"/fhir/Consent/{sip.public_id}").status_code == 404
    assert parsed(fhir.gp_nurse.get("/fhir/Consent"))["total"] == 0


def test_the_consent_is_active_and_inactive_once_withdrawn(org, fhir):
    sip = planned(org)
    consent = parsed(fhir.gp_nurse.get(f"/fhir/Consent/{sip.public_id}"))
    assert consent["status"] == "active"
    assert consent["scope"]["coding"][0]["code"] == "patient-privacy"
    assert consent["provision"]["type"] == "permit"
    assert consent["patient"]["reference"] == f"Patient/{sip.individual.public_id}"
    assert consent["performer"][0]["reference"] == f"Patient/{sip.individual.public_id}"
    assert consent["policyRule"]["text"] == "SIP och informationsdelning"
    sip_actions.do_withdraw_consent(org.gp_nurse, sip, "Vill inte längre")
    withdrawn = parsed(fhir.gp_nurse.get(f"/fhir/Consent/{sip.public_id}"))
    assert withdrawn["status"] == "inactive"
    assert parsed(fhir.gp_nurse.get(f"/fhir/CarePlan/{sip.public_id}"))["status"] == "revoked"
    assert parsed(fhir.gp_nurse.get("/fhir/Consent?status=active"))["total"] == 0
    assert parsed(fhir.gp_nurse.get("/fhir/Consent?status=inactive"))["total"] == 1


def test_another_units_token_gets_404_for_the_sip_and_its_consent(org, fhir):
    sip = planned(org)
    for path in (f"/fhir/CarePlan/{sip.public_id}", f"/fhir/Consent/{sip.public_id}"):
        theirs = fhir.outsider.get(path)
        assert theirs.status_code == 404, path
        missing = fhir.outsider.get(path.rsplit("/", 1)[0] + f"/{uuid.uuid4()}")
        assert parsed(theirs)["issue"] == parsed(missing)["issue"]
    assert parsed(fhir.outsider.get("/fhir/CarePlan"))["total"] == 0
    assert AccessLog.objects.filter(
        user=org.outsider, individual=sip.individual, granted=False
    ).exists()


def test_units_are_organizations_with_hsa_id_and_their_principal(org, fhir):
    Unit.objects.filter(pk=org.ward.pk).update(hsa_id="SE2321000131-E000000000001")
    bundle = parsed(
        fhir.nurse.get(
            "/fhir/Organization",
            {"identifier": "urn:oid:1.2.752.29.4.19|SE2321000131-E000000000001"},
        )
    )
    (ward,) = resources(bundle)
    assert ward["name"] == org.ward.name
    assert ward["identifier"] == [
        {
            "use": "official",
            "system": "urn:oid:1.2.752.29.4.19",
            "value": "SE2321000131-E000000000001",
        }
    ]
    principal = parsed(fhir.nurse.get(f"/fhir/{ward['partOf']['reference']}"))
    assert principal["name"] == org.ward.principal.name
    named = parsed(fhir.nurse.get("/fhir/Organization", {"name": "Partille", "_count": "200"}))
    assert {o["name"] for o in resources(named)} >= {
        "Vårdcentralen Partille",
        "Hemsjukvård Partille",
    }


def test_memberships_are_practitioner_roles_at_their_unit(org, fhir):
    bundle = parsed(fhir.nurse.get(f"/fhir/PractitionerRole?organization={org.ward.public_id}"))
    roles = {
        (r["practitioner"]["display"], r["code"][0]["coding"][0]["code"]) for r in resources(bundle)
    }
    assert roles == {("Nurse", "nurse"), ("Physician", "physician")}
    nurses = parsed(
        fhir.nurse.get(f"/fhir/PractitionerRole?organization={org.ward.public_id}&role=nurse")
    )
    (nurse,) = resources(nurses)
    assert nurse["active"] is True and nurse["organization"]["display"] == org.ward.name
    assert parsed(fhir.nurse.get(f"/fhir/PractitionerRole/{nurse['id']}"))["id"] == nurse["id"]


def test_the_access_log_of_a_person_is_audit_events_for_an_administrator(org, fhir):
    sip = planned(org)
    individual = sip.individual
    fhir.gp_nurse.get(f"/fhir/Patient/{individual.public_id}")
    fhir.outsider.get(f"/fhir/Patient/{individual.public_id}")  # refused, and logged
    bundle = parsed(
        fhir.admin.get(f"/fhir/AuditEvent?patient=Patient/{individual.public_id}&_count=200")
    )
    events = resources(bundle)
    assert bundle["total"] == len(events)
    # Every read of the person is there (the review's own row may be written after the answer).
    logged = AccessLog.objects.filter(individual=individual).exclude(action="auditlog.individual")
    assert {e["id"] for e in events if e["subtype"][0]["code"] != "auditlog.individual"} == {
        str(row.pk) for row in logged
    }
    reads = [e for e in events if e["subtype"][0]["code"] == "fhir.patient.read"]
    outcome_by_who = {e["agent"][0]["who"]["display"]: e["outcome"] for e in reads}
    assert outcome_by_who == {"Gpnurse": "0", "Outsider": "4"}
    assert all(
        e["entity"][0]["what"]["reference"] == f"Patient/{individual.public_id}" for e in events
    )
    by_identifier = parsed(
        fhir.admin.get(
            "/fhir/AuditEvent",
            {
                "patient.identifier": "http://electronichealth.se/identifier/personnummer|194107089981"
            },
        )
    )
    assert by_identifier["total"] > 0
    one = parsed(fhir.admin.get(f"/fhir/AuditEvent/{reads[0]['id']}"))
    assert one["id"] == reads[0]["id"]
    # Reviewing the log is itself a read of the person, logged as the review pages log it.
    assert (
        AccessLog.objects.filter(
            user=org.admin, individual=individual, action="auditlog.individual"
        ).count()
        == 3
    )


def test_the_access_log_is_refused_403_to_staff_and_the_attempt_logged(org, fhir):
    sip = planned(org)
    fhir.gp_nurse.get(f"/fhir/Patient/{sip.individual.public_id}")
    for path in (
        f"/fhir/AuditEvent?patient={sip.individual.public_id}",
        f"/fhir/AuditEvent/{AccessLog.objects.first().pk}",
    ):
        response = fhir.gp_nurse.get(path)
        assert response.status_code == 403, path
        assert parsed(response)["issue"][0]["code"] == "forbidden"
    assert (
        AccessLog.objects.filter(
            user=org.gp_nurse, action="auditlog.individual", granted=False
        ).count()
        == 2
    )
    without_patient = fhir.admin.get("/fhir/AuditEvent")
    assert without_patient.status_code == 400


def test_a_declined_offer_is_a_rejected_consent_that_denies(org, fhir):
    from sip.models import Consent

    sip = in_a_stay(org)
    sip_actions.do_record_consent(org.gp_nurse, sip, Consent.DECLINED)
    consent = parsed(fhir.gp_nurse.get(f"/fhir/Consent/{sip.public_id}"))
    assert consent["status"] == "rejected" and consent["provision"]["type"] == "deny"
    assert parsed(fhir.gp_nurse.get("/fhir/Consent?status=rejected"))["total"] == 1
