"""A13 (cancel discharge) over TCP to the running listener: the stay goes on through the
episode action, exactly once; a stay that is not discharged, or an unknown visit, is AE."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from episodes.models import Episode, EpisodeState, EventKind
from interop.hl7.client import send
from interop.hl7.listener import ListenerThread
from interop.models import AdtMessage, MessageStatus
from interop.tests.adt import WARD_HSA_ID, adt, msa, ts
from process.models import ActivityStatus, EpisodeActivity
from process.worklist import todo_for_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ward(org):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    return org.ward


@pytest.fixture
def listener(ward):
    with ListenerThread(read_timeout=5) as running:
        yield running


def post(listener, *messages):
    return [msa(ack) for ack in send("127.0.0.1", listener.port, list(messages))]


def hours_ago(hours: int) -> dt.datetime:
    return (timezone.now() - dt.timedelta(hours=hours)).replace(microsecond=0)


def test_a_cancelled_discharge_puts_the_stay_back_on_the_ward_and_a_new_a03_ends_it(listener, org):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        adt("A03", "MSG-2", discharged=ts(hours_ago(2))),
    )
    assert not [item for item in todo_for_user(org.nurse) if item.activity.key == "SV-01"]
    cancel = adt("A13", "MSG-3", occurred=ts(hours_ago(1)))
    answers += post(listener, cancel, cancel)  # a resend: the same answer, applied once

    assert [a[0] for a in answers] == ["AA", "AA", "AA", "AA"]
    episode = Episode.objects.get()
    assert episode.state == EpisodeState.ADMITTED
    assert episode.discharged_at is None
    assert episode.events.filter(kind=EventKind.DISCHARGE_CANCELLED).count() == 1
    assert AdtMessage.objects.filter(control_id="MSG-3").count() == 1
    # On the ward's "Att göra nu" again: the help-need judgement an ADT admission waits for
    # (closed as missed at the discharge) is open, and so is the discharge itself.
    discharge = EpisodeActivity.objects.get(episode=episode, definition__key="SV-17")
    assert discharge.status == ActivityStatus.OPEN
    todo = [(item.episode.pk, item.activity.key) for item in todo_for_user(org.nurse)]
    assert (episode.pk, "SV-01") in todo
    client = Client()
    client.force_login(org.nurse)
    page = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert "Utskrivningen makulerad i vårdsystemet (ADT^A13)." in page

    discharged = hours_ago(0)
    [again] = post(listener, adt("A03", "MSG-4", discharged=ts(discharged), disposition="03"))
    assert again[0] == "AA"
    episode.refresh_from_db()
    assert episode.state == EpisodeState.DISCHARGED
    assert episode.discharged_at == discharged


def test_a13_on_a_stay_not_discharged_is_refused(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        adt("A13", "MSG-2"),
    )

    assert answers[1][0] == "AE"
    assert answers[1][2] == (
        "Vårdtillfället är inte utskrivet: det finns ingen utskrivning att makulera."
    )
    episode = Episode.objects.get()
    assert episode.state == EpisodeState.ADMITTED
    assert not episode.events.filter(kind=EventKind.DISCHARGE_CANCELLED).exists()
    assert AdtMessage.objects.get(control_id="MSG-2").status == MessageStatus.ERROR


def test_a13_for_an_unknown_visit_is_refused(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        adt("A03", "MSG-2", discharged=ts(hours_ago(2))),
        adt("A13", "MSG-3", visit="V9999"),
    )

    assert answers[2][0] == "AE"
    assert "PV1-19 V9999" in answers[2][2]
    assert Episode.objects.get().state == EpisodeState.DISCHARGED


def test_a13_without_a_visit_number_finds_the_persons_discharged_stay(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", visit="", admitted=ts(hours_ago(30))),
        adt("A03", "MSG-2", visit="", discharged=ts(hours_ago(2))),
        adt("A13", "MSG-3", visit="", occurred=ts(hours_ago(1))),
    )

    assert [a[0] for a in answers] == ["AA", "AA", "AA"]
    assert Episode.objects.get().state == EpisodeState.ADMITTED
