"""The SIP API: every step, the same rules as the pages, structured errors."""

import datetime as dt
import uuid

from django.test import Client
from django.utils import timezone

from organisations.models import ApiToken
from sip.models import SipState
from sip.tests import builders
from tests.factories import TEST_IDENTIFIERS


def client_for(user) -> Client:
    _, key = ApiToken.issue(user, "test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def post(client, path, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, body, content_type="application/json", headers=headers)


def test_the_outpatient_story_through_the_api(org):
    assessor = client_for(org.needs_assessor)
    started = post(
        assessor,
        "/api/sip",
        {
            "identifier": TEST_IDENTIFIERS[5],
            "given_name": "Märta",
            "family_name": "Hemma",
            "requested_by": "individual",
        },
    )
    assert started.status_code == 201, started.content
    sip_id = started.json()["id"]
    assert (
        post(assessor, f"/api/sip/{sip_id}/consent", {"consent": "individual"}).status_code == 200
    )
    invited = post(
        assessor,
        f"/api/sip/{sip_id}/invitation",
        {
            "units": [str(org.health_centre.public_id)],
            "meeting_form": "video",
            "meeting_at": (timezone.now() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert invited.json()["state"] == "invited"
    gp = client_for(org.gp_nurse)
    notices = gp.get("/api/sip/notices").json()
    assert [n["kind"] for n in notices] == ["invitation"]
    ack = post(gp, f"/api/sip/notices/{notices[0]['id']}/acknowledge", {})
    assert ack.json()["acknowledged_at"] is not None
    participants = gp.get(f"/api/sip/{sip_id}").json()["participants"]
    held = post(gp, f"/api/sip/{sip_id}/meeting", {"attended": [p["id"] for p in participants]})
    assert held.json()["individual_took_part"] is True
    plan = {
        "base_version": 0,
        "what_matters": "Att orka gå till dagverksamheten.",
        "actions": [
            {
                "description": "Hemtjänst morgon",
                "principal": str(org.needs_assessment.principal.public_id),
                "unit": str(org.needs_assessment.public_id),
            }
        ],
        "lead_principal": str(org.needs_assessment.principal.public_id),
        "follow_up_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    }
    saved = post(gp, f"/api/sip/{sip_id}/plan", plan)
    assert saved.status_code == 201 and saved.json()["number"] == 1
    stale = post(assessor, f"/api/sip/{sip_id}/plan", plan)
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "stale_version"
    key = saved.json()["actions"][0]["key"]
    followed = post(
        assessor,
        f"/api/sip/{sip_id}/follow-up",
        {"base_version": 1, "statuses": {key: "done"}, "close_reason": "goals_met"},
    )
    assert followed.json()["state"] == SipState.CLOSED


def test_an_action_without_principal_is_a_structured_error(org):
    sip = builders.held(org)
    response = post(
        client_for(org.gp_nurse),
        f"/api/sip/{sip.public_id}/plan",
        {
            "base_version": 0,
            "what_matters": "Bo hemma",
            "actions": [{"description": "Larm", "principal": None}],
            "lead_principal": str(org.health_centre.principal.public_id),
            "follow_up_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "actions.0.principal",
            "code": "required",
            "message": "Varje insats behöver en ansvarig huvudman.",
        }
    ]


def test_inviting_a_unit_not_in_the_register_names_the_field(org):
    sip = builders.consented(org)
    response = post(
        client_for(org.gp_nurse),
        f"/api/sip/{sip.public_id}/invitation",
        {
            "units": [str(uuid.uuid4())],
            "meeting_form": "phone",
            "meeting_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "units"


def test_an_outsider_gets_not_found_and_acting_for_a_unit_not_taking_part_is_refused(org):
    sip = builders.held(org)
    assert client_for(org.outsider).get(f"/api/sip/{sip.public_id}").status_code == 404
    response = post(
        client_for(org.gp_nurse),
        f"/api/sip/{sip.public_id}/close",
        {"reason": "other", "unit": str(org.ward.public_id)},
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_a_party"


def test_a_repeated_idempotency_key_changes_nothing(org):
    sip = builders.planned(org)
    client = client_for(org.gp_nurse)
    first = post(client, f"/api/sip/{sip.public_id}/close", {"reason": "other"}, key="k-1")
    again = post(client, f"/api/sip/{sip.public_id}/close", {"reason": "other"}, key="k-1")
    assert first.status_code == 200 and again.status_code == 409


def test_the_sip_endpoints_are_in_the_openapi_document(org, client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/sip",
        "/api/sip/{id}/plan",
        "/api/sip/{id}/follow-up",
        "/api/sip/{id}/invitation",
    ):
        assert path in paths
