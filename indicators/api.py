"""The statistics in the JSON API: one endpoint per indicator, and payment per month.

The same computations as the pages (`indicators.report`, `indicators.payment`); aggregates
only, no patient data. Open to managers, process leaders and administrators.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from core.errors import ActionError
from indicators.access import may_view_statistics
from indicators.definitions import BY_KEY, INDICATORS
from indicators.filters import parse_filters
from indicators.payment import payment_month, regions_for
from indicators.periods import Period, parse_period
from indicators.queries import Figure, compute_from, daily_totals

router = Router(tags=["statistics"])


class IndicatorOut(Schema):
    key: str
    name: str
    definition: str
    measure: str


class FigureOut(Schema):
    start: dt.date
    end: dt.date
    label: str
    value: float | None
    numerator: float | None
    denominator: int | None
    note: str


class IndicatorValueOut(Schema):
    indicator: IndicatorOut
    filters: dict[str, str]
    current: FigureOut
    previous: FigureOut
    same_period_last_year: FigureOut


class PaymentLineOut(Schema):
    episode: str
    ward: str
    ready_at: dt.datetime | None
    discharged_at: dt.datetime
    ready_days: int | None
    counts: bool
    status: str
    reason: str
    billable_days: int
    amount: float | None


class PaymentOut(Schema):
    municipality: str
    month: str
    region: str | None
    model: str | None
    pool_episodes: int
    pool_days: int
    monthly_mean: float | None
    quarter_mean: float | None
    quarter_excess_days: float | None
    individual_days: int
    amount: float | None
    missing_rate_days: list[dt.date]
    episodes: list[PaymentLineOut]


PERIOD_KEYS = ("period", "month", "quarter", "year", "from", "to")
FILTER_KEYS = ("principal", "municipality", "area", "unit", "lane")


def _check(request) -> None:
    if not may_view_statistics(request.user):
        raise ActionError(
            "Statistiken är till för chefer, processledare och administratörer.", code="forbidden"
        )


def _indicator_out(indicator) -> dict:
    return {
        "key": indicator.key,
        "name": indicator.name,
        "definition": indicator.definition,
        "measure": indicator.measure,
    }


def _figure_out(period: Period, figure: Figure) -> dict:
    return {
        "start": period.start,
        "end": period.end,
        "label": period.label,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "note": figure.note,
    }


@router.get(
    "/indicators", response=list[IndicatorOut], summary="Indikatorerna och deras definitioner"
)
def list_indicators(request):
    _check(request)
    return [_indicator_out(i) for i in INDICATORS]


@router.get(
    "/indicators/{key}",
    response=IndicatorValueOut,
    summary="En indikator för en period och ett urval",
)
def indicator_value(
    request,
    key: str,
    period: str = "month",
    month: str | None = None,
    quarter: str | None = None,
    year: str | None = None,
    principal: str | None = None,
    municipality: str | None = None,
    area: str | None = None,
    unit: str | None = None,
    lane: str | None = None,
):
    """Period: `period=month&month=2025-03`, `period=quarter&quarter=2025-Q1`,
    `period=year&year=2025`
    or `period=custom&from=2025-01-01&to=2025-03-31`. Filters are public ids (lane: its code)."""
    _check(request)
    if key not in BY_KEY:
        raise ActionError("Okänd indikator.", code="unknown", field="key")
    params = {k: v for k, v in request.GET.items() if k in PERIOD_KEYS + FILTER_KEYS}
    chosen = parse_period(params)
    filters = parse_filters(params)
    periods = (
        ("current", chosen),
        ("previous", chosen.previous()),
        ("same_period_last_year", chosen.last_year()),
    )
    days = daily_totals(filters, [(p.start, p.end) for _, p in periods])
    out = {name: _figure_out(p, compute_from(days, p)[key]) for name, p in periods}
    return {"indicator": _indicator_out(BY_KEY[key]), "filters": filters.as_query(), **out}


@router.get(
    "/payment", response=list[PaymentOut], summary="Kommunalt betalningsansvar för en månad"
)
def payment(request, municipality: str, month: str):
    """One entry per region whose wards discharged the municipality's residents that month."""
    _check(request)
    found = parse_filters({"municipality": municipality}).municipality
    chosen = parse_period({"period": "month", "month": month})
    results = []
    for region in regions_for(found, chosen):
        result = payment_month(found, chosen.start, region)
        quarter = result.quarter
        results.append(
            {
                "municipality": found.name,
                "month": f"{chosen.start:%Y-%m}",
                "region": region.name if region else None,
                "model": result.agreement.model if result.agreement else None,
                "pool_episodes": result.pool_episodes,
                "pool_days": result.pool_days,
                "monthly_mean": result.monthly_mean,
                "quarter_mean": quarter.mean if quarter else None,
                "quarter_excess_days": float(quarter.excess_days) if quarter else None,
                "individual_days": result.individual_days,
                "amount": float(result.total_amount) if result.total_amount is not None else None,
                "missing_rate_days": result.missing_rate_days,
                "episodes": [
                    {
                        "episode": line.episode_id,
                        "ward": line.ward,
                        "ready_at": line.ready_at,
                        "discharged_at": line.discharged_at,
                        "ready_days": line.ready_days,
                        "counts": line.counts,
                        "status": line.status,
                        "reason": line.reason,
                        "billable_days": line.billable_days,
                        "amount": float(line.amount) if line.amount is not None else None,
                    }
                    for line in result.lines
                ],
            }
        )
    return results
