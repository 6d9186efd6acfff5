"""The SIP follow-ups due are on the start page of those who take part (issue 11: follow-ups are
the step most often skipped), not only on "Mina SIP"."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessLog
from sip.tests.builders import planned
from sip.worklist import follow_ups_due

pytestmark = pytest.mark.django_db


def test_a_follow_up_shows_a_week_ahead_and_stays_until_done(org):
    sip = planned(org)  # follow-up in 30 days
    today = timezone.localdate()
    assert follow_ups_due(org.gp_nurse, today=today) == []
    assert follow_ups_due(org.gp_nurse, today=sip.follow_up_date - dt.timedelta(days=7)) == [sip]
    assert follow_ups_due(org.gp_nurse, today=sip.follow_up_date + dt.timedelta(days=3)) == [sip]
    assert follow_ups_due(org.outsider, today=sip.follow_up_date) == []


def test_the_start_page_lists_an_overdue_follow_up_and_logs_the_read(org, client, time_machine):
    sip = planned(org)
    time_machine.move_to(timezone.now() + dt.timedelta(days=32), tick=True)
    client.force_login(org.gp_nurse)
    html = client.get("/").content.decode()
    assert "SIP att följa upp" in html and sip.individual.full_name in html
    assert "Försenad" in html
    assert AccessLog.objects.filter(
        user=org.gp_nurse, action="sip.follow_ups", individual=sip.individual
    ).exists()
