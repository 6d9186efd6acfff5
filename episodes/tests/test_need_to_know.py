import datetime as dt

from django.utils import timezone

from audit.models import AccessLog
from episodes.access import visible_episodes
from episodes.models import refresh_visibility
from tests.factories import admit


def test_a_party_unit_sees_the_episode_and_the_read_is_logged(org, client):
    episode = admit(org)
    client.force_login(org.needs_assessor)
    response = client.get(f"/vardtillfallen/{episode.public_id}/")
    assert response.status_code == 200
    assert "Testsson" in response.text
    row = AccessLog.objects.get(user=org.needs_assessor, episode=episode)
    assert row.granted and row.action == "episode.view"
    assert row.unit == org.needs_assessment


def test_an_unrelated_unit_gets_not_found_and_the_attempt_is_logged(org, client):
    episode = admit(org)
    client.force_login(org.outsider)
    response = client.get(f"/vardtillfallen/{episode.public_id}/")
    assert response.status_code == 404
    assert "Testsson" not in response.text
    row = AccessLog.objects.get(user=org.outsider)
    assert row.granted is False and row.episode == episode


def test_search_by_personnummer_finds_only_what_my_units_take_part_in(org, client):
    admit(org)
    client.force_login(org.outsider)
    response = client.get("/individer/sok/", {"personnummer": "410708-9981"})
    assert "Ingen träff" in response.text
    client.force_login(org.home_care_nurse)
    response = client.get("/individer/sok/", {"personnummer": "410708-9981"})
    assert response.status_code == 302
    assert AccessLog.objects.filter(
        user=org.outsider, action="individual.search", granted=False
    ).exists()


def test_a_removed_unit_keeps_access_only_for_a_while(org, settings):
    from episodes import actions

    episode = admit(org)
    actions.do_edit_parties(org.nurse, episode, remove=[org.home_health_care])
    assert visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()
    episode.parties.filter(unit=org.home_health_care).update(
        removed_at=timezone.now() - dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_REMOVAL_DAYS + 1)
    )
    refresh_visibility([episode.pk])  # the removal backdated by hand, so its cache by hand
    assert not visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()


def test_a_protected_identity_hides_the_address(org, client):
    episode = admit(org)
    episode.individual.protected_identity = True
    episode.individual.save()
    client.force_login(org.nurse)
    response = client.get(f"/vardtillfallen/{episode.public_id}/")
    assert "Testgatan" not in response.text
    assert "Skyddad adress" in response.text


def test_administrators_review_the_log_per_individual(org, client):
    episode = admit(org)
    client.force_login(org.outsider)
    client.get(f"/vardtillfallen/{episode.public_id}/")
    client.force_login(org.admin)
    response = client.get("/logg/", {"personnummer": "19410708-9981"})
    assert response.status_code == 200
    assert "Nekad" in response.text and "Outsider" in response.text
    client.force_login(org.nurse)
    assert client.get("/logg/", {"personnummer": "19410708-9981"}).status_code == 403
