"""Periods of the statistics: a month, quarter, year or custom range of Stockholm dates.

A period is a closed range of local calendar dates. Queries filter on the UTC instants of its
local boundaries (`start_utc` inclusive, `end_utc` exclusive), which every database compares
the same way; no database has to know the time zone for that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.errors import ActionError
from core.timerules import start_of_local_day

MONTH_NAMES = [
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december",
]  # fmt: skip
# Longer ranges are refused: the statistics are about the collaboration since 2018, and a
# range of decades is a mistake rather than a question.
MAX_PERIOD_DAYS = 10 * 366
EARLIEST = dt.date(2000, 1, 1)

KIND_LABELS = {"month": "Månad", "quarter": "Kvartal", "year": "År", "custom": "Eget intervall"}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` months after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | custom
    start: dt.date
    end: dt.date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ActionError(
                "Periodens slut ligger före dess början.", code="period_reversed", field="to"
            )
        if (self.end - self.start).days + 1 > MAX_PERIOD_DAYS:
            raise ActionError(
                "Perioden är för lång: välj högst tio år.", code="period_too_long", field="from"
            )
        if self.start < EARLIEST:
            raise ActionError("Statistiken börjar år 2000.", code="period_too_early", field="from")

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        return cls("month", start, month_end(start))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = dt.date(year, (quarter - 1) * 3 + 1, 1)
        return cls("quarter", start, add_months(start, 3) - dt.timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        return cls("custom", start, end)

    # -- instants ---------------------------------------------------------------------------

    @property
    def start_utc(self) -> dt.datetime:
        """Local midnight at the start of the first day, in UTC (inclusive bound)."""
        return start_of_local_day(self.start)

    @property
    def end_utc(self) -> dt.datetime:
        """Local midnight after the last day, in UTC (exclusive bound)."""
        return start_of_local_day(self.end + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    # -- comparisons ------------------------------------------------------------------------

    def previous(self) -> Period:
        """The period just before: the previous month, quarter or year, or as many days."""
        if self.kind == "month":
            start = add_months(self.start, -1)
            return Period("month", start, month_end(start))
        if self.kind == "quarter":
            start = add_months(self.start, -3)
            return Period("quarter", start, add_months(start, 3) - dt.timedelta(days=1))
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        length = dt.timedelta(days=self.days)
        return Period("custom", self.start - length, self.end - length)

    def last_year(self) -> Period:
        """The same period one year earlier."""
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        return Period(self.kind, _shift_year(self.start, -1), _shift_year(self.end, -1))

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches, oldest first."""
        months, current = [], month_start(self.start)
        while current <= self.end:
            months.append(current)
            current = add_months(current, 1)
        return months

    # -- text -------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.kind == "quarter":
            return f"kvartal {(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind == "year":
            return f"år {self.start.year}"
        return f"{self.start.isoformat()}–{self.end.isoformat()}"

    def as_query(self) -> dict[str, str]:
        """The GET parameters that select this period again (for links and exports)."""
        if self.kind == "month":
            return {"period": "month", "month": f"{self.start:%Y-%m}"}
        if self.kind == "quarter":
            return {
                "period": "quarter",
                "quarter": f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}",
            }
        if self.kind == "year":
            return {"period": "year", "year": str(self.start.year)}
        return {"period": "custom", "from": self.start.isoformat(), "to": self.end.isoformat()}


def _parse_int(value: str, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ActionError("Ogiltigt värde.", code="invalid", field=field) from None
    if not low <= number <= high:
        raise ActionError("Värdet ligger utanför det tillåtna.", code="out_of_range", field=field)
    return number


def _parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ActionError("Ange datum som ÅÅÅÅ-MM-DD.", code="invalid_date", field=field) from None


def parse_period(params, today: dt.date | None = None) -> Period:
    """The period chosen by GET parameters (see `Period.as_query`); default: this month.

    Raises ActionError (Swedish message, field named) on anything malformed, reversed or too long.
    """
    today = today or timezone.localdate()
    kind = (params.get("period") or "month").strip()
    if kind == "month":
        raw = (params.get("month") or f"{today:%Y-%m}").strip()
        parts = raw.split("-")
        if len(parts) != 2:
            raise ActionError("Ange månad som ÅÅÅÅ-MM.", code="invalid", field="month")
        return Period.month(
            _parse_int(parts[0], "month", 2000, 2100), _parse_int(parts[1], "month", 1, 12)
        )
    if kind == "quarter":
        raw = (
            (params.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}").strip().upper()
        )
        year, _, number = raw.partition("-Q")
        return Period.quarter(
            _parse_int(year, "quarter", 2000, 2100), _parse_int(number, "quarter", 1, 4)
        )
    if kind == "year":
        return Period.year(_parse_int(params.get("year") or today.year, "year", 2000, 2100))
    if kind == "custom":
        start = _parse_date((params.get("from") or "").strip(), "from")
        end = _parse_date((params.get("to") or "").strip(), "to")
        return Period.custom(start, end)
    raise ActionError(
        "Välj månad, kvartal, år eller eget intervall.", code="invalid", field="period"
    )
