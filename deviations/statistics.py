"""Statistics of deviations, without patient details: for managers (their own units' deviations,
sent and received) and process leaders and NOSAM groups (everything), by category, reporting
and receiving principal and unit, area and month; and the quarterly learning summary.

Definitions (one place; the tests work them out by hand):
1. `count`: deviations reported in the period (local date of `reported_at`).
2. `answered`: of those, answered at least once. `days_to_answer`: calendar days (Stockholm)
   from the day reported to the day first answered; the mean and median of the answered.
3. `on_time_share`: of the deviations whose answer was due within the period's rows by now
   (answered, or unanswered with the due time passed), those first answered by
   `answer_due_at`. Unanswered ones not yet due count in neither part.
4. `acknowledged_on_time_share`: the same for acknowledging and `acknowledge_due_at`.
5. `systemic_share`: of the answered, those whose (latest) answer says "a fault in the system".
6. Trend: the same figures per calendar month of reporting.
7. Learning summary: the answered deviations reported in the quarter, their causes and
   measures grouped by category, systemic ones first.
8. Candidates: the sweeper's drafts sent and dismissed, by the decision's date.
"""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.timerules import local_date, start_of_local_day
from deviations.models import (
    CandidateDecision,
    CandidateDecisionKind,
    Deviation,
    DeviationCategory,
)
from organisations.models import Area, Principal, Role, Unit, User


@dataclass(frozen=True)
class Scope:
    """Whose deviations: every one (`unit_ids` None) or those sent or received by the units."""

    unit_ids: frozenset[int] | None
    label: str


def scope_for(user: User) -> Scope | None:
    """Process leaders (and administrators) see all; managers their own units; others none."""
    memberships = list(user.active_memberships())
    if user.is_superuser or any(m.role == Role.PROCESS_LEADER for m in memberships):
        return Scope(None, _("Alla avvikelser i samverkan"))
    managed = frozenset(m.unit_id for m in memberships if m.role == Role.MANAGER)
    if managed:
        names = ", ".join(sorted(m.unit.name for m in memberships if m.unit_id in managed))
        return Scope(managed, _("Skickade och mottagna av %(units)s") % {"units": names})
    return None


def may_see_statistics(user: User) -> bool:
    return scope_for(user) is not None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass
class Filters:
    start: dt.date  # first day of the first month
    end: dt.date  # last day included
    category: str = ""
    area_id: int | None = None
    quarter: tuple[int, int] = (0, 0)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query, today: dt.date | None = None) -> Filters:
        """From `?from=YYYY-MM&to=YYYY-MM&category=&area=&quarter=YYYY-Qn`; the last twelve
        months and the current quarter by default. A bad value falls back, with a message."""
        today = today or timezone.localdate()
        errors: list[str] = []

        def month(name: str, default: dt.date) -> dt.date:
            text = (query.get(name) or "").strip()
            if not text:
                return default
            try:
                return dt.date.fromisoformat(text + "-01")
            except ValueError:
                errors.append(_("Ogiltig månad: %(value)s (skriv ÅÅÅÅ-MM).") % {"value": text})
                return default

        start = month("from", add_months(month_start(today), -11))
        last = month("to", month_start(today))
        if last < start:
            errors.append(_("Slutmånaden ligger före startmånaden."))
            start, last = last, start
        end = add_months(last, 1) - dt.timedelta(days=1)
        area = (query.get("area") or "").strip()
        quarter = quarter_of(today)
        text = (query.get("quarter") or "").strip()
        if text:
            try:
                year, q = text.split("-Q")
                quarter = (int(year), int(q))
                if quarter[1] not in (1, 2, 3, 4):
                    raise ValueError
            except ValueError:
                errors.append(_("Ogiltigt kvartal: %(value)s (skriv ÅÅÅÅ-Qn).") % {"value": text})
                quarter = quarter_of(today)
        return cls(
            start=start,
            end=end,
            category=(query.get("category") or "").strip(),
            area_id=int(area) if area.isdigit() else None,
            quarter=quarter,
            errors=errors,
        )

    @property
    def quarter_label(self) -> str:
        return f"{self.quarter[0]}-Q{self.quarter[1]}"


