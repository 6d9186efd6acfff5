"""The whole story of one stay, told through the API by three users in three lanes:
the ward nurse (inpatient), the needs assessor (social services) and the health centre
nurse (regional primary care)."""

import datetime as dt

from django.utils import timezone

from audit.models import AccessLog
from episodes.models import EventKind
from episodes.tests.test_api_auth import Api
from tests.factories import make_individual


def inbox(api: Api, unit, **params) -> list[dict]:
    response = api.get(f"/units/{unit.public_id}/inbox", **params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_a_stay_from_admission_to_discharge_through_the_api(org):
    make_individual(org)  # Sven Testsson of Partille, listed at Vårdcentralen Partille
    nurse, assessor, gp = Api(org.nurse), Api(org.needs_assessor), Api(org.gp_nurse)
    admitted_at = timezone.now() - dt.timedelta(hours=3)

    # Before the admission the ward cannot find him: he is in no episode of theirs.
    assert nurse.get("/individuals", identifier="410708-9981").json() == []

    # 1. The ward nurse admits him with the proposed units and sends the admission notice.
    response = nurse.post(
        "/episodes",
        {
            "identifier": "410708-9981",
            "ward": org.ward.public_id,
            "admitted_at": admitted_at,
            "may_need_help": True,
            "estimated_discharge_date": timezone.localdate() + dt.timedelta(days=4),
            "send_admission_notice": True,
        },
        key="admit-1",
    )
    assert response.status_code == 201, response.content
    episode = response.json()
    path = f"/episodes/{episode['id']}"
    assert episode["individual"]["identifier"] == "194107089981"
    assert episode["state"] == "admitted"
    assert episode["admission_notice_sent_at"] is not None
    assert {p["unit"]["name"] for p in episode["parties"]} == {
        org.ward.name,
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }
    [found] = nurse.get("/individuals", identifier="19410708-9981").json()
    assert found["id"] == episode["individual"]["id"]
    assert found["address"] == "Testgatan 1"

    # 2. The needs assessor finds the notice in the unit's inbox, opens and acknowledges it.
    [notice] = inbox(assessor, org.needs_assessment, unacknowledged="true")
    assert notice["kind"] == "admission_notice"
    assert notice["data"]["identifier"] == "19410708-9981"
    assert notice["individual"]["family_name"] == "Testsson"
    opened = assessor.get(f"/messages/{notice['id']}").json()
    assert opened["read_at"] is not None and opened["acknowledged_at"] is None
    acknowledged = assessor.post(f"/messages/{notice['id']}/acknowledge", key="ack-1")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_by"] == str(org.needs_assessor)
    assert inbox(assessor, org.needs_assessment, unacknowledged="true") == []

    # ... and tells the others where planning stands.
    response = assessor.post(
        f"{path}/planning-messages",
        {
            "status": "Ansökan om hemtjänst mottagen.",
            "remaining_needs": "Trygghetslarm",
        },
        key="plan-1",
    )
    assert response.status_code == 201
    assert {m["recipient_unit"]["name"] for m in response.json()} == {
        org.ward.name,
        org.home_health_care.name,
        org.health_centre.name,
    }
    assert [m["kind"] for m in inbox(nurse, org.ward)] == ["planning"]

    # 3. The health centre acknowledges, appoints the care contact, judges SIP needed and
    #    sends the invitation to every other party.
    waiting = inbox(gp, org.health_centre, unacknowledged="true")
    assert sorted(m["kind"] for m in waiting) == ["admission_notice", "planning"]
    [gp_notice] = [m for m in waiting if m["kind"] == "admission_notice"]
    assert gp.post(f"/messages/{gp_notice['id']}/acknowledge").status_code == 200
    response = gp.post(f"{path}/care-contact", {"name": "Distriktssköterska Anna Exempel"})
    assert response.json()["care_contact_name"] == "Distriktssköterska Anna Exempel"
    assert response.json()["care_contact_unit"]["id"] == str(org.health_centre.public_id)
    assert gp.post(f"{path}/sip-need", {"needed": True}).json()["sip_needed"] is True
    meeting_at = timezone.now() + dt.timedelta(days=2)
    response = gp.post(
        f"{path}/sip-invitation", {"meeting_at": meeting_at, "note": "Möte i hemmet"}
    )
    assert response.status_code == 201
    assert len(response.json()) == 3
    assert "sip_invitation" in [m["kind"] for m in inbox(assessor, org.needs_assessment)]

    # 4. The ward: ready for discharge, revoked when he got worse, ready again, discharged.
    ready = nurse.post(f"{path}/ready-notice", {}, key="ready-1").json()
    assert ready["state"] == "ready" and ready["ready_at"] is not None
    revoked = nurse.post(f"{path}/ready-notice/revoke", {"reason": "Feber, ny infektion"}).json()
    assert revoked["state"] == "admitted" and revoked["ready_at"] is None
    assert nurse.post(f"{path}/ready-notice", {}, key="ready-2").json()["state"] == "ready"
    response = nurse.post(f"{path}/discharge", {"destination": "home_with_support"}, key="out-1")
    assert response.status_code == 200
    discharged = response.json()
    assert discharged["state"] == "discharged"
    assert discharged["discharge_destination"] == "home_with_support"
    kinds = [m["kind"] for m in inbox(assessor, org.needs_assessment)]
    assert (
        kinds.count("ready_notice") == 2
        and "ready_revoked" in kinds
        and "discharge_notice" in kinds
    )

    # The timeline tells it in order, with who did what from which unit.
    events = nurse.get(f"{path}/events").json()
    kinds = [e["kind"] for e in events]
    assert kinds[0] == EventKind.ADMITTED
    for earlier, later in [
        (EventKind.ADMISSION_NOTICE_SENT, EventKind.MESSAGE_ACKNOWLEDGED),
        (EventKind.CARE_CONTACT_APPOINTED, EventKind.SIP_INVITATION_SENT),
        (EventKind.READY_NOTICE_SENT, EventKind.READY_NOTICE_REVOKED),
        (EventKind.READY_NOTICE_REVOKED, EventKind.DISCHARGED),
    ]:
        assert kinds.index(earlier) < kinds.index(later)
    assert kinds.count(EventKind.READY_NOTICE_SENT) == 2
    invitation = next(e for e in events if e["kind"] == EventKind.SIP_INVITATION_SENT)
    assert invitation["actor_unit"]["name"] == org.health_centre.name
    assert invitation["actor"] == str(org.gp_nurse)

    # Every read of his data through the API left a line in the access log.
    actions = set(AccessLog.objects.filter(granted=True).values_list("action", flat=True))
    assert {
        "api.episode.create",
        "api.inbox.list",
        "api.message.view",
        "api.episode.events",
        "individual.search",
    } <= actions


def test_a_forwarded_message_reaches_the_right_unit_which_takes_part_instead(org):
    from tests.factories import admit

    episode = admit(org)
    wrong = Api(org.home_care_nurse)
    right_unit = org.unrelated_needs_assessment
    [notice] = inbox(wrong, org.home_health_care)
    response = wrong.post(
        f"/messages/{notice['id']}/forward",
        {"to_unit": right_unit.public_id, "reason": "Fel kommun"},
    )
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["recipient_unit"]["id"] == str(right_unit.public_id)
    assert copy["kind"] == "admission_notice"
    assert [m["id"] for m in inbox(Api(org.outsider), right_unit)] == [copy["id"]]
    parties = {p.unit_id: p.removed_at for p in episode.parties.all()}
    assert parties[right_unit.id] is None and parties[org.home_health_care.id] is not None
    # The forwarded original no longer waits for a kvittens.
    assert inbox(wrong, org.home_health_care, unacknowledged="true") == []
