"""Following the plan up, closing it, and consent withdrawn."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from sip import actions
from sip.models import Notice, NoticeKind, SipState
from sip.tests import builders


def test_a_follow_up_marks_each_action_and_sets_the_next_date(org):
    sip = builders.planned(org)
    first, second = sip.versions.get().actions.all()
    next_date = timezone.localdate() + dt.timedelta(days=60)
    follow_up = actions.do_follow_up(
        org.home_care_nurse,
        sip,
        {str(first.key): "done", str(second.key): "ongoing"},
        base_version=1,
        next_date=next_date,
        note="Läkemedelsgenomgången är gjord.",
    )
    sip.refresh_from_db()
    assert follow_up.on_time is True
    assert sip.follow_up_date == next_date and sip.plan_version == 2
    assert [a.status for a in follow_up.version.actions.all()] == ["done", "ongoing"]
    # The earlier version still says what was planned.
    assert [a.status for a in sip.versions.get(number=1).actions.all()] == ["planned", "planned"]


def test_a_follow_up_can_close_the_sip_with_a_reason_and_tells_the_participants(org):
    sip = builders.planned(org)
    actions.do_follow_up(org.gp_nurse, sip, {}, base_version=1, close_reason="goals_met")
    sip.refresh_from_db()
    assert sip.state == SipState.CLOSED and sip.close_reason == "goals_met"
    told = set(
        Notice.objects.filter(sip=sip, kind=NoticeKind.CLOSED).values_list("unit", flat=True)
    )
    assert told == {org.home_health_care.pk, org.needs_assessment.pk}


def test_a_follow_up_without_next_date_or_reason_is_refused(org):
    sip = builders.planned(org)
    with pytest.raises(ActionError) as refused:
        actions.do_follow_up(org.gp_nurse, sip, {}, base_version=1)
    assert refused.value.field == "next_date"
    assert sip.versions.count() == 1


def test_editing_a_closed_sip_is_refused(org):
    sip = builders.planned(org)
    actions.do_close(org.gp_nurse, sip, "no_longer_needed")
    with pytest.raises(ActionError) as refused:
        actions.do_save_plan(org.gp_nurse, sip, builders.plan_input(org), base_version=1)
    assert refused.value.code == "sip_closed"


def test_consent_withdrawn_stops_the_sip_and_tells_every_other_participating_unit(org):
    sip = builders.planned(org)
    actions.do_withdraw_consent(org.gp_nurse, sip, "Sven vill inte längre.")
    sip.refresh_from_db()
    assert sip.state == SipState.STOPPED
    told = set(
        Notice.objects.filter(sip=sip, kind=NoticeKind.CONSENT_WITHDRAWN).values_list(
            "unit", flat=True
        )
    )
    assert told == {org.home_health_care.pk, org.needs_assessment.pk}
    with pytest.raises(ActionError):
        actions.do_follow_up(org.gp_nurse, sip, {}, base_version=1, close_reason="other")


def test_an_overdue_follow_up_is_overdue(org):
    sip = builders.planned(org)
    later = timezone.localdate() + dt.timedelta(days=31)
    assert sip.follow_up_overdue(later) is True
    assert sip.follow_up_overdue(timezone.localdate()) is False
