""" "Vem har läst mina uppgifter": the staff reads of the access log by unit and role, and the
representatives' reads in Min planering."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from portal.tests.citizens import log_in
from tests.factories import TEST_IDENTIFIERS, admit

SVEN = TEST_IDENTIFIERS[0]
KARIN = TEST_IDENTIFIERS[1]


def test_the_log_view_shows_a_staff_read_by_unit_and_role_not_by_name(org, client):
    episode = admit(org)
    org.gp_nurse.first_name, org.gp_nurse.last_name = "Greta", "Distriktsköterska"
    org.gp_nurse.save()
    client.force_login(org.gp_nurse)
    assert client.get(reverse("episode", args=[episode.public_id])).status_code == 200
    client.logout()

    log_in(client, SVEN)
    page = client.get(reverse("portal:read_log", args=[episode.individual.public_id]))
    text = page.content.decode()
    assert "Vårdcentralen Partille, Västra Götalandsregionen" in text
    assert "Sjuksköterska" in text
    assert "Ditt vårdtillfälle" in text
    assert "Greta" not in text and "Distriktsköterska" not in text


def test_the_log_view_shows_a_relatives_read_with_their_name(org, client):
    episode = admit(org)
    individual = episode.individual
    log_in(client, SVEN)
    client.post(
        reverse("portal:access", args=[individual.public_id]),
        {
            "identifier": KARIN,
            "name": "Karin Testsson",
            "relation": "dotter",
            "valid_to": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        },
    )
    log_in(client, KARIN, "Karin Testsson")
    client.get(reverse("portal:overview", args=[individual.public_id]))
    log_in(client, SVEN)
    text = client.get(reverse("portal:read_log", args=[individual.public_id])).content.decode()
    assert "Karin Testsson" in text and "dotter" in text
    assert "Min planering" in text


def test_a_person_with_no_reads_is_told_so(org, client):
    from tests.factories import make_individual

    individual = make_individual(org, SVEN)
    log_in(client, SVEN)
    text = client.get(reverse("portal:read_log", args=[individual.public_id])).content.decode()
    assert "Ingen har läst dina uppgifter det senaste året." in text
