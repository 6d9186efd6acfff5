"""Need-to-know through the API: the same rules as the pages, every read logged."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessLog
from episodes import actions
from episodes.access import acting_membership
from episodes.models import Event, Message
from episodes.rules import Step
from episodes.tests.test_api_auth import Api, counts, error_of
from organisations.models import Membership, Role
from tests.factories import TEST_IDENTIFIERS, admit, make_individual, make_user


def test_a_user_of_an_unrelated_unit_cannot_see_the_episode_and_the_attempt_is_logged(org):
    episode = admit(org)
    outsider = Api(org.outsider)
    response = outsider.get(f"/episodes/{episode.public_id}")
    assert response.status_code == 404
    assert error_of(response)["field"] == "id"
    assert outsider.get(f"/episodes/{episode.public_id}/events").status_code == 404
    assert outsider.get("/episodes").json() == {"items": [], "count": 0}
    assert outsider.get(f"/individuals/{episode.individual.public_id}").status_code == 404
    assert outsider.get("/individuals", identifier=TEST_IDENTIFIERS[0]).json() == []
    logged = AccessLog.objects.filter(user=org.outsider)
    assert logged.filter(granted=False, episode=episode).count() == 2
    assert logged.filter(granted=False, individual=episode.individual).count() >= 3


def test_a_manager_at_a_party_unit_does_not_read_patient_data(org):
    episode = admit(org)
    manager = Api(org.manager)
    assert manager.get(f"/episodes/{episode.public_id}").status_code == 404
    response = manager.get(f"/units/{org.needs_assessment.public_id}/inbox")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_a_unit_concerned_reads_the_episode_and_the_read_is_logged_with_its_unit(org):
    episode = admit(org)
    response = Api(org.needs_assessor).get(f"/episodes/{episode.public_id}")
    assert response.status_code == 200
    assert response.json()["individual"]["family_name"] == "Testsson"
    log = AccessLog.objects.get(user=org.needs_assessor, action="api.episode.view")
    assert (log.granted, log.episode_id, log.unit_id) == (True, episode.id, org.needs_assessment.id)
    assert log.path == f"/api/episodes/{episode.public_id}"


def test_a_protected_identity_never_shows_an_address(org):
    make_individual(org, TEST_IDENTIFIERS[1], protected_identity=True, phone="070-0000000")
    episode = admit(org, identifier=TEST_IDENTIFIERS[1])
    api = Api(org.nurse)
    person = api.get(f"/individuals/{episode.individual.public_id}").json()
    assert person["protected_identity"] is True
    assert (person["address"], person["postal_code"], person["city"], person["phone"]) == (
        None,
    ) * 4
    [found] = api.get("/individuals", identifier=TEST_IDENTIFIERS[1]).json()
    assert found["address"] is None
    [notice] = (
        Api(org.needs_assessor)
        .get(f"/units/{org.needs_assessment.public_id}/inbox")
        .json()["items"]
    )
    assert notice["data"]["address"] == ""


def test_an_address_is_shown_when_the_identity_is_not_protected(org):
    episode = admit(org)
    person = Api(org.nurse).get(f"/individuals/{episode.individual.public_id}").json()
    assert (person["address"], person["city"]) == ("Testgatan 1", "Partille")
    assert person["listed_unit"]["id"] == str(org.health_centre.public_id)


def test_the_inbox_of_a_unit_i_do_not_work_at_is_refused_and_logged(org):
    admit(org)
    response = Api(org.gp_nurse).get(f"/units/{org.needs_assessment.public_id}/inbox")
    assert response.status_code == 403
    assert (error_of(response)["field"], error_of(response)["code"]) == ("id", "forbidden")
    assert AccessLog.objects.filter(
        user=org.gp_nurse, granted=False, unit=org.needs_assessment
    ).exists()


def test_a_message_to_another_unit_is_not_found_for_me(org):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    gp = Api(org.gp_nurse)
    before = counts()
    assert gp.get(f"/messages/{notice.public_id}").status_code == 404
    assert gp.post(f"/messages/{notice.public_id}/acknowledge").status_code == 404
    assert counts() == before
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_sender_reads_a_message_without_marking_it_read(org):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    response = Api(org.nurse).get(f"/messages/{notice.public_id}")
    assert response.status_code == 200
    assert response.json()["read_at"] is None
    notice.refresh_from_db()
    assert notice.read_at is None


def test_acknowledging_twice_is_a_conflict_and_records_one_acknowledgement(org):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    api = Api(org.needs_assessor)
    assert api.post(f"/messages/{notice.public_id}/acknowledge").status_code == 200
    response = api.post(f"/messages/{notice.public_id}/acknowledge")
    assert response.status_code == 409
    assert error_of(response)["code"] == "already_acknowledged"
    assert Event.objects.filter(episode=episode, kind="message_acknowledged").count() == 1


def test_a_ward_may_preview_an_admission_and_the_lookup_is_logged(org):
    person = make_individual(org, TEST_IDENTIFIERS[2])
    response = Api(org.nurse).get("/admissions/proposed-units", identifier=TEST_IDENTIFIERS[2])
    assert response.status_code == 200
    body = response.json()
    assert body["individual"]["id"] == str(person.public_id)
    assert {u["name"] for u in body["proposed_units"]} == {
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }
    assert AccessLog.objects.filter(
        user=org.nurse, action="api.admission.lookup", individual=person
    ).exists()


def test_a_preview_for_a_new_person_proposes_from_where_they_live(org):
    response = Api(org.nurse).get(
        "/admissions/proposed-units",
        identifier=TEST_IDENTIFIERS[3],
        residence_area=str(org.partille_area.public_id),
        listed_unit=str(org.health_centre.public_id),
    )
    body = response.json()
    assert body["individual"] is None
    assert len(body["proposed_units"]) == 3


def test_only_a_ward_may_preview_an_admission_and_the_refused_lookup_is_logged(org):
    person = make_individual(org, TEST_IDENTIFIERS[2])
    response = Api(org.needs_assessor).get(
        "/admissions/proposed-units", identifier=TEST_IDENTIFIERS[2]
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert "individual" not in response.json()
    attempts = AccessLog.objects.filter(user=org.needs_assessor)
    assert [(a.action, a.granted, a.individual) for a in attempts] == [
        ("api.admission.lookup", False, person)
    ]


def test_a_new_person_admitted_with_where_they_live_gets_the_proposed_units(org):
    response = Api(org.nurse).post(
        "/episodes",
        {
            "identifier": TEST_IDENTIFIERS[3],
            "given_name": "Nils",
            "family_name": "Prov",
            "ward": str(org.ward.public_id),
            "residence_area": str(org.partille_area.public_id),
            "listed_unit": str(org.health_centre.public_id),
        },
    )
    assert response.status_code == 201
    assert {p["unit"]["name"] for p in response.json()["parties"]} == {
        org.ward.name,
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }


def test_the_units_register_filters_by_lane_kind_and_area(org):
    api = Api(org.nurse)
    wards = api.get("/units", lane="inpatient").json()
    assert wards and {u["lane"] for u in wards} == {"inpatient"}
    in_partille = api.get("/units", area=str(org.partille_area.public_id)).json()
    assert {u["name"] for u in in_partille} == {
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }
    assert {u["kind"] for u in api.get("/units", kind="health_centre").json()} == {"health_centre"}
    assert api.get("/units", lane="moon").status_code == 422


def test_the_proposed_units_of_a_visible_person(org):
    episode = admit(org)
    units = Api(org.nurse).get(f"/individuals/{episode.individual.public_id}/proposed-units").json()
    assert {u["id"] for u in units} == {
        str(org.needs_assessment.public_id),
        str(org.home_health_care.public_id),
        str(org.health_centre.public_id),
    }


def test_an_acting_unit_that_is_the_users_own_is_accepted(org):
    episode = admit(org)
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/ready-notice", {"unit": str(org.ward.public_id)}
    )
    assert response.status_code == 200
    assert Event.objects.get(episode=episode, kind="ready_notice_sent").actor_unit == org.ward


def test_a_user_with_two_units_acts_through_the_unit_they_choose(org):
    episode = admit(org)
    both = make_user("both", org.needs_assessment, Role.NEEDS_ASSESSOR)
    Membership.objects.create(user=both, unit=org.home_health_care, role=Role.NURSE)
    default = acting_membership(both, episode, Step.SEND_PLANNING_MESSAGE).unit
    chosen = org.home_health_care if default == org.needs_assessment else org.needs_assessment
    response = Api(both).post(
        f"/episodes/{episode.public_id}/planning-messages",
        {"status": "Planering pågår", "unit": str(chosen.public_id)},
    )
    assert response.status_code == 201, response.content
    assert {m["sender_unit"]["id"] for m in response.json()} == {str(chosen.public_id)}


def test_an_ended_episode_drops_out_of_reach_after_the_access_window(org, settings):
    start = timezone.now() - dt.timedelta(days=50)
    episode = admit(org, admitted_at=start)
    actions.do_discharge(org.nurse, episode, "home", discharged_at=start + dt.timedelta(days=2))
    api = Api(org.needs_assessor)
    assert api.get(f"/episodes/{episode.public_id}").status_code == 200
    settings.SAMSYN_ACCESS_AFTER_END_DAYS = 30
    call_command("refresh_party_visibility")  # as after any change of the setting
    assert api.get(f"/episodes/{episode.public_id}").status_code == 404
