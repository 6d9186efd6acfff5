"""The periodic work, run by the job runner (django-tasks, database backend): the process
sweeper, the units' e-mail, emptying the text of ADT messages past their retention, and the
"expired" history row of Min planering's representations that ran out.
`manage.py db_worker` runs them; several workers may run at once (the database hands each
task to one worker; the sweeper, the notifications and the purge are safe to run
concurrently anyway).

A periodic job enqueues its own next run (`schedule_next`); `manage.py schedule_jobs` starts
the chain if none is waiting (idempotent, run by `make run` and at each deployment).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from interop.hl7.retention import purge_raw
from jobs.models import JobSchedule
from jobs.notifications import notify_units
from portal.access import sweep_expired
from process.sweeper import sweep

SWEEP = "sweep_and_notify"


def sweep_interval() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SAMSYN_SWEEP_INTERVAL_SECONDS)


@task()
def sweep_and_notify() -> dict[str, int]:
    """One pass of the sweeper, then the units' e-mail and the ADT text retention (a no-op
    when nothing has passed it); then the next run is scheduled."""
    try:
        swept = sweep()
        told = notify_units()
        purged = purge_raw()
        expired = sweep_expired()
    finally:
        schedule_next(force=False)
    return {
        "overdue": swept.overdue,
        "done_late": swept.done_late,
        "inbox_mails": told.inbox_mails,
        "deadline_mails": told.deadline_mails,
        "hl7_texts_purged": purged.count,
        "representations_expired": expired,
    }


def schedule_next(*, force: bool, now: dt.datetime | None = None) -> bool:
    """Enqueue the next run of the sweep one interval from now, unless a later run is already
    scheduled (`force`: also when one is, e.g. after the queue was emptied). Of several
    workers finishing at once, only the one whose conditional UPDATE moves the schedule
    enqueues. True when a run was enqueued."""
    now = now or timezone.now()
    at = now + sweep_interval()
    row, _ = JobSchedule.objects.get_or_create(name=SWEEP, defaults={"next_run_at": now})
    if row.next_run_at > now and not force:
        return False
    moved = JobSchedule.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=at
    )
    if moved != 1:
        return False
    sweep_and_notify.using(run_after=at).enqueue()
    return True
