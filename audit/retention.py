"""How long the access log is kept, and the one purge that removes older rows.

The retention period is dated configuration (`LogRetention`, years, in force from a date),
read by `retention_years(day)`. `purge(today)` removes the rows recorded before the same date
`retention_years(today)` years earlier, and never a younger row. The database refuses every
other UPDATE or DELETE of the log (a trigger on PostgreSQL, migration 0002): the purge alone
lifts the DELETE refusal, for its own transaction only.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import connection, transaction

from audit.models import AccessLog, ChangeKind, LogRetention
from core.timerules import start_of_local_day

# The session setting the PostgreSQL trigger asks; SET LOCAL keeps it to one transaction.
PURGE_SETTING = "samsyn.audit_purge"


class MissingRetention(LookupError):
    def __init__(self, day: dt.date):
        self.day = day
        super().__init__(
            f"Ingen gallringsfrist för loggen gäller {day.isoformat()}. "
            "Lägg till en rad under Gallringsfrister för loggen i administrationen."
        )


class PurgeResult(NamedTuple):
    years: int
    cutoff: dt.datetime  # rows recorded before this instant were removed
    removed: int


def retention_years(day: dt.date) -> int:
    """The number of years access-log rows are kept, by the row in force on `day` (the one
    with the latest `valid_from` on or before it). Raises MissingRetention without one."""
    row = LogRetention.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        raise MissingRetention(day)
    return row.years


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none: the day before is kept too
        return day.replace(year=day.year - years, day=28)


def cutoff(today: dt.date) -> dt.datetime:
    """The first instant still kept: 00:00 Stockholm time on today's date `years` years ago."""
    return start_of_local_day(_years_before(today, retention_years(today)))


def purge(today: dt.date, *, dry_run: bool = False) -> PurgeResult:
    """Remove the access-log rows older than the retention in force on `today` (their review
    items go with them; the reviews keep their summaries), record the purge as an audit row,
    and say how many went. With `dry_run`, count only."""
    from audit.changes import record_change

    years = retention_years(today)
    first_kept = cutoff(today)
    old = AccessLog.objects.filter(at__lt=first_kept)
    if dry_run:
        return PurgeResult(years, first_kept, old.count())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        removed = old.delete()[1].get(AccessLog._meta.label, 0)
        record_change(
            ChangeKind.LOG_PURGED,
            data={"years": years, "before": first_kept.isoformat(), "removed": removed},
        )
    return PurgeResult(years, first_kept, removed)
