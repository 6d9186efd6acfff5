"""The sweeper runs in the job runner (django-tasks, database backend): enqueued, run by one
worker pass, and its next run scheduled."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from process.models import DeviationCandidate
from tests.factories import admit

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker_once():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_the_worker_runs_the_sweep_and_a_missed_notice_becomes_a_deviation_candidate(org):
    # Admitted 30 hours ago, the notice never sent: its 24-hour deadline passed 6 hours ago.
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    assert not DeviationCandidate.objects.filter(episode=episode).exists()
    call_command("schedule_jobs", verbosity=0)
    run_worker_once()
    assert DeviationCandidate.objects.filter(episode=episode, rule_key="SV-04").count() == 1
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value["overdue"] >= 1


def test_each_run_schedules_exactly_one_next_run_one_interval_later(org, settings):
    settings.SAMSYN_SWEEP_INTERVAL_SECONDS = 600
    call_command("schedule_jobs", verbosity=0)
    call_command("schedule_jobs", verbosity=0)  # idempotent: still one waiting
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker_once()
    waiting = DBTaskResult.objects.get(status="READY")
    ahead = waiting.run_after - timezone.now()
    assert dt.timedelta(minutes=9) < ahead <= dt.timedelta(minutes=10)
    run_worker_once()  # not due yet: nothing runs
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
