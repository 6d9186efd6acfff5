"""The ward hands over a one-time code at discharge during a measurement period."""

import re

import pytest
from django.core.cache import cache

from audit.models import AccessLog
from core.errors import ActionError
from surveys import actions
from surveys.models import BASELINE, Invitation, hash_code
from tests.factories import TEST_IDENTIFIERS, admit, make_individual


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_the_ward_prints_an_invitation_with_a_code_a_link_and_a_qr_code(org, plan, client):
    episode = admit(org)
    client.force_login(org.nurse)
    page = client.post(f"/enkat/inbjudan/{episode.public_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    code = re.search(r'id="invitation-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', text).group(1)
    assert "http://testserver/enkat/" in text
    assert "<svg" in text and "QR-kod till enkäten" in text
    invitation = Invitation.objects.get()
    assert invitation.code_hash == hash_code(code.replace("-", ""))
    assert code.replace("-", "") not in str(invitation.__dict__)  # only the hash is kept


def test_the_invitation_keeps_only_the_anonymous_facts_of_the_episode(org, plan):
    episode = admit(org)
    issued = actions.create_invitation(org.nurse, episode.public_id)
    invitation = issued.invitation
    assert invitation.period == BASELINE
    assert invitation.area == org.partille_area
    assert invitation.municipality == org.partille_area.municipality
    # The ward, the health centre and the needs assessment take part (the proposed units).
    assert invitation.lane_pattern.startswith("inpatient")
    assert invitation.age_band != ""


def test_making_an_invitation_reads_the_episode_and_is_logged(org, plan, client):
    episode = admit(org)
    client.force_login(org.nurse)
    client.get(f"/enkat/inbjudan/{episode.public_id}/")
    client.post(f"/enkat/inbjudan/{episode.public_id}/")
    rows = AccessLog.objects.filter(action="survey.invite", user=org.nurse, granted=True)
    assert rows.count() == 2 and rows.first().individual_id == episode.individual_id


def test_a_unit_not_taking_part_gets_not_found_and_the_refusal_is_logged(org, plan, client):
    episode = admit(org)
    client.force_login(org.outsider)
    assert client.post(f"/enkat/inbjudan/{episode.public_id}/").status_code == 404
    assert not Invitation.objects.exists()
    assert AccessLog.objects.filter(action="survey.invite", granted=False).count() == 1


def test_only_the_ward_hands_out_the_invitation(org, plan, client):
    episode = admit(org)
    client.force_login(org.gp_nurse)
    page = client.post(f"/enkat/inbjudan/{episode.public_id}/")
    assert page.status_code == 400
    assert "vårdande avdelningen" in page.content.decode()
    assert not Invitation.objects.exists()


def test_outside_a_measurement_period_no_invitation_is_made(org, client):
    episode = admit(org)
    with pytest.raises(ActionError) as refused:
        actions.create_invitation(org.nurse, episode.public_id)
    assert refused.value.code == "no_measurement_period"
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_an_unused_one(org, plan):
    episode = admit(org)
    first = actions.create_invitation(org.nurse, episode.public_id)
    second = actions.create_invitation(org.nurse, episode.public_id)
    assert list(Invitation.objects.all()) == [second.invitation]
    with pytest.raises(ActionError):
        actions.open_response(first.code, client="1.2.3.4")


def test_outside_a_measurement_period_the_page_offers_no_invitation(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    page = client.get(f"/enkat/inbjudan/{episode.public_id}/").content.decode()
    assert "Ingen mätperiod pågår i dag" in page and "Skapa inbjudan" not in page


def test_a_protected_identitys_area_and_municipality_are_never_kept(org, plan):
    make_individual(org, TEST_IDENTIFIERS[1], protected_identity=True)
    episode = admit(org, identifier=TEST_IDENTIFIERS[1])
    invitation = actions.create_invitation(org.nurse, episode.public_id).invitation
    assert invitation.area is None and invitation.municipality is None
