"""The access-log review: administrators only, and every look-up of a person is logged."""

from audit.models import AccessLog
from tests.factories import TEST_IDENTIFIERS, admit


def test_an_administrator_sees_who_read_a_person_and_the_review_is_logged(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    client.get(f"/vardtillfallen/{episode.public_id}/")
    client.force_login(org.admin)
    response = client.get("/logg/", {"personnummer": TEST_IDENTIFIERS[0]})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Åtkomster till Sven Testsson" in text and "episode.view" in text
    review = AccessLog.objects.get(user=org.admin, action="auditlog.individual")
    assert (review.granted, review.individual) == (True, episode.individual)


def test_a_care_worker_asking_for_a_persons_log_is_refused_and_the_attempt_is_logged(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    response = client.get("/logg/", {"personnummer": TEST_IDENTIFIERS[0]})
    assert response.status_code == 403
    attempt = AccessLog.objects.get(user=org.nurse, action="auditlog.individual")
    assert (attempt.granted, attempt.individual) == (False, episode.individual)


def test_a_care_worker_gets_no_log_page_by_user_name_either(org, client):
    client.force_login(org.nurse)
    assert client.get("/logg/").status_code == 403
    assert client.get("/logg/", {"anvandare": "physician"}).status_code == 403


def test_a_person_samsyn_does_not_know_is_said_so_and_nothing_was_read(org, client):
    client.force_login(org.admin)
    response = client.get("/logg/", {"personnummer": TEST_IDENTIFIERS[3]})
    assert response.status_code == 400
    assert "Personen finns inte i Samsyn." in response.content.decode()
    assert not AccessLog.objects.filter(user=org.admin).exists()
