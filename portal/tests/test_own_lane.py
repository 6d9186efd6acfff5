"""Issue 13: in Min planering the individual (or a representative with access today) marks
their own part of the planning done, and writing what matters completes its activity."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.access import sweep_expired
from portal.models import CitizenRead, Representation, RepresentationEvent
from portal.tests.citizens import log_in
from process.models import ActivityLog, ActivityStatus, EpisodeActivity, LogKind
from sip.tests.builders import in_a_stay
from tests.factories import TEST_IDENTIFIERS, admit, make_individual

SVEN = TEST_IDENTIFIERS[0]
KARIN = TEST_IDENTIFIERS[1]  # Sven's daughter
STRANGER = TEST_IDENTIFIERS[5]


def _row(episode, key) -> EpisodeActivity:
    return EpisodeActivity.objects.select_related("definition").get(
        episode=episode, definition__key=key
    )


def _mark(client, episode, key):
    row = _row(episode, key)
    url = reverse("portal:mark_done", args=[episode.individual.public_id, row.public_id])
    return client.post(url, follow=True)


def _overview(client, individual) -> str:
    return client.get(reverse("portal:overview", args=[individual.public_id])).content.decode()


def _grant_karin(client, individual, days=30) -> Representation:
    log_in(client, SVEN, "Sven Testsson")
    client.post(
        reverse("portal:access", args=[individual.public_id]),
        {
            "identifier": KARIN,
            "name": "Karin Testsson",
            "relation": "dotter",
            "valid_to": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
        },
    )
    return Representation.objects.get(representative_identifier=KARIN)


def test_the_individual_marks_their_own_part_done_and_staff_see_who_did(org, client):
    episode = admit(org)
    log_in(client, SVEN, "Sven Testsson")
    page = _overview(client, episode.individual)
    # "Klart" where the work description lets the individual mark it, not elsewhere.
    enskilde = "Den enskilde vet vad som händer och vem som gör vad"
    assert f'aria-label="Klart: {enskilde}"' in page
    survey = "Den enskilde erbjuds att svara på enkäten om delaktighet och trygghet"
    assert survey in page and f'aria-label="Klart: {survey}"' not in page

    response = _mark(client, episode, "EN-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Bra! ”{enskilde}” är markerat som klart." in page
    assert "markerat av dig" in page and f'aria-label="Klart: {enskilde}"' not in page
    row = _row(episode, "EN-01")
    assert row.status == ActivityStatus.DONE and row.completed_by is None
    assert CitizenRead.objects.filter(
        action="portal.mark_done", individual=episode.individual, granted=True
    ).exists()

    client.force_login(org.nurse)
    staff = client.get(reverse("episode", args=[episode.public_id])).content.decode()
    assert "Markerad av den enskilde (Sven Testsson)" in staff


def test_marking_twice_is_refused_with_a_message_and_writes_nothing(org, client):
    episode = admit(org)
    log_in(client, SVEN, "Sven Testsson")
    _mark(client, episode, "EN-01")
    page = _mark(client, episode, "EN-01").content.decode()
    assert "Det här är redan markerat som klart." in page
    assert ActivityLog.objects.filter(kind=LogKind.MARKED_BY_CITIZEN).count() == 1


def test_another_lane_s_activity_posted_by_url_is_refused(org, client):
    episode = admit(org)
    log_in(client, SVEN, "Sven Testsson")
    page = _mark(client, episode, "SV-05").content.decode()
    assert "Det här är inte din del av planeringen. Personalen markerar den." in page
    assert _row(episode, "SV-05").status != ActivityStatus.DONE


def test_a_representative_marks_it_and_is_named_with_their_relation(org, client):
    episode = admit(org)
    _grant_karin(client, episode.individual)
    log_in(client, KARIN, "Karin Testsson")
    page = _mark(client, episode, "EN-04").content.decode()
    assert "markerat av Karin Testsson" in page
    row = _row(episode, "EN-04")
    assert (row.citizen_role, row.citizen_relation) == ("representative", "dotter")
    client.force_login(org.nurse)
    staff = client.get(reverse("episode", args=[episode.public_id])).content.decode()
    assert "Markerad av företrädare (dotter)" in staff


def test_a_stranger_and_a_revoked_representative_get_not_found_and_nothing_changes(org, client):
    episode = admit(org)
    granted = _grant_karin(client, episode.individual)
    client.post(reverse("portal:revoke", args=[episode.individual.public_id, granted.public_id]))
    log_in(client, KARIN, "Karin Testsson")
    assert _mark(client, episode, "EN-04").status_code == 404
    make_individual(org, STRANGER, given_name="Stina")
    log_in(client, STRANGER, "Stina Testsson")
    assert _mark(client, episode, "EN-04").status_code == 404
    assert _row(episode, "EN-04").status != ActivityStatus.DONE
    refused = CitizenRead.objects.filter(action="portal.mark_done", granted=False)
    assert {r.reader_identifier for r in refused} == {KARIN, STRANGER}


def test_a_get_is_not_allowed(org, client):
    episode = admit(org)
    log_in(client, SVEN, "Sven Testsson")
    row = _row(episode, "EN-01")
    url = reverse("portal:mark_done", args=[episode.individual.public_id, row.public_id])
    assert client.get(url).status_code == 405


def test_writing_what_matters_completes_its_activity_in_the_same_step(org, client):
    sip = in_a_stay(org)
    episode = sip.episode
    log_in(client, SVEN, "Sven Testsson")
    url = reverse("portal:own_words", args=[sip.individual.public_id, sip.public_id])
    # Refused text (too long): neither the words nor the activity are written.
    assert client.post(url, {"text": "x" * 4001}).status_code == 400
    assert _row(episode, "EN-02").status != ActivityStatus.DONE

    assert client.post(url, {"text": "Att få bo kvar hemma."}).status_code == 302
    row = _row(episode, "EN-02")
    assert row.status == ActivityStatus.DONE and row.citizen_name == "Sven Testsson"
    assert ActivityLog.objects.get(activity=row, kind=LogKind.MARKED_BY_CITIZEN).data["via"] == (
        "own_words"
    )
    # Writing again adds a version of the words; the activity is done once.
    assert client.post(url, {"text": "Att få bo kvar hemma med katten."}).status_code == 302
    assert ActivityLog.objects.filter(kind=LogKind.MARKED_BY_CITIZEN).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_the_periodic_job_writes_the_expired_row_once(org, client):
    episode = admit(org)
    granted = _grant_karin(client, episode.individual, days=3)
    assert sweep_expired() == 0  # still valid
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=True):
        call_command("schedule_jobs", verbosity=0)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        done = DBTaskResult.objects.get(status="SUCCESSFUL")
        assert done.return_value["representations_expired"] == 1
        assert sweep_expired() == 0  # again: nothing more
    assert [e.kind for e in RepresentationEvent.objects.filter(representation=granted)] == [
        "granted",
        "expired",
    ]
    expired = RepresentationEvent.objects.get(kind="expired")
    assert expired.data["relation"] == "dotter" and expired.actor_identifier == ""
