"""A SIP started during a stay goes through the episode's own SIP steps."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from episodes import actions as episode_actions
from episodes.models import EventKind, Message, MessageKind
from process.models import ActivityStatus, EpisodeActivity
from sip import actions
from sip.models import Consent, Notice, SipEventKind, SipState
from sip.tests import builders


def activity(episode, key):
    return EpisodeActivity.objects.get(episode=episode, definition__key=key)


def test_starting_the_sip_records_the_need_on_the_episode_and_completes_the_assessment(org):
    sip = builders.in_a_stay(org)
    episode = sip.episode
    episode.refresh_from_db()
    assert episode.sip_needed is True
    assert activity(episode, "RP-05").status == ActivityStatus.DONE
    started = sip.events.get(kind=SipEventKind.STARTED)
    assert started.episode_event.kind == EventKind.SIP_NEED_ASSESSED
    assert sip.started_unit == org.health_centre


def test_consent_is_the_episodes_offer_with_who_consented(org):
    sip = builders.consented(org, consent=Consent.LEGAL_REPRESENTATIVE)
    offer = sip.episode.events.get(kind=EventKind.SIP_OFFERED)
    assert (offer.data["consent"], offer.data["consent_by"]) == ("accepted", "legal_representative")
    assert activity(sip.episode, "RP-06").status == ActivityStatus.DONE
    assert sip.state == SipState.CONSENTED


def test_nobody_to_speak_for_them_plans_in_their_best_interest_without_sip(org):
    sip = builders.consented(org, consent=Consent.NOBODY)
    assert sip.state == SipState.WITHOUT_SIP
    with pytest.raises(ActionError) as refused:
        actions.do_invite(
            org.gp_nurse,
            sip,
            actions.InvitationInput(
                units=[org.home_health_care],
                meeting_form="video",
                meeting_at=timezone.now() + dt.timedelta(days=1),
            ),
        )
    assert refused.value.code == "no_consent"
    assert "utan SIP" in refused.value.message


def test_an_invitation_without_consent_is_refused_and_nothing_is_sent(org):
    sip = builders.in_a_stay(org)
    with pytest.raises(ActionError) as refused:
        actions.do_invite(
            org.gp_nurse,
            sip,
            actions.InvitationInput(
                units=[org.home_health_care],
                meeting_form="video",
                meeting_at=timezone.now() + dt.timedelta(days=1),
            ),
        )
    assert refused.value.code == "no_consent"
    assert not Message.objects.filter(kind=MessageKind.SIP_INVITATION).exists()
    assert sip.episode.events.filter(kind=EventKind.SIP_INVITATION_SENT).count() == 0


def test_the_invitation_is_the_episodes_and_meets_the_three_day_clock(org):
    sip = builders.in_a_stay(org)
    episode = sip.episode
    episode_actions.do_send_ready_notice(org.physician, episode)
    sip = builders.invited(org, sip)
    episode.refresh_from_db()
    assert episode.sip_invited_at == sip.invited_at
    rp07 = activity(episode, "RP-07")
    assert rp07.status == ActivityStatus.DONE
    assert rp07.completed_at <= rp07.due_at
    # The episode's parties get the invitation in their inboxes, to acknowledge there.
    recipients = set(
        Message.objects.filter(episode=episode, kind=MessageKind.SIP_INVITATION).values_list(
            "recipient_unit__name", flat=True
        )
    )
    assert org.home_health_care.name in recipients and org.needs_assessment.name in recipients
    # Parties of the stay are reached by the episode message, not a second notice.
    assert not Notice.objects.filter(sip=sip).exists()
    assert sip.events.get(kind=SipEventKind.INVITED).episode_event.kind == (
        EventKind.SIP_INVITATION_SENT
    )


def test_a_unit_outside_the_stay_gets_a_notice_and_becomes_a_party(org):
    sip = builders.consented(org)
    actions.do_invite(
        org.gp_nurse,
        sip,
        actions.InvitationInput(
            units=[org.home_health_care, org.unrelated_needs_assessment],
            meeting_form="phone",
            meeting_at=timezone.now() + dt.timedelta(days=1),
        ),
    )
    notice = Notice.objects.get(sip=sip)
    assert notice.unit == org.unrelated_needs_assessment
    actions.do_acknowledge_notice(org.outsider, notice)
    notice.refresh_from_db()
    assert notice.acknowledged_by == org.outsider


def test_a_sip_started_in_hospital_goes_on_after_discharge(org):
    sip = builders.invited(org)
    episode = sip.episode
    episode_actions.do_send_ready_notice(org.physician, episode)
    episode_actions.do_discharge(org.physician, episode, destination="home_with_support")
    sip = actions.do_record_meeting(org.gp_nurse, sip, list(sip.participants.all()))
    actions.do_save_plan(org.gp_nurse, sip, builders.plan_input(org), base_version=0)
    sip.refresh_from_db()
    assert sip.state == SipState.ACTIVE and sip.plan_version == 1
