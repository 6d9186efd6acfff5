"""ADT messages sent over a real TCP socket to the running MLLP listener: admissions,
updates, discharges and cancellations reach the episode through its actions; each message is
answered (AA/AE/AR) and applied exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from episodes.models import Episode, EpisodeState, Message
from interop.hl7.client import send
from interop.hl7.listener import ListenerThread
from interop.models import AdtMessage, MessageStatus
from interop.tests.adt import WARD_HSA_ID, adt, msa, ts

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


def test_an_admission_creates_the_episode_at_the_ward_without_sending_the_notice(
    listener, ward, org
):
    admitted = hours_ago(5)
    [answer] = post(listener, adt("A01", "MSG-1", admitted=ts(admitted)))

    assert answer == ["AA", "MSG-1", "OK"]
    episode = Episode.objects.get(individual__identifier="194107089981")
    assert episode.ward == ward
    assert episode.admitted_at == admitted
    assert episode.individual.family_name == "Testsson"
    assert episode.may_need_help is False
    assert episode.admission_notice_sent_at is None
    assert not Message.objects.filter(episode=episode).exists()
    client = Client()
    client.force_login(org.nurse)
    assert "Testsson" in client.get("/").content.decode()


def test_a_time_without_offset_is_stockholm_time(listener):
    admitted = hours_ago(30)
    [answer] = post(listener, adt("A04", "MSG-1", admitted=ts(admitted, offset=False)))

    assert answer[0] == "AA"
    assert Episode.objects.get().admitted_at == admitted


def test_a_resend_gets_the_same_answer_and_changes_nothing(listener):
    message = adt("A01", "MSG-1", admitted=ts(hours_ago(5)))
    first, again = post(listener, message, message)

    assert first == again == ["AA", "MSG-1", "OK"]
    assert Episode.objects.count() == 1
    assert AdtMessage.objects.count() == 1


def test_the_same_control_id_with_other_content_is_refused_and_recorded(listener):
    post(listener, adt("A01", "MSG-1", admitted=ts(hours_ago(5))))
    [answer] = post(listener, adt("A03", "MSG-1", discharged=ts(hours_ago(1))))

    assert answer[0] == "AE"
    assert "redan mottaget med annat innehåll" in answer[2]
    assert Episode.objects.get().state == EpisodeState.ADMITTED
    assert AdtMessage.objects.filter(status=MessageStatus.CONFLICT).count() == 1


def test_an_update_sets_the_estimated_date_and_a_discharge_ends_the_stay(listener):
    tomorrow = timezone.localdate() + dt.timedelta(days=3)
    discharged = hours_ago(2)
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        adt("A08", "MSG-2", expected_discharge=tomorrow.strftime("%Y%m%d")),
        adt("A03", "MSG-3", discharged=ts(discharged), disposition="03"),
    )

    assert [a[0] for a in answers] == ["AA", "AA", "AA"]
    episode = Episode.objects.get()
    assert episode.estimated_discharge_date == tomorrow
    assert episode.state == EpisodeState.DISCHARGED
    assert episode.discharged_at == discharged


def test_a_cancelled_admission_ends_the_episode_as_cancelled(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        adt("A11", "MSG-2", occurred=ts(hours_ago(1))),
    )

    assert [a[0] for a in answers] == ["AA", "AA"]
    episode = Episode.objects.get()
    assert episode.state == EpisodeState.EXITED
    assert episode.exit_reason == "cancelled"


def test_a_discharge_before_the_admission_is_refused_and_nothing_changes(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(5))),
        adt("A03", "MSG-2", discharged=ts(hours_ago(6))),
    )

    assert answers[1][0] == "AE"
    assert answers[1][2] == "Utskrivningen kan inte ligga före inskrivningen."
    assert Episode.objects.get().state == EpisodeState.ADMITTED


def test_a_discharge_for_an_unknown_visit_is_refused(listener):
    post(listener, adt("A01", "MSG-0", admitted=ts(hours_ago(30))))
    [answer] = post(listener, adt("A03", "MSG-1", visit="V9", discharged=ts(hours_ago(2))))

    assert answer[0] == "AE"
    assert "Okänt vårdtillfälle" in answer[2]


def test_after_a_restart_the_senders_resend_is_acknowledged_and_applies_nothing_twice(ward):
    message = adt("A01", "MSG-1", admitted=ts(hours_ago(5)))
    with ListenerThread() as first:
        [before] = post(first, message)
    with ListenerThread() as restarted:
        [after] = post(restarted, message)

    assert before == after == ["AA", "MSG-1", "OK"]
    assert Episode.objects.count() == 1


def test_an_update_with_another_admission_time_corrects_it(listener):
    corrected = hours_ago(7)
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(5))),
        adt("A08", "MSG-2", admitted=ts(corrected)),
    )

    assert [a[0] for a in answers] == ["AA", "AA"]
    assert Episode.objects.get().admitted_at == corrected
