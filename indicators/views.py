"""Pages of the statistics: the dashboard, a unit's page, the drill-down, payment, exports.

Thin: parse the period and filters (a refusal becomes a Swedish message, not an error page),
check the role, call `report`/`payment`, render.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from audit.log import log_access
from core.errors import ActionError
from deviations.statistics import dashboard_row
from indicators import exports
from indicators.access import DRILLDOWN, drilldown, require_statistics
from indicators.definitions import BY_KEY, DEVIATIONS_NOTE
from indicators.filters import Filters, parse_filters
from indicators.payment import payment_month, regions_for
from indicators.periods import KIND_LABELS, Period, parse_period
from indicators.report import build_report
from indicators.sections import build_sections
from organisations.models import UNIT_LANES, Area, Principal, PrincipalKind, Unit


def _choices() -> dict:
    this_year = timezone.localdate().year
    years = list(range(this_year, 2017, -1))
    return {
        "years": years,
        "quarters": [f"{y}-Q{q}" for y in years for q in (4, 3, 2, 1)],
        "principals": Principal.objects.order_by("kind", "name"),
        "municipalities": Principal.objects.filter(kind=PrincipalKind.MUNICIPALITY).order_by(
            "name"
        ),
        "areas": Area.objects.order_by("name"),
        "units": Unit.objects.filter(is_active=True).only("public_id", "name").order_by("name"),
        "lanes": UNIT_LANES,
        "kinds": KIND_LABELS.items(),
    }


def _parse(request) -> tuple[Period | None, Filters, str]:
    try:
        return parse_period(request.GET), parse_filters(request.GET), ""
    except ActionError as error:
        return None, Filters(), error.message


def _query(period: Period, filters: Filters, **extra) -> str:
    return urlencode({**period.as_query(), **filters.as_query(), **extra})


@login_required
def dashboard(request):
    require_statistics(request.user)
    period, filters, error = _parse(request)
    context = {
        "error": error,
        "params": request.GET,
        **_choices(),
        "deviations_note": DEVIATIONS_NOTE,
    }
    if period is not None:
        report = build_report(filters, period)
        context.update(
            report=report,
            period=period,
            filters=filters,
            charts=report.charts(),
            query=_query(period, filters),
            deviations=dashboard_row(period, filters),
            sections=build_sections(period, filters),
        )
    return render(request, "indicators/dashboard.html", context, status=400 if error else 200)


@login_required
def export(request, fmt: str):
    require_statistics(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404("not found")
    period, filters, error = _parse(request)
    if error:
        return render(
            request,
            "indicators/dashboard.html",
            {"error": error, "params": request.GET, **_choices()},
            status=400,
        )
    report = build_report(filters, period)
    return exports.report_xlsx(report) if fmt == "xlsx" else exports.report_csv(report)


@login_required
def unit_page(request, public_id):
    require_statistics(request.user)
    unit = get_object_or_404(Unit, public_id=public_id)
    try:
        period = parse_period(request.GET)
    except ActionError as error:
        return render(
            request, "indicators/unit.html", {"unit": unit, "error": error.message}, status=400
        )
    columns = [(unit.name, Filters(unit=unit))]
    if unit.area_id:
        columns.append((f"Område {unit.area.name}", Filters(unit_area=unit.area)))
    columns.append(("Hela Göteborgsområdet", Filters()))
    reports = [(label, build_report(f, period, trend_months=1)) for label, f in columns]
    rows = []
    for index, row in enumerate(reports[0][1].rows):
        rows.append(
            {
                "indicator": row.indicator,
                "cells": [(r.rows[index], r.rows[index].current) for _, r in reports],
            }
        )
    return render(
        request,
        "indicators/unit.html",
        {
            "unit": unit,
            "period": period,
            "labels": [label for label, _ in reports],
            "rows": rows,
            "query": urlencode(period.as_query()),
            "unit_query": urlencode({**period.as_query(), "unit": unit.public_id}),
            "kinds": KIND_LABELS.items(),
            "params": request.GET,
        },
    )


@login_required
def drilldown_page(request, key: str):
    require_statistics(request.user)
    if key not in BY_KEY:
        raise Http404("not found")
    period, filters, error = _parse(request)
    context = {
        "indicator": BY_KEY[key],
        "error": error,
        "query": request.GET.urlencode(),
        "has_numerator": DRILLDOWN[key][2] is not None,
    }
    if period is not None:
        context.update(period=period, filters=filters)
        try:
            rows, total, family = drilldown(request.user, key, filters, period, request=request)
        except ActionError as refusal:
            context["refused"] = refusal.message
            return render(request, "indicators/drilldown.html", context, status=403)
        context.update(rows=rows, total=total, family=family, hidden=total - len(rows))
    return render(request, "indicators/drilldown.html", context, status=400 if error else 200)


def _payment_params(request):
    municipalities = Principal.objects.filter(kind=PrincipalKind.MUNICIPALITY).order_by("name")
    raw = request.GET.get("municipality") or ""
    municipality = None
    error = ""
    if raw:
        try:
            municipality = parse_filters({"municipality": raw}).municipality
        except ActionError as refusal:
            error = refusal.message
    return municipalities, municipality, error


@login_required
def payment(request):
    require_statistics(request.user)
    municipalities, municipality, error = _payment_params(request)
    month = None
    try:
        period = parse_period({"period": "month", "month": request.GET.get("month", "")})
        month = period.start
    except ActionError as refusal:
        error = error or refusal.message
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        "error": error,
        "month": month,
        "params": request.GET,
    }
    if municipality and month and not error:
        results = _payment_pages(request, municipality, month)
        log_access(
            request.user,
            "statistics.payment",
            request=request,
            detail=f"{municipality.name} {month:%Y-%m}",
        )
        context.update(
            results=results,
            query=urlencode(
                {
                    "municipality": municipality.public_id,
                    "from": f"{month:%Y-%m}",
                    "to": f"{month:%Y-%m}",
                }
            ),
            page_query=urlencode(
                {"municipality": municipality.public_id, "month": f"{month:%Y-%m}"}
            ),
        )
    return render(request, "indicators/payment.html", context, status=400 if error else 200)


PAYMENT_PAGE_SIZE = 50


class _Pager:
    """Turns a month's number of episodes into the slice of page `number` (for `payment_month`),
    keeping the page for the pager."""

    def __init__(self, number: str | None):
        self.number = number
        self.page = None

    def __call__(self, count: int) -> slice:
        self.page = Paginator(range(count), PAYMENT_PAGE_SIZE).get_page(self.number)
        return slice(self.page.start_index() - 1, self.page.end_index()) if count else slice(0, 0)


def _payment_pages(request, municipality: Principal, month: dt.date) -> list[tuple]:
    """Per region, its month (the totals of every episode) and one page of its episode lines:
    page `sida` for the region named by `region`, the first page for the others (a page past
    the end shows the last one)."""
    results = []
    for region in regions_for(municipality, Period.month(month.year, month.month)):
        chosen = region is not None and request.GET.get("region") == str(region.public_id)
        pager = _Pager(request.GET.get("sida") if chosen else None)
        results.append((payment_month(municipality, month, region, lines=pager), pager.page))
    return results


def _month(value: str, field: str) -> dt.date:
    return parse_period({"period": "month", "month": value}).start if value else None


@login_required
def payment_export(request, fmt: str):
    require_statistics(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404("not found")
    municipalities, municipality, error = _payment_params(request)
    try:
        if municipality is None and not error:
            raise ActionError("Välj kommun.", code="required", field="municipality")
        if error:
            raise ActionError(error, code="unknown", field="municipality")
        first = _month(request.GET.get("from", ""), "from")
        last = _month(request.GET.get("to", "") or request.GET.get("from", ""), "to")
        if first is None:
            raise ActionError("Välj månad.", code="required", field="from")
        period = Period.custom(first, Period.month(last.year, last.month).end)
    except ActionError as refusal:
        return render(
            request,
            "indicators/payment.html",
            {"municipalities": municipalities, "error": refusal.message, "params": request.GET},
            status=400,
        )
    log_access(
        request.user,
        "statistics.payment_export",
        request=request,
        detail=f"{municipality.name} {period.label}",
    )
    if fmt == "xlsx":
        return exports.payment_xlsx(municipality, period)
    return exports.payment_csv(municipality, period)
