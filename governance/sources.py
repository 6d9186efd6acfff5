"""What a live metric can read, each through its owner's own function — never restated here.

- Every indicator of the statistics (`indicators.queries.compute`, the dashboard's figures).
- Deviations reported in the period, all or of one category
  (`deviations.statistics.build_report`, the deviation statistics' total).
- Training coverage on the period's last day (today while it runs), the share of staff with
  every required module (`competence.coverage.coverage`).

A metric stores its source's key in `Metric.indicator_key` and its filters as the owner's GET
parameters (public ids, a category key); the group's area is the default filter of each.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competence.coverage import coverage
from competence.filters import parse_filters as parse_coverage_filters
from core.errors import ActionError
from deviations import statistics as deviation_statistics
from deviations.models import DeviationCategory
from indicators.definitions import INDICATORS, Indicator
from indicators.filters import parse_filters
from indicators.periods import Period
from indicators.queries import compute
from organisations.models import Area

DEVIATIONS = "deviations"
TRAINING_COVERAGE = "training_coverage"


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    measure: str  # as `indicators.definitions.Indicator.measure`: share | count | mean_days …
    higher_is_better: bool | None
    filter_names: tuple[str, ...]
    # The figure for GET-style filters and a period (a share as 0–1); raises ActionError on a
    # filter value that names nothing.
    read: Callable[[Mapping[str, str], Period], float | None]
    group: str | Promise  # the heading of the choice list

    def check(self, params: Mapping[str, str]) -> None:
        """Refuses a filter value that names nothing (the owner's own parsing)."""
        if self.key == DEVIATIONS:
            today = timezone.localdate()
            _deviation_filters(params, Period.custom(today, today))
        elif self.key == TRAINING_COVERAGE:
            parse_coverage_filters(params)
        else:
            parse_filters(params)


def _indicator_source(indicator: Indicator) -> Source:
    def read(params: Mapping[str, str], period: Period) -> float | None:
        return compute(parse_filters(params), period)[indicator.key].value

    return Source(
        indicator.key,
        indicator.name,
        indicator.measure,
        indicator.higher_is_better,
        ("principal", "municipality", "area", "unit", "lane", "unit_area"),
        read,
        gettext_lazy("Statistik"),
    )


def _area(params: Mapping[str, str]) -> Area | None:
    raw = (params.get("area") or "").strip()
    if not raw:
        return None
    try:
        found = Area.objects.filter(public_id=uuid.UUID(raw)).first()
    except ValueError:
        found = None
    if found is None:
        raise ActionError("Okänt område.", code="unknown", field="area")
    return found


def _deviation_filters(params: Mapping[str, str], period: Period) -> deviation_statistics.Filters:
    category = (params.get("category") or "").strip()
    if category and not DeviationCategory.objects.filter(key=category).exists():
        raise ActionError(
            _("Avvikelsekategorin ”%(key)s” finns inte.") % {"key": category},
            code="unknown",
            field="category",
        )
    area = _area(params)
    return deviation_statistics.Filters(
        start=period.start,
        end=period.end,
        category=category,
        area_id=area.pk if area else None,
        quarter=deviation_statistics.quarter_of(period.end),
    )


def _read_deviations(params: Mapping[str, str], period: Period) -> float | None:
    report = deviation_statistics.build_report(
        deviation_statistics.Scope(None, ""), _deviation_filters(params, period)
    )
    return float(report.total.count)


def _read_coverage(params: Mapping[str, str], period: Period) -> float | None:
    day = min(period.end, timezone.localdate())
    return coverage(parse_coverage_filters(params), day).share


SOURCES: list[Source] = [_indicator_source(i) for i in INDICATORS] + [
    Source(
        DEVIATIONS,
        "Rapporterade avvikelser",
        "count",
        False,
        ("area", "category"),
        _read_deviations,
        gettext_lazy("Avvikelser"),
    ),
    Source(
        TRAINING_COVERAGE,
        "Utbildningstäckning",
        "share",
        True,
        ("area", "principal", "unit", "lane", "role"),
        _read_coverage,
        gettext_lazy("Kompetens"),
    ),
]
BY_KEY: dict[str, Source] = {s.key: s for s in SOURCES}


def source_name(key: str, filters: Mapping[str, str]) -> str:
    """The name a new metric gets: the source's, with a deviation category's label."""
    source = BY_KEY[key]
    category = (filters.get("category") or "").strip()
    if key == DEVIATIONS and category:
        label = (
            DeviationCategory.objects.filter(key=category)
            .order_by("-valid_from")
            .values_list("label", flat=True)
            .first()
        )
        return f"{source.name}: {label or category}"
    return source.name
