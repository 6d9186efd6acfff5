"""Relatives and legal representatives: recorded, revocable, time-limited access to the
individual's Min planering, with an append-only history."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.actions import latest_end
from portal.models import CitizenRead, Representation, RepresentationEvent
from portal.tests.citizens import log_in
from tests.factories import TEST_IDENTIFIERS, admit

SVEN = TEST_IDENTIFIERS[0]
KARIN = TEST_IDENTIFIERS[1]  # Sven's daughter in these tests
KARIN_TYPED = "390222-9925"  # her number as she would type it (10 digits)


def _grant(client, individual, **changes):
    data = {
        "identifier": KARIN_TYPED,
        "name": "Karin Testsson",
        "relation": "dotter",
        "valid_to": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    log_in(client, SVEN, "Sven Testsson")
    return client.post(reverse("portal:access", args=[individual.public_id]), data)


def test_the_individual_grants_a_relative_who_then_sees_exactly_what_they_see(org, client):
    episode = admit(org)
    individual = episode.individual
    assert _grant(client, individual).status_code == 302
    granted = Representation.objects.get()
    assert granted.representative_identifier == "19" + KARIN_TYPED.replace("-", "")
    assert [e.kind for e in granted.events.all()] == ["granted"]

    log_in(client, KARIN, "Karin Testsson")
    home = client.get(reverse("portal:citizen_home")).content.decode()
    assert "Du företräder: Sven Testsson" in home
    page = client.get(reverse("portal:overview", args=[individual.public_id])).content.decode()
    assert "Medicinavdelning 1, Sjukhuset Öst" in page
    assert "Du företräder Sven Testsson" in page
    # Never more than the individual: who may see is the individual's own page.
    assert reverse("portal:access", args=[individual.public_id]) not in page
    assert client.get(reverse("portal:access", args=[individual.public_id])).status_code == 404
    read = CitizenRead.objects.filter(action="portal.overview").get()
    assert read.representation == granted and read.reader_name == "Karin Testsson"


def test_a_revoked_access_denies_at_once_and_the_history_keeps_both(org, client):
    individual = admit(org).individual
    _grant(client, individual)
    granted = Representation.objects.get()
    response = client.post(reverse("portal:revoke", args=[individual.public_id, granted.public_id]))
    assert response.status_code == 302
    log_in(client, KARIN, "Karin Testsson")
    assert client.get(reverse("portal:overview", args=[individual.public_id])).status_code == 404
    assert (
        "Det finns inget att visa här"
        in client.get(reverse("portal:citizen_home")).content.decode()
    )
    assert [e.kind for e in RepresentationEvent.objects.order_by("at", "id")] == [
        "granted",
        "revoked",
    ]
    assert CitizenRead.objects.filter(granted=False, individual=individual).count() == 1


def test_an_expired_access_denies_from_the_day_after_and_its_expiry_is_kept_once(org, client):
    individual = admit(org).individual
    _grant(client, individual, valid_to=timezone.localdate().isoformat())
    log_in(client, KARIN, "Karin Testsson")
    url = reverse("portal:overview", args=[individual.public_id])
    assert client.get(url).status_code == 200  # the last day still counts
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        log_in(client, KARIN, "Karin Testsson")  # yesterday's session has ended
        assert client.get(url).status_code == 404
        assert client.get(url).status_code == 404
    kinds = list(RepresentationEvent.objects.values_list("kind", flat=True).order_by("id"))
    assert kinds == ["granted", "expired"]


def test_a_grant_longer_than_the_maximum_or_to_oneself_is_refused_and_nothing_written(org, client):
    individual = admit(org).individual
    too_long = latest_end() + dt.timedelta(days=1)
    cases = [
        ({"valid_to": too_long.isoformat()}, "högst 12 månader"),
        ({"identifier": "19121212-1213"}, "kontrollsiffran stämmer inte"),
        ({"identifier": SVEN}, "Du har redan tillgång till dina egna uppgifter."),
        ({"name": ""}, "Skriv personens namn."),
        ({"relation": "x" * 101}, "Texten är för lång"),
        ({"valid_to": "2020-01-01"}, "Dagen har redan varit."),
    ]
    for changes, message in cases:
        response = _grant(client, individual, **changes)
        assert response.status_code == 400, changes
        assert message in response.content.decode(), changes
    assert not Representation.objects.exists()
    assert not RepresentationEvent.objects.exists()


def test_staff_at_a_unit_taking_part_record_a_legal_representative(org, client):
    episode = admit(org)
    url = reverse("portal:representatives", args=[episode.public_id])
    data = {
        "kind": "forvaltare",
        "identifier": KARIN,
        "name": "Karin Testsson",
        "basis": "Tingsrättens beslut 2026-10-01, mål T 123-26",
        "valid_from": "",
        "valid_to": (timezone.localdate() + dt.timedelta(days=700)).isoformat(),
    }
    # Not a party: the episode is not found for them, nothing recorded.
    client.force_login(org.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(org.needs_assessor)
    missing_basis = client.post(url, {**data, "basis": ""})
    assert missing_basis.status_code == 400
    assert "Skriv vilket beslut det bygger på." in missing_basis.content.decode()
    assert client.post(url, data).status_code == 302
    recorded = Representation.objects.get()
    assert recorded.kind == "forvaltare" and recorded.granted_unit == org.needs_assessment
    assert "Tingsrättens beslut" in client.get(url).content.decode()

    # The representative sees the planning; the individual cannot revoke a decision.
    log_in(client, KARIN, "Karin Testsson")
    overview = reverse("portal:overview", args=[episode.individual.public_id])
    assert client.get(overview).status_code == 200
    log_in(client, SVEN)
    client.post(reverse("portal:revoke", args=[episode.individual.public_id, recorded.public_id]))
    recorded.refresh_from_db()
    assert recorded.revoked_at is None

    # Staff end it: denied at once.
    client.force_login(org.needs_assessor)
    end = reverse("portal:representative_end", args=[episode.public_id, recorded.public_id])
    assert client.post(end).status_code == 302
    log_in(client, KARIN, "Karin Testsson")
    assert client.get(overview).status_code == 404
    assert [e.kind for e in recorded.events.order_by("id")] == ["granted", "revoked"]


def test_a_representative_writes_what_matters_as_representative(org, client):
    from sip.tests.builders import planned

    sip = planned(org)
    _grant(client, sip.individual)
    log_in(client, KARIN, "Karin Testsson")
    url = reverse("portal:own_words", args=[sip.individual.public_id, sip.public_id])
    assert client.post(url, {"text": "Pappa vill gärna ha hjälp på morgonen."}).status_code == 302
    words = sip.own_words.get()
    assert words.as_representative and words.written_by_name == "Karin Testsson"


def test_the_staff_page_is_logged_and_offers_recording_only_to_a_unit_taking_part(org, client):
    from audit.models import AccessLog

    episode = admit(org)
    url = reverse("portal:representatives", args=[episode.public_id])
    client.force_login(org.gp_nurse)
    page = client.get(url).content.decode()
    assert "Registrera legal företrädare" in page
    assert AccessLog.objects.filter(
        user=org.gp_nurse, action="portal.representatives", episode=episode, granted=True
    ).exists()
    client.force_login(org.outsider)
    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(
        user=org.outsider, action="portal.representatives", granted=False
    ).exists()
