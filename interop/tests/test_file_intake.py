"""ADT files dropped in a folder: applied through the same exactly-once path, answered in
an ACK file, and moved to done/ or error/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from episodes.models import Episode, EpisodeState
from interop.tests.adt import WARD_HSA_ID, adt, ts

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(org):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    return org.ward


def test_a_file_of_two_messages_is_applied_answered_and_moved_to_done(ward, tmp_path):
    admitted = ts(timezone.now() - dt.timedelta(hours=6))
    discharged = ts(timezone.now() - dt.timedelta(hours=1))
    body = adt("A01", "F-1", admitted=admitted) + "\r" + adt("A03", "F-2", discharged=discharged)
    (tmp_path / "batch1.hl7").write_text(body, encoding="utf-8")

    call_command("hl7_file_intake", folder=str(tmp_path), once=True)

    assert Episode.objects.get().state == EpisodeState.DISCHARGED
    assert (tmp_path / "done" / "batch1.hl7").exists()
    ack = (tmp_path / "ack" / "batch1.ack").read_text()
    assert "MSA|AA|F-1|OK" in ack and "MSA|AA|F-2|OK" in ack


def test_the_same_file_dropped_again_changes_nothing(ward, tmp_path):
    body = adt("A01", "F-1", admitted=ts(timezone.now() - dt.timedelta(hours=6)))
    (tmp_path / "a.hl7").write_text(body, encoding="utf-8")
    call_command("hl7_file_intake", folder=str(tmp_path), once=True)
    (tmp_path / "b.hl7").write_text(body, encoding="utf-8")

    call_command("hl7_file_intake", folder=str(tmp_path), once=True)

    assert Episode.objects.count() == 1
    assert "MSA|AA|F-1|OK" in (tmp_path / "ack" / "b.ack").read_text()


def test_a_file_with_a_refused_message_goes_to_error(ward, tmp_path):
    (tmp_path / "bad.hl7").write_text(adt("A01", "F-1", pid3=""), encoding="utf-8")

    call_command("hl7_file_intake", folder=str(tmp_path), once=True)

    assert (tmp_path / "error" / "bad.hl7").exists()
    assert (
        "MSA|AR|F-1|PID-3 (identitetsnummer) saknas." in (tmp_path / "ack" / "bad.ack").read_text()
    )
    assert not Episode.objects.exists()


def test_a_file_taken_in_batches_answers_each_message_as_if_alone(ward, tmp_path, monkeypatch):
    from interop.management.commands import hl7_file_intake

    monkeypatch.setattr(hl7_file_intake, "BATCH", 2)  # five messages: batches of 2, 2 and 1
    admitted = ts(timezone.now() - dt.timedelta(hours=6))
    people = ["194107089981", "193902229925", "194512319981", "193411199916"]
    messages = [
        adt("A01", "B-1", identifier=people[0], visit="V1", admitted=admitted),
        # The same person again while the first stay runs: refused, and only this message.
        adt("A01", "B-2", identifier=people[0], visit="V2", admitted=admitted),
        adt("A01", "B-3", identifier=people[1], visit="V3", admitted=admitted),
        adt("A01", "B-4", identifier=people[2], visit="V4", admitted=admitted),
        adt("A01", "B-5", identifier=people[3], visit="V5", admitted=admitted),
    ]
    (tmp_path / "many.hl7").write_text("\r".join(messages), encoding="utf-8")

    call_command("hl7_file_intake", folder=str(tmp_path), once=True)

    codes = [
        line.split("|")[1]
        for line in (tmp_path / "ack" / "many.ack").read_text().split()
        if line.startswith("MSA|")
    ]
    assert codes == ["AA", "AE", "AA", "AA", "AA"]
    assert Episode.objects.count() == 4
    assert (tmp_path / "error" / "many.hl7").exists()

    # Dropped again: every message gets its stored answer, nobody is admitted twice.
    (tmp_path / "again.hl7").write_text("\r".join(messages), encoding="utf-8")
    call_command("hl7_file_intake", folder=str(tmp_path), once=True)
    again = [
        line.split("|")[1]
        for line in (tmp_path / "ack" / "again.ack").read_text().split()
        if line.startswith("MSA|")
    ]
    assert again == codes
    assert Episode.objects.count() == 4
