"""The sweeper: finds missed deadlines as time passes. Used by `manage.py sweep_process`.

1. Take open activities whose stored `due_at` has passed and whose miss is not yet recorded
   (`missed_at IS NULL`), a batch at a time, soonest first.
2. Claim each with a conditional UPDATE (`... WHERE missed_at IS NULL AND due_at = <seen>`).
   Only one sweeper can win a row, so two sweepers running at once never do the same work,
   and a due time moved meanwhile by the engine is left for the next round.
3. For a claimed row: mark it overdue, log it, and, if its deadline is legal or agreed,
   create one deviation candidate (unique per activity and due time: never a duplicate).
4. Do the same for activities done late before any sweep saw them (done after `due_at`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from process.models import (
    OPEN_STATUSES,
    ActivityLog,
    ActivityStatus,
    DeadlineKind,
    DeviationCandidate,
    EpisodeActivity,
    LogKind,
)

BATCH = 200
DEVIATION_KINDS = (DeadlineKind.LEGAL, DeadlineKind.AGREED)


@dataclass
class SweepResult:
    overdue: int = 0
    done_late: int = 0
    candidates: int = 0


def _claim(activity: EpisodeActivity, now: dt.datetime, *, open_row: bool) -> bool:
    updates = {"missed_at": now, "updated_at": now}
    if open_row:
        updates["status"] = ActivityStatus.OVERDUE
    claimed = EpisodeActivity.objects.filter(
        pk=activity.pk,
        missed_at__isnull=True,
        due_at=activity.due_at,
        status=activity.status,
    ).update(**updates)
    return claimed == 1


def _record_miss(activity: EpisodeActivity, now: dt.datetime, result: SweepResult) -> None:
    definition = activity.definition
    ActivityLog.objects.create(
        episode_id=activity.episode_id,
        activity=activity,
        kind=LogKind.OVERDUE,
        at=now,
        data={
            "due_at": activity.due_at.isoformat(),
            "completed_at": activity.completed_at.isoformat() if activity.completed_at else None,
        },
    )
    if definition.deadline_kind not in DEVIATION_KINDS or activity.unit_id is None:
        return
    _candidate, created = DeviationCandidate.objects.get_or_create(
        activity=activity,
        due_at=activity.due_at,
        defaults={
            "episode_id": activity.episode_id,
            "unit_id": activity.unit_id,
            "rule_key": definition.key,
            "rule_title": definition.title,
            "deadline_kind": definition.deadline_kind,
            "detected_at": now,
            "completed_at": activity.completed_at,
        },
    )
    result.candidates += int(created)


def sweep(now: dt.datetime | None = None) -> SweepResult:
    """One pass over everything due; safe to run often and concurrently."""
    now = now or timezone.now()
    result = SweepResult()
    pending = (
        EpisodeActivity.objects.filter(missed_at__isnull=True, due_at__lt=now)
        .select_related("definition")
        .order_by("due_at", "id")
    )
    queries = (
        (pending.filter(status__in=OPEN_STATUSES), True),
        (pending.filter(status=ActivityStatus.DONE, completed_at__gt=F("due_at")), False),
    )
    for queryset, open_rows in queries:
        last_id = 0
        while True:
            # Order by id so each batch moves on even when a row is claimed by another sweeper.
            batch = list(queryset.filter(id__gt=last_id).order_by("id")[:BATCH])
            if not batch:
                break
            last_id = batch[-1].id
            for activity in batch:
                with transaction.atomic():
                    if not _claim(activity, now, open_row=open_rows):
                        continue
                    _record_miss(activity, now, result)
                if open_rows:
                    result.overdue += 1
                else:
                    result.done_late += 1
    return result
