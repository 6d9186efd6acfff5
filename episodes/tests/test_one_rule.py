"""The disagreements found when the core was driven with hand-computed cases (issue "one rule in
one place"): each rule now has one home, and every reader agrees with it.

Times are hand-computed: the admission notice is due 24 hours after the help-need judgement
in force; the SIP invitation by the end (23:59:59 Stockholm) of the third calendar day after
the ready notice, and only in voluntary care; a readmission is an admission 1–30 calendar days
after the previous discharge.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from core.timerules import end_of_local_day, local_date
from episodes import actions
from episodes.deadlines import next_step
from episodes.models import Episode, EventKind
from episodes.rules import Step, available_steps
from indicators.filters import Filters
from indicators.periods import Period
from indicators.queries import totals_for
from process.models import EpisodeActivity
from tests.factories import TEST_IDENTIFIERS, admit

pytestmark = pytest.mark.django_db


def _activity(episode: Episode, key: str) -> EpisodeActivity:
    return EpisodeActivity.objects.get(episode=episode, definition__key=key)


def _today_totals(org, episode: Episode) -> dict:
    day = local_date(episode.admitted_at)
    period = Period.custom(day - dt.timedelta(days=1), local_date(timezone.now()))
    return totals_for(Filters(unit=org.ward), period.start_utc, period.end_utc)


def test_a_compulsory_care_stay_has_no_sip_deadline_anywhere(org):
    """LPT/LRV: the work description's SIP invitation does not apply, so the start page does
    not ask for it and the SIP indicator does not count the stay."""
    episode = admit(org, is_compulsory_care=True)
    actions.do_assess_sip_need(org.gp_nurse, episode, True)
    actions.do_send_ready_notice(org.physician, episode)
    episode.refresh_from_db()

    assert _activity(episode, "RP-07").status == "not_applicable"
    assert episode.sip_invitation_due_at is None
    step = next_step(episode)
    assert step.step != Step.RECORD_SIP_INVITATION
    actions.do_discharge(org.nurse, episode, "home")
    assert _today_totals(org, episode)["sip_due_n"] == 0


def test_a_voluntary_stay_is_asked_for_sip_by_the_end_of_the_third_day(org):
    episode = admit(org)
    actions.do_assess_sip_need(org.gp_nurse, episode, True)
    ready_at = timezone.now() - dt.timedelta(minutes=1)
    actions.do_send_ready_notice(org.physician, episode, occurred_at=ready_at)
    episode.refresh_from_db()

    expected = end_of_local_day(local_date(ready_at) + dt.timedelta(days=3))
    assert episode.sip_invitation_due_at == expected == _activity(episode, "RP-07").due_at
    assert next_step(episode).step == Step.RECORD_SIP_INVITATION
    assert next_step(episode).due_at == expected


def test_an_earlier_admission_time_moves_a_judgement_made_at_admission(org):
    """Admitted (and judged) 10 hours ago, the notice sent at once; the admission time is then
    corrected to 30 hours ago. The judgement was made at admission, so it moves too: the
    notice, sent 10 hours ago, is 20 hours after the corrected judgement… and 24 hours after
    it is 6 hours ago: on time. Corrected to 40 hours ago instead, the deadline is 16 hours
    ago and the notice, 10 hours ago, is late — in the activity, on the start page and in
    the indicator alike."""
    now = timezone.now()
    episode = admit(org, admitted_at=now - dt.timedelta(hours=10), send_notice=False)
    actions.do_send_admission_notice(org.nurse, episode)
    corrected = now - dt.timedelta(hours=40)
    actions.do_correct_admission(org.nurse, episode, corrected, "Fel datum inskrivet")
    episode.refresh_from_db()

    assert episode.help_assessed_at == corrected
    due = corrected + dt.timedelta(hours=24)
    assert episode.admission_notice_due_at == due == _activity(episode, "SV-04").due_at
    totals = _today_totals(org, episode)
    assert (totals["notice_due_n"], totals["notice_on_time_n"]) == (1, 0)


def test_the_next_step_follows_a_corrected_admission_time(org):
    now = timezone.now()
    episode = admit(org, admitted_at=now - dt.timedelta(hours=3), send_notice=False)
    before = next_step(episode).due_at
    actions.do_correct_admission(org.nurse, episode, now - dt.timedelta(hours=5), "Rättad tid")
    episode.refresh_from_db()
    after = next_step(episode)
    assert after.step == Step.SEND_ADMISSION_NOTICE
    assert after.due_at == before - dt.timedelta(hours=2) == _activity(episode, "SV-04").due_at


def test_a_later_judgement_keeps_its_own_time_when_the_admission_is_corrected(org):
    now = timezone.now()
    episode = admit(org, admitted_at=now - dt.timedelta(hours=20), send_notice=False)
    actions.do_assess_help_need(org.physician, episode, False)
    judged = now - dt.timedelta(hours=4)
    actions.do_assess_help_need(org.physician, episode, True, assessed_at=judged)
    actions.do_correct_admission(org.nurse, episode, now - dt.timedelta(hours=30), "Rättad")
    episode.refresh_from_db()
    assert episode.help_assessed_at == judged
    assert episode.admission_notice_due_at == judged + dt.timedelta(hours=24)


def _discharged_stay(org, *, days_ago: int) -> Episode:
    now = timezone.now()
    first = admit(org, admitted_at=now - dt.timedelta(days=days_ago + 3), send_notice=False)
    actions.do_discharge(org.nurse, first, "home", discharged_at=now - dt.timedelta(days=days_ago))
    return first


def test_a_correction_into_the_readmission_window_links_the_stay(org):
    """Discharged 40 days ago; admitted now (not a readmission), then corrected to 35 days ago
    (5 days after that discharge): now it is one, with an event saying so."""
    first = _discharged_stay(org, days_ago=40)
    second = admit(org, send_notice=False)
    assert second.readmission_of_id is None
    actions.do_correct_admission(
        org.nurse, second, timezone.now() - dt.timedelta(days=35), "Fel månad"
    )
    second.refresh_from_db()
    assert second.readmission_of_id == first.pk
    assert second.events.filter(kind=EventKind.READMISSION_LINKED).count() == 1


def test_a_correction_out_of_the_readmission_window_unlinks_the_stay(org):
    first = _discharged_stay(org, days_ago=45)
    second = admit(org, admitted_at=timezone.now() - dt.timedelta(days=40), send_notice=False)
    assert second.readmission_of_id == first.pk
    actions.do_correct_admission(org.nurse, second, timezone.now(), "Fel månad")
    second.refresh_from_db()
    assert second.readmission_of_id is None
    unlinked = second.events.get(kind=EventKind.READMISSION_UNLINKED)
    assert unlinked.data["previous_episode"] == str(first.public_id)


def test_a_correction_before_the_previous_discharge_is_refused(org):
    _discharged_stay(org, days_ago=10)
    second = admit(org, send_notice=False)
    with pytest.raises(ActionError) as refused:
        actions.do_correct_admission(
            org.nurse, second, timezone.now() - dt.timedelta(days=12), "Fel"
        )
    assert refused.value.code == "overlapping_episode"


def test_a_discharged_stay_cannot_have_its_admission_corrected(org):
    """The page never offered it; the action (and so the API) refused nothing before."""
    episode = admit(org, identifier=TEST_IDENTIFIERS[1], send_notice=False)
    actions.do_discharge(org.nurse, episode, "home")
    with pytest.raises(ActionError) as refused:
        actions.do_correct_admission(
            org.nurse, episode, timezone.now() - dt.timedelta(hours=9), "Fel"
        )
    assert refused.value.code == "already_discharged"
    episode.refresh_from_db()
    assert Step.CORRECT_ADMISSION not in available_steps(org.nurse, episode, list(Step))


def test_the_page_offers_exactly_the_steps_the_actions_allow(org):
    """For each state of a stay, every step the page offers the nurse is one whose rule
    passes, and a step it does not offer is refused by the rule."""
    from episodes.rules import RULES

    episode = admit(org, send_notice=False)
    actions.do_send_ready_notice(org.physician, episode)
    episode.refresh_from_db()
    offered = available_steps(org.nurse, episode, list(Step))
    assert Step.REVOKE_READY_NOTICE in offered and Step.SEND_READY_NOTICE not in offered
    for step in Step:
        allowed_by_rule = RULES[step].refusal(episode) is None
        if step in offered:
            assert allowed_by_rule, step
