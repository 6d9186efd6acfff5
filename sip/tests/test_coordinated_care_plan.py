"""Compulsory psychiatric care (LPT/LRV): a coordinated care plan instead of SIP, led by the
psychiatric outpatient clinic, with no consent step and no SIP clock."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from episodes.models import EventKind
from organisations.models import Role, Unit
from process.models import ActivityStatus, EpisodeActivity
from sip import actions
from sip.models import Consent, MeetingForm, SipKind, SipState
from sip.statistics import sip_statistics
from tests.factories import admit, make_user


@pytest.fixture
def compulsory(org):
    clinic = Unit.objects.get(name="Psykiatrisk öppenvård Centrum")
    psychiatrist = make_user("psykiatri", clinic, Role.NURSE)
    episode = admit(
        org,
        is_compulsory_care=True,
        concerned_units=[clinic, org.health_centre, org.needs_assessment, org.home_health_care],
    )
    return episode, psychiatrist


def test_the_clinic_starts_a_coordinated_care_plan_not_a_sip(org, compulsory):
    episode, psychiatrist = compulsory
    plan = actions.do_start_sip(psychiatrist, episode=episode)
    assert plan.kind == SipKind.COORDINATED_CARE_PLAN
    assert not episode.events.filter(kind=EventKind.SIP_NEED_ASSESSED).exists()


def test_the_health_centre_cannot_lead_it(org, compulsory):
    episode, _ = compulsory
    with pytest.raises(ActionError) as refused:
        actions.do_start_sip(org.gp_nurse, episode=episode)
    assert "psykiatriska öppenvården" in refused.value.message


def test_it_invites_without_consent_and_sets_no_sip_clock(org, compulsory):
    episode, psychiatrist = compulsory
    plan = actions.do_start_sip(psychiatrist, episode=episode)
    with pytest.raises(ActionError) as refused:
        actions.do_record_consent(psychiatrist, plan, Consent.INDIVIDUAL)
    assert refused.value.code == "no_consent_step"
    actions.do_invite(
        psychiatrist,
        plan,
        actions.InvitationInput(
            units=[org.needs_assessment, org.home_health_care],
            meeting_form=MeetingForm.IN_PERSON,
            meeting_at=timezone.now() + dt.timedelta(days=1),
        ),
    )
    plan.refresh_from_db()
    episode.refresh_from_db()
    assert plan.state == SipState.INVITED
    assert episode.sip_invited_at is None and episode.sip_invitation_due_at is None
    assert not EpisodeActivity.objects.filter(
        episode=episode, definition__key="RP-07", status=ActivityStatus.DONE
    ).exists()
    rows, total = sip_statistics(timezone.localdate(), timezone.localdate())
    assert total.invited == 0  # not counted as a SIP
