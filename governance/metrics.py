"""A plan's follow-up metrics: their values, read where Samsyn measures them.

A live metric is read through its source's owner (`governance.sources`: the statistics'
`indicators.queries.compute`, the deviation statistics, training coverage) with its filters: the
same figure the owner's page shows for the same cut and period. A manual metric's
value is the last one entered, measured on or before the period's last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.errors import ActionError
from governance.models import ActionPlan, ManualValue, Metric, MetricKind, MetricUnit
from governance.sources import BY_KEY
from indicators.definitions import format_value
from indicators.periods import Period


def in_unit(metric: Metric, figure_value: float | None) -> float | None:
    """An indicator's figure in the metric's unit: a share as a percentage."""
    if figure_value is None:
        return None
    if metric.unit == MetricUnit.PERCENT:
        return figure_value * 100
    return float(figure_value)


def value_of(metric: Metric, period: Period) -> float | None:
    """The metric's value for `period`, in its unit; None when there is none."""
    if metric.kind == MetricKind.LIVE:
        return in_unit(metric, BY_KEY[metric.indicator_key].read(metric.filters, period))
    latest = (
        ManualValue.objects.filter(metric=metric, measured_on__lte=period.end)
        .order_by("-measured_on", "-id")
        .first()
    )
    return latest.value if latest else None


def format_metric(metric: Metric, value: float | None) -> str:
    """A value in the metric's unit as the statistics write it (decimal comma)."""
    if value is None:
        return "–"
    if metric.kind == MetricKind.LIVE:
        measure = BY_KEY[metric.indicator_key].measure
        return format_value(measure, value / 100 if metric.unit == MetricUnit.PERCENT else value)
    text = f"{value:g}".replace(".", ",")
    return (
        f"{text} %" if metric.unit == MetricUnit.PERCENT else f"{text} {metric.get_unit_display()}"
    )


def plan_period_so_far(plan: ActionPlan, today: dt.date | None = None) -> Period:
    """The plan's period up to today (all of it once it is over, or before it starts)."""
    today = today or timezone.localdate()
    end = min(plan.period_end, today) if today >= plan.period_start else plan.period_end
    return Period.custom(plan.period_start, end)


@dataclass
class MetricRow:
    metric: Metric
    period: Period
    value: float | None
    previous_period: Period
    previous: float | None
    latest_manual: ManualValue | None

    @property
    def value_text(self) -> str:
        return format_metric(self.metric, self.value)

    @property
    def previous_text(self) -> str:
        return format_metric(self.metric, self.previous)

    @property
    def target_text(self) -> str:
        return format_metric(self.metric, self.metric.target)

    @property
    def trend(self) -> str:
        """ "upp", "ned" or "oförändrad" from the previous period, or "" without both values."""
        if self.value is None or self.previous is None:
            return ""
        if self.value > self.previous:
            return "upp"
        if self.value < self.previous:
            return "ned"
        return "oförändrad"

    @property
    def target_met(self) -> bool | None:
        if self.value is None or self.metric.target is None:
            return None
        higher = True
        if self.metric.kind == MetricKind.LIVE:
            higher = BY_KEY[self.metric.indicator_key].higher_is_better is not False
        return self.value >= self.metric.target if higher else self.value <= self.metric.target


def metric_row(metric: Metric, period: Period) -> MetricRow:
    previous_period = period.previous()
    try:
        previous = value_of(metric, previous_period)
    except ActionError:  # a filter row removed from the register since: no figure
        previous = None
    latest = None
    if metric.kind == MetricKind.MANUAL:
        latest = (
            ManualValue.objects.filter(metric=metric, measured_on__lte=period.end)
            .order_by("-measured_on", "-id")
            .first()
        )
    return MetricRow(metric, period, value_of(metric, period), previous_period, previous, latest)
