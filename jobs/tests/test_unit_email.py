"""A unit that asked to be told gets an e-mail, over a real SMTP server, when its inbox
receives a message or a deadline nears; the mail names no patient."""

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import admit

pytestmark = pytest.mark.django_db(transaction=True)


def subject(mail) -> str:
    return str(make_header(decode_header(mail["Subject"]))).replace("\r\n", "").strip()


def run_worker_now():
    """Run the waiting sweep now (as if its interval had passed), with one worker pass."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_the_needs_assessment_unit_is_told_of_new_messages_without_patient_data(org, smtp_server):
    org.needs_assessment.notification_email = "bistand@partille.example"
    org.needs_assessment.save()
    call_command("schedule_jobs", verbosity=0)
    run_worker_now()  # the unit's first round: nothing has arrived since it asked
    assert smtp_server.messages == []

    admit(org)  # the admission notice goes to the needs assessment, among others
    run_worker_now()
    [mail] = smtp_server.messages
    assert mail["To"] == "bistand@partille.example"
    assert subject(mail) == "Samsyn: nya meddelanden till Biståndshandläggning Partille"
    [body] = smtp_server.bodies()
    assert "1 nytt meddelande väntar i inkorgen för Biståndshandläggning Partille." in body
    assert "http://127.0.0.1:8000/inkorg/" in body
    for patient_data in ("Sven", "Testsson", "19410708", "410708"):
        assert patient_data not in body and patient_data not in subject(mail)

    run_worker_now()  # nothing new: no second mail
    assert len(smtp_server.messages) == 1


def test_the_ward_is_told_when_a_deadline_nears(org, smtp_server, settings):
    settings.SAMSYN_DEADLINE_NOTICE_HOURS = 4
    org.ward.notification_email = "avd1@sjukhuset.example"
    org.ward.save()
    # Admitted 22 hours ago without the notice: its 24-hour deadline is 2 hours away.
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=22), send_notice=False)
    call_command("schedule_jobs", verbosity=0)
    run_worker_now()
    subjects = [subject(m) for m in smtp_server.messages]
    assert "Samsyn: tidsfrister närmar sig för Medicinavdelning 1, Sjukhuset Öst" in subjects
    body = next(b for b in smtp_server.bodies() if "inom 4 timmar" in b)
    assert "för Medicinavdelning 1, Sjukhuset Öst ska vara klar" in body
    assert "Testsson" not in body
