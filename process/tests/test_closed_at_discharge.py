"""Issue 17: what a phase before discharge left undone closes at discharge, and still counts as
missed where it was missed: the sweeper's deviation candidate, "Missade", the swimlane."""

import datetime as dt

from django.utils import timezone

from episodes import actions
from process.models import ActivityState, ActivityStatus, DeviationCandidate, EpisodeActivity
from process.sweeper import sweep
from process.worklist import missed_for_user, swimlanes, todo_for_user
from tests.factories import admit


def _late_notice_then_discharge(org):
    # The admission notice (SV-04) was due 6 hours ago, no sweep has run yet, and the stay ends.
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    actions.do_discharge(org.nurse, episode, "home")
    return episode


def test_a_discharged_stays_late_activity_still_counts_as_missed(org, activity):
    episode = _late_notice_then_discharge(org)
    notice = activity(episode, "SV-04")
    assert notice.status == ActivityStatus.MISSED
    assert notice.missed_at is None

    sweep()

    notice.refresh_from_db()
    assert notice.status == ActivityStatus.MISSED  # closed, and its miss recorded
    assert notice.missed_at is not None
    candidate = DeviationCandidate.objects.get(episode=episode, rule_key="SV-04")
    assert candidate.unit == org.ward
    assert candidate.completed_at is None
    missed = [(item.episode.pk, item.activity.key) for item in missed_for_user(org.nurse)]
    assert (episode.pk, "SV-04") in missed
    todo = [(item.episode.pk, item.activity.key) for item in todo_for_user(org.nurse)]
    assert (episode.pk, "SV-04") not in todo
    lane_states = {
        item.activity.key: item.state
        for lane in swimlanes(episode, org.nurse)
        for item in lane.items
    }
    assert lane_states["SV-04"] == ActivityState.OVERDUE


def test_a_miss_swept_before_discharge_is_not_counted_twice(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    assert activity(episode, "SV-04").status == ActivityStatus.OVERDUE
    actions.do_discharge(org.nurse, episode, "home")
    sweep()
    assert activity(episode, "SV-04").status == ActivityStatus.MISSED
    assert DeviationCandidate.objects.filter(episode=episode, rule_key="SV-04").count() == 1


def test_discharge_closes_only_the_phases_before_discharge(org):
    episode = _late_notice_then_discharge(org)
    rows = EpisodeActivity.objects.filter(episode=episode).select_related("definition")
    closed = {row.definition.phase for row in rows if row.status == ActivityStatus.MISSED}
    assert closed and closed <= {"admission", "stay", "ready"}
    still_open = [
        row for row in rows if row.status in (ActivityStatus.OPEN, ActivityStatus.OVERDUE)
    ]
    assert all(row.definition.phase in ("discharge", "after_discharge") for row in still_open)
