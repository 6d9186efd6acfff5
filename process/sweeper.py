"""The sweeper: finds missed deadlines as time passes. Used by `manage.py sweep_process`.

1. Claim open activities (and those closed undone at discharge) whose stored `due_at` has
   passed and whose miss is not yet recorded (`missed_at IS NULL`), a batch at a time in id
   order, by one set-based conditional `UPDATE ... WHERE id IN (<batch>) AND missed_at IS
   NULL AND due_at < now AND status IN (...) RETURNING ...`. The database re-checks the
   condition on each row it updates, so two sweepers running at once never claim the same
   row, and a due time moved meanwhile by the engine is left for the next round (or claimed
   with its new, still passed, due time).
2. For the claimed rows, in one transaction with the claim: mark them overdue, log each (one
   bulk insert), and, where the deadline is legal or agreed, create one deviation candidate
   (unique per activity and due time: never a duplicate; one bulk insert).
3. Do the same for activities done late before any sweep saw them (done after `due_at`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from process.models import (
    UNDONE_STATUSES,
    ActivityDefinition,
    ActivityLog,
    ActivityStatus,
    DeadlineKind,
    DeviationCandidate,
    EpisodeActivity,
    LogKind,
)

BATCH = 2000
DEVIATION_KINDS = (DeadlineKind.LEGAL, DeadlineKind.AGREED)


@dataclass
class SweepResult:
    overdue: int = 0
    done_late: int = 0
    candidates: int = 0


def _moment(value) -> dt.datetime | None:
    """A timestamp from a raw row: PostgreSQL gives aware datetimes, SQLite naive UTC ones
    (or text)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = parse_datetime(value)
    return timezone.make_aware(value, dt.UTC) if timezone.is_naive(value) else value


def _claim_batch(ids: list[int], now: dt.datetime, *, open_rows: bool) -> list[tuple]:
    """Claim the rows of `ids` that are still unclaimed and due; return what was claimed:
    (id, episode_id, definition_id, unit_id, due_at, completed_at), in id order."""
    table = connection.ops.quote_name(EpisodeActivity._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    if open_rows:
        # One closed undone at discharge keeps its status; its miss is recorded all the same.
        sets = "status = CASE WHEN status = %s THEN status ELSE %s END, missed_at = %s,"
        sets += " updated_at = %s"
        set_params = [ActivityStatus.MISSED.value, ActivityStatus.OVERDUE.value, now, now]
        where = f"status IN ({', '.join(['%s'] * len(UNDONE_STATUSES))})"
        where_params = [s.value for s in UNDONE_STATUSES]
    else:
        sets = "missed_at = %s, updated_at = %s"
        set_params = [now, now]
        where = "status = %s AND completed_at > due_at"
        where_params = [ActivityStatus.DONE.value]
    sql = (
        f"UPDATE {table} SET {sets} WHERE id IN ({marks}) AND missed_at IS NULL"
        f" AND due_at < %s AND {where}"
        " RETURNING id, episode_id, definition_id, unit_id, due_at, completed_at"
    )
    params: list[Any] = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p
        for p in [*set_params, *ids, now, *where_params]
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted(
        (id_, episode_id, definition_id, unit_id, _moment(due), _moment(completed))
        for id_, episode_id, definition_id, unit_id, due, completed in rows
    )


def _record_misses(rows: list[tuple], now: dt.datetime, result: SweepResult) -> None:
    definitions = {
        d.id: d
        for d in ActivityDefinition.objects.filter(id__in={row[2] for row in rows}).only(
            "id", "key", "title", "deadline_kind"
        )
    }
    ActivityLog.objects.bulk_create(
        [
            ActivityLog(
                episode_id=episode_id,
                activity_id=id_,
                kind=LogKind.OVERDUE,
                at=now,
                data={
                    "due_at": due_at.isoformat(),
                    "completed_at": completed_at.isoformat() if completed_at else None,
                },
            )
            for id_, episode_id, _definition_id, _unit_id, due_at, completed_at in rows
        ]
    )
    wanted = [
        row
        for row in rows
        if definitions[row[2]].deadline_kind in DEVIATION_KINDS and row[3] is not None
    ]
    if not wanted:
        return
    existing = set(
        DeviationCandidate.objects.filter(activity_id__in=[row[0] for row in wanted]).values_list(
            "activity_id", "due_at"
        )
    )
    candidates = [
        DeviationCandidate(
            activity_id=id_,
            due_at=due_at,
            episode_id=episode_id,
            unit_id=unit_id,
            rule_key=definitions[definition_id].key,
            rule_title=definitions[definition_id].title,
            deadline_kind=definitions[definition_id].deadline_kind,
            detected_at=now,
            completed_at=completed_at,
        )
        for id_, episode_id, definition_id, unit_id, due_at, completed_at in wanted
        if (id_, due_at) not in existing
    ]
    # The unique constraint (activity, due_at) still guards against a duplicate.
    DeviationCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
    result.candidates += len(candidates)


def sweep(now: dt.datetime | None = None) -> SweepResult:
    """One pass over everything due; safe to run often and concurrently."""
    now = now or timezone.now()
    result = SweepResult()
    pending = EpisodeActivity.objects.filter(missed_at__isnull=True, due_at__lt=now)
    queries = (
        (pending.filter(status__in=UNDONE_STATUSES), True),
        (pending.filter(status=ActivityStatus.DONE, completed_at__gt=F("due_at")), False),
    )
    for queryset, open_rows in queries:
        last_id = 0
        while True:
            # Order by id so each batch moves on even when a row is claimed by another sweeper.
            ids = list(
                queryset.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:BATCH]
            )
            if not ids:
                break
            last_id = ids[-1]
            with transaction.atomic():
                rows = _claim_batch(ids, now, open_rows=open_rows)
                if rows:
                    _record_misses(rows, now, result)
            if open_rows:
                result.overdue += len(rows)
            else:
                result.done_late += len(rows)
    return result
