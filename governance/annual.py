"""The annual report (årsrapport) of a group or of the whole area, in the shape of the 2019
report: per group what was done (its plans' goals and metrics with value and trend, the
activities done and not, the follow-ups, assignments and report-backs, the events held with
their participants), the figures of the year (the statistics' indicators, deviations by
category, training coverage), the challenges for discussion and the matrix of focus areas ×
groups. Every figure is read through its owner's function; nothing is counted here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from competence.coverage import CoverageFilters, Figure, coverage, participants
from core.pdf import render_pdf
from deviations import statistics as deviation_statistics
from governance.metrics import MetricRow, metric_row
from governance.models import (
    ActionPlan,
    ActivityState,
    ActivityStatus,
    AnnualReport,
    Assignment,
    Event,
    FollowUp,
    Group,
    Metric,
    PlanActivity,
)
from indicators.definitions import INDICATORS, format_value
from indicators.filters import Filters
from indicators.periods import Period
from indicators.queries import compute
from organisations.models import Area


@dataclass
class ActivityLine:
    activity: PlanActivity
    status: ActivityStatus | None

    @property
    def done(self) -> bool:
        return self.status is not None and self.status.state == ActivityState.DONE


@dataclass
class PlanPart:
    plan: ActionPlan
    period: Period
    metrics: list[MetricRow]
    done: list[ActivityLine]
    not_done: list[ActivityLine]
    follow_ups: list[FollowUp]
    focus_titles: dict[int, str]  # activity pk → its focus area's title


@dataclass
class ReportBackLine:
    due_on: dt.date
    submitted: bool


@dataclass
class AssignmentPart:
    assignment: Assignment
    report_backs: list[ReportBackLine]


@dataclass
class EventPart:
    event: Event
    registered: int
    attended: int


@dataclass
class GroupSection:
    group: Group
    text: str
    plans: list[PlanPart] = field(default_factory=list)
    assignments: list[AssignmentPart] = field(default_factory=list)
    events: list[EventPart] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.plans or self.assignments or self.events)


@dataclass
class FigureLine:
    name: str
    value: str
    previous: str


@dataclass
class AnnualData:
    report: AnnualReport
    group: Group | None
    year: int
    period: Period
    area: Area | None
    sections: list[GroupSection]
    figures: list[FigureLine]
    deviation_total: int
    deviations_by_category: list[tuple[str, int]]
    training: Figure
    training_day: dt.date
    course_participants: list
    matrix_columns: list[str]
    matrix_rows: list[tuple[Group, list[list[str]]]]
    printed: dt.date

    @property
    def title(self) -> str:
        return self.group.name if self.group else "Samverkan i området"

    @property
    def challenges(self) -> list[str]:
        return [c.strip(" -•") for c in self.report.challenges.splitlines() if c.strip(" -•")]

    @property
    def events_attended(self) -> int:
        return sum(e.attended for s in self.sections for e in s.events)


def groups_of(group: Group | None) -> list[Group]:
    """The group and every group reporting to it, directly or not (all groups: the area)."""
    groups = list(Group.objects.select_related("area").order_by("name"))
    if group is None:
        return groups
    children: dict[int | None, list[Group]] = {}
    for g in groups:
        children.setdefault(g.parent_id, []).append(g)
    found, queue = [], [g for g in groups if g.pk == group.pk]
    while queue:
        current = queue.pop(0)
        found.append(current)
        queue.extend(children.get(current.pk, []))
    return found


def _plan_period(plan: ActionPlan, year: Period, today: dt.date) -> Period | None:
    """The part of the year the plan ran (up to today); a whole year as the statistics' year."""
    start, end = max(plan.period_start, year.start), min(plan.period_end, year.end, today)
    if end < start:
        return None
    if (start, end) == (year.start, year.end):
        return year
    return Period.custom(start, end)


def _plan_part(plan: ActionPlan, year: Period, today: dt.date) -> PlanPart | None:
    period = _plan_period(plan, year, today)
    if period is None:
        return None
    activities = list(
        PlanActivity.objects.filter(sub_goal__focus_area__plan=plan)
        .select_related("sub_goal__focus_area", "responsible_organisation")
        .order_by("sub_goal__focus_area__position", "sub_goal__position", "position", "id")
    )
    latest: dict[int, ActivityStatus] = {}
    for status in ActivityStatus.objects.filter(
        follow_up__plan=plan, follow_up__held_on__lte=year.end
    ).order_by("follow_up__held_on", "follow_up_id"):
        latest[status.activity_id] = status
    lines = [ActivityLine(a, latest.get(a.pk)) for a in activities]
    metrics = [
        metric_row(m, period)
        for m in Metric.objects.filter(sub_goal__focus_area__plan=plan).order_by(
            "sub_goal__focus_area__position", "sub_goal__position", "id"
        )
    ]
    return PlanPart(
        plan=plan,
        period=period,
        metrics=metrics,
        done=[line for line in lines if line.done],
        not_done=[line for line in lines if not line.done],
        follow_ups=list(
            plan.follow_ups.filter(held_on__gte=year.start, held_on__lte=year.end).order_by(
                "held_on"
            )
        ),
        focus_titles={a.pk: a.sub_goal.focus_area.title for a in activities},
    )


