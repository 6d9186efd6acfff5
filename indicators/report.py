"""What the dashboard, its exports and the API show: every indicator for a period and cut,
beside the previous period and the same period last year, and the trend by month."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.charts import Point, bar_chart
from indicators.definitions import INDICATORS, Indicator, format_value
from indicators.filters import Filters
from indicators.periods import MONTH_NAMES, Period
from indicators.queries import (
    Figure,
    TrendPoint,
    compute_from,
    daily_totals,
    trend_from,
    trend_span,
)

# The indicators drawn as monthly charts on the dashboard, in this order.
CHARTED = [
    "ready_days_vgr",
    "admission_notice_on_time",
    "sip_on_time",
    "readmission_30",
    "discharges",
]


@dataclass
class Row:
    indicator: Indicator
    current: Figure
    previous: Figure
    last_year: Figure

    def text(self, figure: Figure) -> str:
        return format_value(self.indicator.measure, figure.value)


@dataclass
class Report:
    period: Period
    filters: Filters
    rows: list[Row]
    trend: list[TrendPoint]

    @property
    def is_empty(self) -> bool:
        by_key = {row.indicator.key: row.current for row in self.rows}
        return not by_key["admissions"].value and not by_key["discharges"].value

    def charts(self) -> list[dict]:
        charts = []
        for key in CHARTED:
            indicator = next(i for i in INDICATORS if i.key == key)
            points = [
                Point(
                    label=f"{MONTH_NAMES[p.month.month - 1][:3]} {p.month:%y}",
                    value=p.figures[key].value,
                    text=format_value(indicator.measure, p.figures[key].value),
                    line=p.vgr_rolling_3 if key == "ready_days_vgr" else None,
                )
                for p in self.trend
            ]
            is_vgr = key == "ready_days_vgr"
            svg = bar_chart(
                f"chart-{key}",
                f"{indicator.name} per månad",
                points,
                limit=3.0 if is_vgr else None,
                limit_label="Gräns 3,0 dagar" if is_vgr else "",
                line_label="rullande tremånadersmedel" if is_vgr else "",
                percent=indicator.measure == "share",
            )
            charts.append({"indicator": indicator, "svg": svg, "points": points, "rolling": is_vgr})
        return charts


def build_report(filters: Filters, period: Period, trend_months: int = 12) -> Report:
    """The period, the previous period, the same period last year and the trend, all summed
    from one read of the totals per day (three queries whatever the data)."""
    periods = [period, period.previous(), period.last_year()]
    days = daily_totals(
        filters,
        [(p.start, p.end) for p in periods] + [trend_span(period, trend_months)],
    )
    current, previous, last_year = (compute_from(days, p) for p in periods)
    rows = [Row(i, current[i.key], previous[i.key], last_year[i.key]) for i in INDICATORS]
    return Report(period, filters, rows, trend_from(days, period, min_months=trend_months))
