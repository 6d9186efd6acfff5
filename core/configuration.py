"""Dated regional configuration: the one reader of the regional counts, and the loaders that
put the configuration every database needs (counts, payment rules, the work description) in
place.

- `regional_count(key, day)` is the value in force on a calendar day. Every rule that needs a
  regional hour or day count calls it; none restates the number.
- `regional_count_periods(key)` lists every period of a key, and
  `regional_count_expression(key, day)` turns them into a database expression, for SQL that
  compares each row's own date against the value in force on that date.
- `load_all()` runs every registered loader. `manage.py load_configuration` calls it, and so
  does `migrate`, when it has finished. Core imports no app: each app registers its loader in
  its own `configuration.py` module, which `load_all` discovers.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Case, Expression, F, IntegerField, Value, When
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.module_loading import autodiscover_modules

from core.models import CountKey, RegionalCount

# -- reading a regional count ----------------------------------------------------------------

# The rows are read once per process and kept. A save or delete in this process empties the
# cache at once; another process (a second app server, the sweeper) sees the change within
# this many seconds. Bulk updates send no signals: they, too, take effect within this time.
CACHE_SECONDS = 60.0


class Period(NamedTuple):
    valid_from: dt.date
    valid_to: dt.date | None  # the last day included; None: until further notice
    value: int


class MissingConfiguration(LookupError):
    """No row of `key` is in force on `day`: an administrator must add one."""

    def __init__(self, key: str, day: dt.date):
        self.key = key
        self.day = day
        super().__init__(
            f"Inget värde för ”{CountKey(key).label}” ({key}) gäller {day.isoformat()}. "
            "Lägg till en rad under Regionala antal i administrationen."
        )


_lock = threading.Lock()
_cache: tuple[float, dict[str, tuple[Period, ...]]] | None = None


def clear_cache(**_signal_kwargs: object) -> None:
    """Forget the rows read so far; the next read loads them again. Connected to the saves
    and deletes of RegionalCount; tests call it before each test."""
    global _cache
    _cache = None


def _periods_by_key() -> dict[str, tuple[Period, ...]]:
    global _cache
    cached = _cache
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    with _lock:
        loaded_at = time.monotonic()
        periods: dict[str, list[Period]] = {}
        rows = RegionalCount.objects.order_by("key", "valid_from", "pk").values_list(
            "key", "valid_from", "valid_to", "value"
        )
        for key, valid_from, valid_to, value in rows:
            periods.setdefault(key, []).append(Period(valid_from, valid_to, value))
        by_key = {key: tuple(rows) for key, rows in periods.items()}
        _cache = (loaded_at, by_key)
        return by_key


def _known(key: str) -> str:
    if key not in CountKey.values:
        raise ValueError(f"Unknown regional count: {key!r}")
    return str(key)


def regional_count_periods(key: str) -> list[Period]:
    """Every period of `key`, earliest first: (valid_from, valid_to or None, value). Days
    outside all periods have no value (regional_count raises for them)."""
    return list(_periods_by_key().get(_known(key), ()))


def regional_count(key: str, day: dt.date) -> int:
    """The value of `key` in force on the calendar day `day` (a local date, Europe/Stockholm;
    a datetime is refused, since which day an instant falls on is the caller's decision).

    Raises MissingConfiguration when no row is in force on that day. Should two rows overlap
    (clean() refuses it, code that bypasses it might not), the one that started last wins.
    """
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"regional_count needs a date, not {type(day).__name__}")
    key = _known(key)
    for period in reversed(_periods_by_key().get(key, ())):
        if period.valid_from <= day and (period.valid_to is None or day <= period.valid_to):
            return period.value
    raise MissingConfiguration(key, day)


def regional_count_expression(key: str, day: str | Expression) -> Case:
    """A database expression: the value of `key` in force on the date `day` (a field name or
    an expression giving a date), NULL on a day without a row, for statistics that compare each
    row against the count of its own date. Built from regional_count_periods."""
    day_expression = F(day) if isinstance(day, str) else day
    whens = []
    for period in regional_count_periods(key):
        condition: Any = GreaterThanOrEqual(day_expression, Value(period.valid_from))
        if period.valid_to is not None:
            condition &= LessThanOrEqual(day_expression, Value(period.valid_to))
        whens.append(When(condition, then=Value(period.value)))
    # The latest start first, as in regional_count.
    return Case(*reversed(whens), default=None, output_field=IntegerField())


# -- loaders ---------------------------------------------------------------------------------

Loader = Callable[[], str]
_loaders: dict[str, Loader] = {}


def register_loader(name: str, func: Loader) -> None:
    """Make `func` part of `load_all`. It must be idempotent: create what is missing, never
    change a row that exists (an administrator may have edited it), and return a one-line
    summary of what it did. Registering a name again replaces its function."""
    _loaders[name] = func


def registered_loaders() -> list[tuple[str, Loader]]:
    """Every app's loader, in the order of INSTALLED_APPS (an app's configuration may rest on
    that of the apps before it), then in the order each app registered them."""
    autodiscover_modules("configuration")
    order = {config.name: index for index, config in enumerate(apps.get_app_configs())}

    def position(item: tuple[int, tuple[str, Loader]]) -> tuple[int, int]:
        registered, (_name, func) = item
        config = apps.get_containing_app_config(func.__module__)
        return (order.get(config.name, len(order)) if config else len(order), registered)

    return [item for _index, item in sorted(enumerate(_loaders.items()), key=position)]


def load_all() -> list[tuple[str, str]]:
    """Run every registered loader, in one transaction, and return (name, summary) of each.
    Running it twice changes nothing the second time."""
    results = []
    try:
        with transaction.atomic():
            for name, func in registered_loaders():
                results.append((name, func()))
    finally:
        clear_cache()
    return results


def load_after_migrate(sender: object, using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    """post_migrate handler: load the configuration once `migrate` (or a test's flush) has
    finished. Skipped for another database, and when some migration is still unapplied (a
    partial `migrate app 0001` or a migration backwards), since a loader's table may be
    missing then."""
    if using != DEFAULT_DB_ALIAS:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    results = load_all()
    verbosity = kwargs.get("verbosity", 1)
    if isinstance(verbosity, int) and verbosity >= 2:
        for name, summary in results:
            print(f"  {name}: {summary}")


# -- the regional counts' own defaults -------------------------------------------------------

LAW_2017_612 = "Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård"

DEFAULT_COUNTS = [
    (CountKey.ADMISSION_NOTICE_HOURS, 24, dt.date(2018, 1, 1), LAW_2017_612),
    (CountKey.SIP_INVITATION_DAYS, 3, dt.date(2018, 1, 1), LAW_2017_612),
    (CountKey.READMISSION_DAYS, 30, dt.date(2018, 1, 1), "Samsyns indikator, VGR:s uppföljning"),
]


def load_regional_counts() -> str:
    """Create each default count unless a row of its key already covers part of its period."""
    created = 0
    for key, value, valid_from, source in DEFAULT_COUNTS:
        row = RegionalCount(key=key, value=value, valid_from=valid_from, source=source)
        if not row.overlapping().exists():
            row.full_clean()
            row.save()
            created += 1
    return f"{created} regionala antal skapade"


register_loader("core.regional_counts", load_regional_counts)