def _assignment_parts(group: Group, year: Period) -> list[AssignmentPart]:
    parts = []
    for assignment in (
        group.assignments.filter(decided_on__isnull=False)
        .prefetch_related("reports")
        .order_by("title", "version")
    ):
        submitted = {r.due_on for r in assignment.reports.all()}
        due = [dt.date.fromisoformat(d) for d in assignment.report_due_dates]
        in_year = [d for d in due if year.start <= d <= year.end]
        decided = assignment.decided_on
        if not in_year and not (decided is not None and year.start <= decided <= year.end):
            continue
        parts.append(
            AssignmentPart(assignment, [ReportBackLine(d, d in submitted) for d in in_year])
        )
    return parts


def _event_parts(group: Group, year: Period) -> list[EventPart]:
    events = group.events.filter(held_on__gte=year.start, held_on__lte=year.end).prefetch_related(
        "participations__organisation", "participations__unit"
    )
    return [
        EventPart(
            e,
            sum(p.registered for p in e.participations.all()),
            sum(p.attended for p in e.participations.all()),
        )
        for e in events.order_by("held_on", "title")
    ]


def compile_report(
    group: Group | None, year: int, report: AnnualReport | None = None
) -> AnnualData:
    """Everything the annual report shows, read now."""
    report = report or (
        AnnualReport.objects.filter(group=group, year=year).first()
        or AnnualReport(group=group, year=year)
    )
    today = timezone.localdate()
    period = Period.year(year)
    area = group.area if group is not None else None
    sections = []
    for g in groups_of(group):
        section = GroupSection(g, report.group_texts.get(str(g.public_id), ""))
        for plan in g.plans.filter(period_start__lte=period.end, period_end__gte=period.start):
            part = _plan_part(plan, period, today)
            if part is not None:
                section.plans.append(part)
        section.assignments = _assignment_parts(g, period)
        section.events = _event_parts(g, period)
        if not section.is_empty:
            sections.append(section)

    # the year's figures, for the group's area (the whole region without one)
    filters = Filters(area=area)
    current, previous = compute(filters, period), compute(filters, period.previous())
    figures = [
        FigureLine(
            i.name,
            format_value(i.measure, current[i.key].value),
            format_value(i.measure, previous[i.key].value),
        )
        for i in INDICATORS
    ]
    deviations = deviation_statistics.build_report(
        deviation_statistics.Scope(None, ""),
        deviation_statistics.Filters(
            start=period.start,
            end=period.end,
            area_id=area.pk if area else None,
            quarter=(year, 4),
        ),
    )
    by_category = [(g.label, g.figures.count) for g in deviations.groupings[0][1]]
    training_day = min(period.end, today)

    # the matrix: the focus areas of the plans (columns) × the groups (rows), each cell the
    # activities done under it that year
    columns: list[str] = []
    for section in sections:
        for part in section.plans:
            for title in part.plan.focus_areas.values_list("title", flat=True):
                if title not in columns:
                    columns.append(title)
    rows = []
    for section in sections:
        if not section.plans:
            continue
        cells: list[list[str]] = [[] for _ in columns]
        for part in section.plans:
            for line in part.done:
                cells[columns.index(part.focus_titles[line.activity.pk])].append(line.activity.text)
        rows.append((section.group, cells))
    return AnnualData(
        report=report,
        group=group,
        year=year,
        period=period,
        area=area,
        sections=sections,
        figures=figures,
        deviation_total=deviations.total.count,
        deviations_by_category=by_category,
        training=coverage(CoverageFilters(area=area), training_day),
        training_day=training_day,
        course_participants=participants(training_day) if group is None else [],
        matrix_columns=columns,
        matrix_rows=rows,
        printed=today,
    )


def render_annual_pdf(data: AnnualData) -> bytes:
    return render_pdf("governance/annual_pdf.html", {"data": data})
