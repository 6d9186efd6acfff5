"""The plan: its content rules, and every save a new version (optimistic versioning)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from sip import actions
from sip.models import PlanVersion
from sip.tests import builders


def refusal(org, sip, **changes):
    with pytest.raises(ActionError) as refused:
        actions.do_save_plan(
            org.gp_nurse, sip, builders.plan_input(org, **changes), base_version=sip.plan_version
        )
    assert not PlanVersion.objects.filter(sip=sip, number=sip.plan_version + 1).exists()
    return refused.value


def test_a_saved_plan_is_version_one_with_its_actions_and_follow_up_date(org):
    sip = builders.planned(org)
    version = sip.versions.get()
    assert version.number == 1
    assert [a.description for a in version.actions.all()] == [
        "Läkemedelsgenomgång",
        "Hemsjukvård: dosett varje vecka",
    ]
    assert sip.follow_up_date == timezone.localdate() + dt.timedelta(days=30)


def test_every_save_is_a_new_version_and_says_what_changed(org):
    sip = builders.planned(org)
    actions.do_save_plan(
        org.home_care_nurse,
        sip,
        builders.plan_input(org, goals="Klara sig hemma och träffa vänner."),
        base_version=1,
    )
    first, second = sip.versions.all()
    assert first.goals == "Klara sig hemma med stöd."
    assert second.goals == "Klara sig hemma och träffa vänner."
    assert second.changed == ["goals"]


def test_a_stale_save_is_refused_and_tells_who_came_first(org):
    sip = builders.planned(org)
    actions.do_save_plan(
        org.home_care_nurse, sip, builders.plan_input(org, needs="Mer"), base_version=1
    )
    with pytest.raises(ActionError) as refused:
        actions.do_save_plan(
            org.gp_nurse, sip, builders.plan_input(org, needs="Annat"), base_version=1
        )
    assert refused.value.code == "stale_version"
    assert "version 2" in refused.value.message
    assert sip.versions.count() == 2


def test_an_action_without_a_responsible_principal_is_refused(org):
    sip = builders.held(org)
    error = refusal(
        org, sip, actions=[actions.ActionInput(description="Trygghetslarm", principal=None)]
    )
    assert (error.code, error.field) == ("required", "actions.0.principal")


def test_a_lead_principal_who_is_not_a_participant_is_refused(org):
    sip = builders.held(org)
    error = refusal(org, sip, lead_principal=builders.other_principal(org))
    assert error.code == "lead_not_participant"


def test_a_follow_up_date_before_the_meeting_is_refused(org):
    sip = builders.held(org)
    error = refusal(org, sip, follow_up_date=timezone.localdate() - dt.timedelta(days=1))
    assert (error.code, error.field) == ("before_meeting", "follow_up_date")


def test_a_plan_without_a_follow_up_date_is_refused(org):
    sip = builders.held(org)
    assert refusal(org, sip, follow_up_date=None).field == "follow_up_date"


def test_text_over_the_limit_is_refused(org):
    sip = builders.held(org)
    error = refusal(org, sip, what_matters="x" * 4001)
    assert error.code == "too_long" and "4001" in error.message


def test_a_plan_before_the_meeting_is_refused(org):
    sip = builders.invited(org)
    error = refusal(org, sip)
    assert error.code == "no_meeting"


def test_a_unit_not_taking_part_cannot_save_the_plan(org):
    sip = builders.held(org)
    with pytest.raises(ActionError) as refused:
        actions.do_save_plan(org.outsider, sip, builders.plan_input(org), base_version=0)
    assert refused.value.code == "not_a_party"
