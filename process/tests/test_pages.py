import datetime as dt

from django.utils import timezone

from organisations.models import Membership, Role
from process.sweeper import sweep
from tests.factories import admit


def test_the_catalogue_filters_by_lane_phase_role_and_text(org, client):
    client.force_login(org.gp_nurse)
    page = client.get(
        "/process/katalog/", {"lane": "regional_primary_care", "phase": "ready"}
    ).content.decode()
    assert "Kalla till SIP" in page and "Skicka inskrivningsmeddelande" not in page
    page = client.get("/process/katalog/", {"role": "needs_assessor"}).content.decode()
    assert "Fatta beslut om insatser" in page and "Utse fast vårdkontakt" not in page
    page = client.get("/process/katalog/", {"q": "fast vårdkontakt"}).content.decode()
    assert "Utse fast vårdkontakt" in page and "Beställ insatser hos utföraren" not in page


def test_the_catalogue_shows_goal_purpose_timing_and_references(org, client):
    client.force_login(org.nurse)
    page = client.get("/process/katalog/", {"q": "Skicka inskrivningsmeddelande"}).content.decode()
    assert "Berörda enheter får veta om inskrivningen inom 24 timmar" in page
    assert "Inom 24 timmar efter bedömningen att patienten kan behöva insatser" in page
    assert "https://lagar.nj.se/socialratt/SFS2017-0612" in page


def test_the_quick_guide_of_a_lane_is_printable(org, client):
    client.force_login(org.needs_assessor)
    page = client.get(
        "/process/katalog/", {"lane": "social_services", "lathund": "1"}
    ).content.decode()
    assert "Lathund: Socialtjänst" in page and "@media print" not in page
    assert "process/process.css" in page
    assert "Kalla till SIP" not in page and "Fatta beslut om insatser" in page


def test_the_responsible_units_manager_sees_its_deviation_candidates(org, client):
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    ward_manager = org.manager
    Membership.objects.create(user=ward_manager, unit=org.ward, role=Role.MANAGER)
    client.force_login(ward_manager)
    page = client.get("/process/avvikelsekandidater/").content.decode()
    assert "Skicka inskrivningsmeddelande" in page and org.ward.name in page
    assert "Testsson" not in page  # no patient names for managers


def test_a_manager_of_another_unit_sees_no_candidates_and_care_staff_are_refused(org, client):
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    client.force_login(org.manager)  # manages needs assessment, not the ward
    assert (
        "Skicka inskrivningsmeddelande"
        not in client.get("/process/avvikelsekandidater/").content.decode()
    )
    client.force_login(org.nurse)
    assert client.get("/process/avvikelsekandidater/").status_code == 403


def test_the_api_lists_an_episodes_activities_only_to_those_with_access(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    rows = client.get(f"/api/process/episodes/{episode.public_id}/activities").json()
    assert {r["key"]: r["state"] for r in rows}["SV-04"] == "done_on_time"
    client.force_login(org.outsider)
    assert client.get(f"/api/process/episodes/{episode.public_id}/activities").status_code == 404


def test_the_api_serves_the_catalogue(org, client):
    client.force_login(org.nurse)
    data = client.get("/api/process/catalogue", {"lane": "inpatient"}).json()
    assert data["version"] >= 1 and {a["lane"] for a in data["activities"]} == {"inpatient"}
