"""What the listener answers for what it cannot or must not apply: each refused clearly
(AR or AE with the reason), nothing half-written, and the listener keeps serving others."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.utils import timezone
from hl7.mllp import open_hl7_connection

from episodes.models import Episode, EpisodeState
from individuals.models import Individual
from interop.hl7.client import run_sync, send
from interop.hl7.intake import resolve_ward
from interop.hl7.listener import ListenerThread
from interop.models import AdtMessage, MessageStatus, ResolutionItem
from interop.tests.adt import SAMORDNINGSNUMMER_OID, WARD_HSA_ID, adt, msa, ts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ward(org):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    return org.ward


@pytest.fixture
def listener(ward):
    with ListenerThread(read_timeout=2, max_bytes=20_000) as running:
        yield running


def post(listener, *messages):
    return [msa(ack) for ack in send("127.0.0.1", listener.port, list(messages))]


def admitted_text() -> str:
    return ts(timezone.now() - dt.timedelta(hours=5))


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("PID|1||194107089981", "börjar inte med ett MSH-segment"),
        (adt("A01", "M1", encoding="^~#&"), "Fel avgränsningstecken"),
        (adt("A01", "M1", pid3=""), "PID-3 (identitetsnummer) saknas"),
        (adt("A01", "M1", authority="LOCAL"), "Okänd tilldelande myndighet i PID-3: LOCAL"),
        (adt("A05", "M1"), "Händelsen A05 stöds inte"),
        (adt("A01", "M1") + "\rpv2|x", "Felaktigt segment"),
    ],
)
def test_what_cannot_be_processed_is_rejected_with_the_reason(listener, message, reason):
    [answer] = post(listener, message)

    assert answer[0] == "AR"
    assert reason in answer[2]
    assert not Episode.objects.exists()
    assert AdtMessage.objects.get().status == MessageStatus.REJECTED


def test_an_invalid_identity_number_is_refused(listener):
    [answer] = post(listener, adt("A01", "M1", identifier="194107089982"))

    assert answer[0] == "AE"
    assert "Ogiltigt identitetsnummer" in answer[2]
    assert not Individual.objects.exists()


def test_a_personnummer_sent_as_a_samordningsnummer_is_refused(listener):
    authority = f"&{SAMORDNINGSNUMMER_OID}&ISO"
    [answer] = post(listener, adt("A01", "M1", authority=authority))

    assert answer == ["AE", "M1", "Identitetsnumret i PID-3 är inte ett samordningsnummer."]


def test_an_unknown_ward_waits_in_the_queue_until_mapped_and_replayed(listener, org):
    admitted = admitted_text()
    [answer] = post(listener, adt("A01", "M1", ward="SE-OKAND-1", admitted=admitted))

    assert answer[0] == "AE"
    assert "väntar i kön" in answer[2]
    assert not Episode.objects.exists()
    item = ResolutionItem.objects.get()
    assert item.hsa_id == "SE-OKAND-1"

    row = resolve_ward(item, org.other_ward, org.admin)

    assert row.status == MessageStatus.APPLIED
    assert Episode.objects.get().ward == org.other_ward
    item.refresh_from_db()
    assert item.resolved_by == org.admin


def test_a_message_over_the_limit_is_rejected_and_the_listener_serves_the_next(listener):
    huge = adt("A01", "M1", family="X" * 30_000)
    [too_big] = post(listener, huge)
    [fine] = post(listener, adt("A01", "M2", admitted=admitted_text()))

    assert too_big[0] == "AR"
    assert "större än gränsen" in too_big[2]
    assert fine[0] == "AA"
    assert Episode.objects.get().individual.family_name == "Testsson"


def test_a_half_open_client_does_not_block_another_and_is_disconnected(listener):
    stuck = socket.create_connection(("127.0.0.1", listener.port))
    stuck.sendall(b"\x0bMSH|^~\\&|PAS|SU")  # never finished

    [answer] = post(listener, adt("A01", "M2", admitted=admitted_text()))

    assert answer[0] == "AA"
    stuck.settimeout(10)
    assert stuck.recv(100) == b""  # closed by the listener's read timeout
    stuck.close()


def test_a_block_without_the_mllp_start_character_is_rejected(listener):
    async def exchange():
        reader, writer = await open_hl7_connection("127.0.0.1", listener.port)
        writer.write(adt("A01", "M1").encode() + b"\x1c\r")
        await writer.drain()
        block = await reader.readblock()
        writer.close()
        return block.decode()

    answer = msa(run_sync(exchange()))

    assert answer[0] == "AR"
    assert "MLLP" in answer[2]
    assert Episode.objects.filter(state=EpisodeState.ADMITTED).count() == 0
