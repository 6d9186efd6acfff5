"""The received messages' text names the person: the periodic job empties it once the
retention has passed; the control id, hash, outcome and ACK stay, so a late resend is still
answered as before and applies nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.timerules import start_of_local_day
from episodes.models import Episode
from interop.hl7.intake import receive
from interop.hl7.retention import purge_raw
from interop.models import AdtMessage, MessageStatus
from interop.tests.adt import WARD_HSA_ID, adt, msa, ts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ward(org, settings):
    settings.SAMSYN_HL7_RAW_RETENTION_DAYS = 30
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    return org.ward


def test_the_text_is_kept_for_the_retention_and_then_emptied_keeping_the_answer(ward):
    admitted = ts(timezone.now() - dt.timedelta(hours=3))
    message = adt("A01", "RET-1", admitted=admitted)
    first = receive(message)
    queued = adt("A01", "RET-2", ward="SE-NOT-MAPPED", visit="V2", admitted=admitted)
    receive(queued)
    received = AdtMessage.objects.get(control_id="RET-1").received_at
    last_day_kept = timezone.localdate(received) + dt.timedelta(days=30)

    assert purge_raw(last_day_kept).count == 0
    assert AdtMessage.objects.get(control_id="RET-1").raw == message

    with time_machine.travel(start_of_local_day(last_day_kept + dt.timedelta(days=1)), tick=True):
        assert purge_raw().count == 1
        assert purge_raw().count == 0  # again: nothing more
        row = AdtMessage.objects.get(control_id="RET-1")
        assert row.raw == "" and row.raw_purged_at is not None
        assert (row.control_id, row.status, row.ack_code) == ("RET-1", MessageStatus.APPLIED, "AA")
        assert len(row.content_hash) == 64
        # The message waiting in the queue keeps its text: it is still to be replayed.
        assert AdtMessage.objects.get(control_id="RET-2").raw == queued
        # A late resend is recognised by its hash and answered as before.
        again = receive(message)
        assert msa(again.ack) == msa(first.ack) == ["AA", "RET-1", "OK"]
        assert Episode.objects.count() == 1
        assert AdtMessage.objects.filter(control_id="RET-1").count() == 1


def test_the_periodic_job_purges_the_text(ward):
    receive(adt("A01", "RET-1", admitted=ts(timezone.now() - dt.timedelta(hours=3))))
    later = timezone.now() + dt.timedelta(days=32)
    with time_machine.travel(later, tick=True):
        call_command("schedule_jobs", verbosity=0)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value["hl7_texts_purged"] == 1
    assert AdtMessage.objects.get().raw == ""