@dataclass
class Figures:
    count: int = 0
    answered: int = 0
    mean_days_to_answer: float | None = None
    median_days_to_answer: float | None = None
    on_time: int = 0
    on_time_due: int = 0
    acknowledged_on_time: int = 0
    acknowledge_due: int = 0
    systemic: int = 0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.on_time_due if self.on_time_due else None

    @property
    def acknowledged_on_time_share(self) -> float | None:
        return self.acknowledged_on_time / self.acknowledge_due if self.acknowledge_due else None

    @property
    def systemic_share(self) -> float | None:
        return self.systemic / self.answered if self.answered else None


def figures(rows: Iterable[Deviation], now: dt.datetime | None = None) -> Figures:
    """The figures of `rows` (see the module's definitions 1–5)."""
    now = now or timezone.now()
    result = Figures()
    days: list[int] = []
    for row in rows:
        result.count += 1
        if row.first_answered_at is not None:
            result.answered += 1
            days.append((local_date(row.first_answered_at) - local_date(row.reported_at)).days)
            if row.systemic:
                result.systemic += 1
        if row.first_answered_at is not None or row.answer_due_at < now:
            result.on_time_due += 1
            if row.first_answered_at is not None and row.first_answered_at <= row.answer_due_at:
                result.on_time += 1
        if row.acknowledged_at is not None or row.acknowledge_due_at < now:
            result.acknowledge_due += 1
            if row.acknowledged_at is not None and row.acknowledged_at <= row.acknowledge_due_at:
                result.acknowledged_on_time += 1
    if days:
        result.mean_days_to_answer = sum(days) / len(days)
        result.median_days_to_answer = float(pystats.median(days))
    return result


@dataclass
class Group:
    label: str
    figures: Figures


@dataclass
class LearningItem:
    receiving: str
    cause: str
    measures: str
    systemic: bool | None


@dataclass
class LearningCategory:
    category: str
    items: list[LearningItem]


@dataclass
class Report:
    scope: Scope
    filters: Filters
    total: Figures
    groupings: list[tuple[str, list[Group]]]
    trend: list[tuple[str, Figures]]
    learning: list[LearningCategory]
    candidates_sent: int
    candidates_dismissed: int


def scoped(scope: Scope) -> QuerySet[Deviation]:
    rows = Deviation.objects.all()
    if scope.unit_ids is not None:
        rows = rows.filter(
            Q(reporting_unit_id__in=scope.unit_ids)
            | Q(receiving_unit_id__in=scope.unit_ids)
            | Q(handling_unit_id__in=scope.unit_ids)
        )
    return rows


def _between(rows: QuerySet[Deviation], start: dt.date, end: dt.date) -> QuerySet[Deviation]:
    return rows.filter(
        reported_at__gte=start_of_local_day(start),
        reported_at__lt=start_of_local_day(end + dt.timedelta(days=1)),
    )


