"""What a group's process owner or leader has to do now in governance: report-backs on
decided assignments that are due (for "Att göra nu"; `workspace` may list these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from governance.models import EDITING_ROLES, Assignment, GroupMember
from organisations.models import User

# A report-back shows this many days before its date (the group prepares it at a meeting).
NOTICE_DAYS = 14


@dataclass(frozen=True)
class DueReportBack:
    assignment: Assignment
    due_on: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def report_backs_due(user: User, today: dt.date | None = None) -> list[DueReportBack]:
    """The report-backs not yet given, due within NOTICE_DAYS (or past), on the newest decided
    version of each assignment of the groups where `user` is process owner or leader."""
    today = today or timezone.localdate()
    group_ids = GroupMember.objects.filter(user=user, role__in=EDITING_ROLES).values("group_id")
    assignments = (
        Assignment.objects.filter(
            group_id__in=group_ids, decided_on__isnull=False, next_version__isnull=True
        )
        .select_related("group")
        .prefetch_related("reports")
    )
    horizon = today + dt.timedelta(days=NOTICE_DAYS)
    due = []
    for assignment in assignments:
        given = {r.due_on for r in assignment.reports.all()}
        for raw in assignment.report_due_dates:
            day = dt.date.fromisoformat(raw)
            if day <= horizon and day not in given:
                due.append(DueReportBack(assignment, day))
    return sorted(due, key=lambda d: (d.due_on, d.assignment.title))
