"""Time in Samsyn: stored in UTC, counted in Europe/Stockholm.

This module holds the one deadline function (`due_at`) that every deadline in the product is
computed by, and the calendar it needs (local dates, Swedish working days).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC


class OffsetUnit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Stockholm of an aware datetime."""
    return moment.astimezone(STOCKHOLM).date()


def end_of_local_day(day: dt.date) -> dt.datetime:
    """23:59:59 in Stockholm on `day`, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=STOCKHOLM).astimezone(UTC)


def start_of_local_day(day: dt.date) -> dt.datetime:
    """00:00 in Stockholm on `day`, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=STOCKHOLM).astimezone(UTC)


class NonexistentLocalTime(ValueError):
    """A wall-clock time the spring-forward night skips (02:00–02:59 on the last Sunday of
    March in Stockholm)."""


def from_local(naive: dt.datetime) -> dt.datetime:
    """A Stockholm wall-clock time as an aware datetime. An hour the autumn night repeats
    (02:00–02:59) is read as its first pass (summer time): a time typed during that hour is
    then never in the future; a skipped time raises `NonexistentLocalTime`."""
    aware = naive.replace(tzinfo=STOCKHOLM, fold=0)
    if aware.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive.isoformat())
    return aware


@lru_cache(maxsize=64)
def _swedish_days_off(year: int) -> frozenset[dt.date]:
    # DE_FACTO adds midsummer eve, Christmas eve and New Year's eve, which are not statutory
    # holidays but on which the parties do not work.
    calendar = holidays.Sweden(
        years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO), include_sundays=False
    )
    return frozenset(calendar.keys())


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, and not a Swedish public holiday, midsummer, Christmas or NY eve."""
    return day.weekday() < 5 and day not in _swedish_days_off(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (day 0 is `day` itself, working or not)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    remaining = count
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def due_at(anchor: dt.datetime, amount: int, unit: OffsetUnit | str) -> dt.datetime:
    """The moment a deadline falls, in UTC, for "within `amount` `unit` of `anchor`".

    - hours: elapsed time, so DST changes do not stretch or shrink it;
    - calendar_days: the end (23:59:59 Stockholm) of the local date `amount` days after the
      anchor's local date (day 0);
    - working_days: the end of the `amount`-th working day after the anchor's local date.
    """
    if anchor.tzinfo is None:
        raise ValueError("anchor must be timezone-aware")
    unit = OffsetUnit(unit)
    if unit is OffsetUnit.HOURS:
        return (anchor.astimezone(UTC) + dt.timedelta(hours=amount)).astimezone(UTC)
    day0 = local_date(anchor)
    if unit is OffsetUnit.CALENDAR_DAYS:
        return end_of_local_day(day0 + dt.timedelta(days=amount))
    return end_of_local_day(add_working_days(day0, amount))


def calendar_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole calendar days in Stockholm from `start`'s date to `end`'s date (same day = 0)."""
    return (local_date(end) - local_date(start)).days