def _group(rows: list[Deviation], key: Callable[[Deviation], str], now: dt.datetime) -> list[Group]:
    buckets: dict[str, list[Deviation]] = {}
    for row in rows:
        buckets.setdefault(key(row), []).append(row)
    return [
        Group(label, figures(items, now))
        for label, items in sorted(buckets.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def build_report(scope: Scope, filters: Filters, now: dt.datetime | None = None) -> Report:
    """Every figure of the statistics page and its export for `scope` and `filters`."""
    now = now or timezone.now()
    base = scoped(scope).select_related(
        "category",
        "reporting_unit",
        "receiving_unit",
        "reporting_principal",
        "receiving_principal",
        "area",
    )
    if filters.category:
        base = base.filter(category__key=filters.category)
    if filters.area_id:
        base = base.filter(area_id=filters.area_id)
    rows = list(_between(base, filters.start, filters.end))
    none = _("(inget område)")
    groupings = [
        (_("Kategori"), _group(rows, lambda d: d.category.label, now)),
        (_("Rapporterande huvudman"), _group(rows, lambda d: d.reporting_principal.name, now)),
        (_("Mottagande huvudman"), _group(rows, lambda d: d.receiving_principal.name, now)),
        (_("Rapporterande enhet"), _group(rows, lambda d: d.reporting_unit.name, now)),
        (_("Mottagande enhet"), _group(rows, lambda d: d.receiving_unit.name, now)),
        (_("Område"), _group(rows, lambda d: d.area.name if d.area else none, now)),
    ]
    trend = []
    month = filters.start
    while month <= filters.end:
        following = add_months(month, 1)
        in_month = [r for r in rows if month <= local_date(r.reported_at) < following]
        trend.append((month.strftime("%Y-%m"), figures(in_month, now)))
        month = following
    year, quarter = filters.quarter
    quarter_start = dt.date(year, (quarter - 1) * 3 + 1, 1)
    quarter_rows = list(
        _between(base, quarter_start, add_months(quarter_start, 3) - dt.timedelta(days=1))
        .filter(first_answered_at__isnull=False)
        .order_by("category__order", "-systemic", "reported_at", "id")
    )
    learning: dict[str, list[LearningItem]] = {}
    for row in quarter_rows:
        learning.setdefault(row.category.label, []).append(
            LearningItem(row.receiving_principal.name, row.cause, row.measures, row.systemic)
        )
    decisions = CandidateDecision.objects.filter(
        decided_at__gte=start_of_local_day(filters.start),
        decided_at__lt=start_of_local_day(filters.end + dt.timedelta(days=1)),
    )
    if scope.unit_ids is not None:
        principals = Unit.objects.filter(pk__in=scope.unit_ids).values("principal_id")
        decisions = decisions.filter(principal_id__in=principals)
    return Report(
        scope=scope,
        filters=filters,
        total=figures(rows, now),
        groupings=groupings,
        trend=trend,
        learning=[LearningCategory(label, items) for label, items in learning.items()],
        candidates_sent=decisions.filter(decision=CandidateDecisionKind.SENT).count(),
        candidates_dismissed=decisions.filter(decision=CandidateDecisionKind.DISMISSED).count(),
    )


def filter_choices() -> dict:
    return {
        "categories": DeviationCategory.objects.order_by("order", "key").distinct(),
        "areas": Area.objects.order_by("name"),
        "principals": Principal.objects.order_by("name"),
    }


@dataclass
class DashboardRow:
    """The dashboard's "Avvikelser" row: counts for the period and its comparisons, and the
    period's share answered on time and share systemic."""

    current: Figures
    previous: Figures
    last_year: Figures

    @property
    def note(self) -> str:
        parts = [
            _("%(answered)d besvarade") % {"answered": self.current.answered},
        ]
        if self.current.on_time_share is not None:
            parts.append(
                _("%(share)d %% besvarade i tid")
                % {"share": round(100 * self.current.on_time_share)}
            )
        if self.current.systemic_share is not None:
            parts.append(
                _("%(share)d %% brister i systemet")
                % {"share": round(100 * self.current.systemic_share)}
            )
        return ", ".join(parts)


def dashboard_row(period, filters=None, now: dt.datetime | None = None) -> DashboardRow:
    """Figures for the indicators dashboard; `period` is anything with `start`, `end`,
    `previous` and `last_year` (indicators.periods.Period). Every deviation in the region
    (the dashboard's users follow the whole process; no patient details are shown). With
    indicators' `filters`, its area (`area`, a NOSAM area) narrows the rows."""
    rows = Deviation.objects.all()
    area = getattr(filters, "area", None)
    if area is not None:
        rows = rows.filter(area_id=area.pk)

    def of(p) -> Figures:
        return figures(_between(rows, p.start, p.end), now)

    def compared(name: str):
        value = getattr(period, name)
        return value() if callable(value) else value

    return DashboardRow(of(period), of(compared("previous")), of(compared("last_year")))
