import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from episodes import actions
from process.models import ActivityStatus, DeviationCandidate
from process.sweeper import _claim_batch, sweep
from tests.factories import TEST_IDENTIFIERS, admit


def test_running_the_sweeper_twice_leaves_one_candidate_per_missed_deadline(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    call_command("sweep_process", verbosity=0)
    call_command("sweep_process", verbosity=0)
    candidates = DeviationCandidate.objects.filter(episode=episode)
    assert [c.rule_key for c in candidates] == ["SV-04"]
    candidate = candidates.get()
    assert candidate.unit == org.ward
    assert candidate.late_by() > dt.timedelta(hours=5)
    assert activity(episode, "SV-04").status == ActivityStatus.OVERDUE


def test_a_notice_sent_late_before_any_sweep_still_leaves_a_candidate_with_its_lateness(
    org, activity
):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    actions.do_send_admission_notice(org.nurse, episode)
    sweep()
    sweep()
    candidate = DeviationCandidate.objects.get(episode=episode)
    assert candidate.completed_at == activity(episode, "SV-04").completed_at
    assert dt.timedelta(hours=5) < candidate.late_by() < dt.timedelta(hours=7)


def test_a_late_notice_after_the_sweep_records_when_it_was_done(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    actions.do_send_admission_notice(org.nurse, episode)
    sweep()
    candidate = DeviationCandidate.objects.get(episode=episode)
    assert candidate.completed_at is not None


def test_guidance_deadlines_are_marked_overdue_but_give_no_candidate(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=5))
    sweep()
    assert activity(episode, "SV-05").status == ActivityStatus.OVERDUE
    assert not DeviationCandidate.objects.filter(episode=episode, rule_key="SV-05").exists()


def test_a_row_claimed_by_one_sweeper_is_not_claimed_by_another(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    row = activity(episode, "SV-04")
    now = timezone.now()
    assert [claimed[0] for claimed in _claim_batch([row.pk], now, open_rows=True)] == [row.pk]
    assert _claim_batch([row.pk], now, open_rows=True) == []


def test_a_correction_that_shows_the_deadline_was_kept_withdraws_the_candidate(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    actions.do_correct_admission(
        org.nurse, episode, timezone.now() - dt.timedelta(hours=3), "Fel dag"
    )
    candidate = DeviationCandidate.objects.get(episode=episode)
    assert candidate.withdrawn_at is not None
    sweep()
    assert (
        DeviationCandidate.objects.filter(episode=episode, withdrawn_at__isnull=True).count() == 0
    )


def test_a_missed_sip_invitation_is_a_candidate_for_the_health_centre(org):
    episode = admit(
        org, identifier=TEST_IDENTIFIERS[1], admitted_at=timezone.now() - dt.timedelta(days=9)
    )
    actions.do_assess_sip_need(org.gp_nurse, episode, True)
    actions.do_send_ready_notice(
        org.physician, episode, occurred_at=timezone.now() - dt.timedelta(days=5)
    )
    sweep()
    candidate = DeviationCandidate.objects.get(episode=episode, rule_key="RP-07")
    assert candidate.unit == org.health_centre
    assert candidate.deadline_kind == "legal"
