"""The indicators, computed by aggregation in the database.

Three families of rows:

- discharge facts: one row per discharged episode (the month of discharge), read from the
  Episode row's cached columns (ready notice in force, SIP need and invitation, discharge),
  with the planned-date moves and the SIP offer from the events and the readmission from
  `Episode.readmission_of`;
- admission facts: episodes by month of admission, with the first admission notice;
- acknowledgement facts: admission-notice messages, one per recipient unit.

A page reads the totals of every family per Stockholm day over the days it shows, in a fixed
number of grouped queries, and adds them up per period and per month (`daily_totals`).

Days are Stockholm calendar dates: `LocalDay` turns a timestamp into the number of its local
date (days since 2000-01-01) in SQL, through Django's time-zone-aware date cast (PostgreSQL
`AT TIME ZONE`, SQLite Django's own zoneinfo function), so "ready days" is a difference of
two integers and is the same on both databases, across DST nights.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from core.timerules import STOCKHOLM, start_of_local_day
from episodes.models import Episode, Event, EventKind, Message, MessageKind
from indicators.definitions import BY_KEY, INDICATORS, Indicator
from indicators.filters import Filters
from indicators.periods import Period, add_months, month_end, month_start


class LocalDay(Func):
    """The Stockholm calendar date of a timestamp as a day number (days since 2000-01-01)."""

    output_field = IntegerField()

    def __init__(self, expression, **extra):
        super().__init__(TruncDate(expression, tzinfo=STOCKHOLM), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) - DATE '2000-01-01')", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - julianday('2000-01-01') AS INTEGER)", params


def _events(kind: str, episode_ref: str = "id"):
    return Event.objects.filter(episode_id=OuterRef(episode_ref), kind=kind)


def planned_date_moves(episode_ref: str = "id"):
    """Changes of the estimated date to a different date (moving back counts, same date not).

    There is no column for this on the Episode row, so it is counted from the events."""
    changes = (
        _events(EventKind.ESTIMATED_DATE_CHANGED, episode_ref)
        .exclude(data__date=F("data__previous"))
        .order_by()
        .values("episode_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(changes, output_field=IntegerField()), Value(0))


# -- the three families of rows ---------------------------------------------------------------
#
# The discharge and admission facts read the Episode row's cached columns, which the actions
# write in the same transaction as the events and which `bench.consistency.replay` checks
# against the events (replayed in time order):
#
# - `discharged_at` is the instant of the episode's DISCHARGED event that no
#   DISCHARGE_CANCELLED follows (a cancelled discharge clears the column);
# - `ready_at` is the ready notice in force: the latest READY_NOTICE_SENT not followed by a
#   READY_NOTICE_REVOKED (no ready event can follow the discharge in force: both need an
#   active episode);
# - `sip_needed` is what the latest SIP_NEED_ASSESSED said (None: never assessed);
# - `sip_invited_at` is the (only) SIP_INVITATION_SENT;
# - `admission_notice_sent_at` is the first ADMISSION_NOTICE_SENT.
#
# Only the planned-date moves and the SIP offer have no column and are read from the events.
# `indicators/tests/reference.py` keeps the purely event-based definitions, and a test checks
# that both give the same facts.


def discharge_facts(filters: Filters, start: dt.datetime, end: dt.datetime) -> QuerySet[Episode]:
    """One row per episode discharged in [start, end), annotated."""
    return _discharges(filters, _within("discharged_at", [(start, end)]))


def _within(field: str, spans: list[tuple[dt.datetime, dt.datetime]]) -> Q:
    """`field` in any of the half-open spans of instants."""
    q = Q()
    for start, end in spans:
        q |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return q


def _discharged(filters: Filters, when: Q) -> QuerySet[Episode]:
    """The discharged episodes with the facts read from their own columns."""
    return (
        Episode.objects.filter(when)
        .filter(filters.episode_q(episode_field="id", prefix=""))
        .annotate(
            discharge_day=LocalDay("discharged_at"),
            ready_days=F("discharge_day") - LocalDay("ready_at"),
        )
    )


def _sip_offered() -> Exists:
    return Exists(_events(EventKind.SIP_OFFERED))


def _readmitted() -> Exists:
    return Exists(Episode.objects.filter(readmission_of_id=OuterRef("id")))


def _discharges(filters: Filters, when: Q) -> QuerySet[Episode]:
    return annotate_discharges(_discharged(filters, when))


def annotate_discharges(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """The facts that need other rows (events, the readmission), one subquery each per row:
    for lists of episodes (drill-down, payment). The totals per day count them with joins."""
    return episodes.annotate(
        moves=planned_date_moves(), sip_offered=_sip_offered(), readmitted=_readmitted()
    )


def admission_facts(filters: Filters, start: dt.datetime, end: dt.datetime) -> QuerySet[Episode]:
    """One row per episode admitted in [start, end), with its first admission notice."""
    return _admissions(filters, _within("admitted_at", [(start, end)]))


def _admissions(filters: Filters, when: Q) -> QuerySet[Episode]:
    return (
        Episode.objects.filter(when)
        .filter(filters.episode_q(episode_field="id", prefix=""))
        .annotate(first_notice_at=F("admission_notice_sent_at"))
    )


def acknowledgement_facts(
    filters: Filters, start: dt.datetime, end: dt.datetime
) -> QuerySet[Message]:
    """Admission notices to units concerned, for episodes admitted in [start, end)."""
    return _acknowledgements(filters, _within("episode__admitted_at", [(start, end)]))


def _acknowledgements(filters: Filters, when: Q) -> QuerySet[Message]:
    return (
        Message.objects.filter(kind=MessageKind.ADMISSION_NOTICE, forwarded_to__isnull=True)
        .filter(when)
        .filter(filters.message_q())
        .annotate(
            ack_span=ExpressionWrapper(
                F("acknowledged_at") - F("sent_at"), output_field=DurationField()
            )
        )
    )


@contextmanager
def statistics_planning():
    """Run the statistics queries with the planner settings they are measured with.

    - No JIT compilation: their cost estimates (tens of thousands of episodes, grouped) are
      far above `jit_above_cost`, and compiling them took longer than running them (1.7 s of a
      3 s query at 10 years of data).
    - `random_page_cost = 1.1` (the usual value for data in memory or on SSD, instead of 4 for
      spinning disks): with 4, the payment page's reads of one month's discharges hash-joined
      every resident of the municipality (a sequential scan of the register, which grows with
      the history) instead of looking up the month's few thousand individuals by primary key;
      1.1 makes the planner choose the lookups (EXPLAIN, docs/performance.md). The server's own
      setting is the operator's (the production notes recommend the same).

    On PostgreSQL this opens a transaction (or uses the one open) and sets both in it only
    (`SET LOCAL`); elsewhere it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1")
        yield


# -- aggregates ---------------------------------------------------------------------------------

# The legal deadlines are the work description's, kept on the episode by the process engine
# (`Episode.admission_notice_due_at`, `Episode.sip_invitation_due_at`; None where the deadline
# does not apply, e.g. SIP in compulsory care): "on time" is "done by that due time".
NOTICE_DUE = Q(admission_notice_due_at__isnull=False)
NOTICE_ON_TIME = NOTICE_DUE & Q(admission_notice_sent_at__lte=F("admission_notice_due_at"))
SIP_DUE = Q(sip_invitation_due_at__isnull=False)
SIP_ON_TIME = SIP_DUE & Q(sip_invited_at__lte=F("sip_invitation_due_at"))

DISCHARGE_AGGREGATES = {
    "discharges": Count("id"),
    # (ready_days is null exactly when ready_at is: every row has discharged_at)
    "with_ready": Count("id", filter=Q(ready_at__isnull=False)),
    "ready_days_total": Sum("ready_days"),
    "same_day": Count("id", filter=Q(ready_days=0)),
    "skr_n": Count("id", filter=Q(ready_days__gte=1)),
    "skr_total": Sum("ready_days", filter=Q(ready_days__gte=1)),
    "moves_total": Sum("moves"),
    "sip_needed_n": Count("id", filter=Q(sip_needed=True)),
    "sip_offered_n": Count("id", filter=Q(sip_needed=True, sip_offered=True)),
    "sip_due_n": Count("id", filter=SIP_DUE),
    "sip_on_time_n": Count("id", filter=SIP_ON_TIME),
    "readmitted_n": Count("id", filter=Q(readmitted=True)),
}
# Per day (`_daily_totals`), the discharge totals other than these three are read from the
# Episode columns alone (`_add_discharge_rows`); these are counted by joins (the same figures;
# no subquery per episode).
BY_JOIN = ("moves_total", "sip_offered_n", "readmitted_n")

ADMISSION_AGREGATES = {
    "admissions": Count("id"),
    "notice_due_n": Count("id", filter=NOTICE_DUE),
    "notice_on_time_n": Count("id", filter=NOTICE_ON_TIME),
}

ACK_AGGREGATES = {
    "notices": Count("id"),
    "acknowledged": Count("id", filter=Q(acknowledged_at__isnull=False)),
    "ack_total": Sum("ack_span"),
}


def _zeroed(totals: dict) -> dict:
    return {key: (value if value is not None else 0) for key, value in totals.items()}


@dataclass
class Figure:
    """One indicator's value over one period and cut."""

    indicator: Indicator
    value: float | None
    numerator: float | None = None
    denominator: int | None = None
    note: str = ""


def _ratio(numerator, denominator) -> float | None:
    return numerator / denominator if denominator else None


def figures_from_totals(totals: dict) -> dict[str, Figure]:
    """Turn the aggregated totals of the three families into one Figure per indicator."""
    t = totals
    ack_hours = t["ack_total"].total_seconds() / 3600 if t["ack_total"] else 0.0
    figures = {
        "admission_notice_on_time": (t["notice_on_time_n"], t["notice_due_n"]),
        "acknowledgement_hours": (ack_hours, t["acknowledged"]),
        "planned_date_moves": (t["moves_total"], t["discharges"]),
        "ready_days_vgr": (t["ready_days_total"], t["with_ready"]),
        "ready_days_skr": (t["skr_total"], t["skr_n"]),
        "same_day_discharge": (t["same_day"], t["with_ready"]),
        "sip_offered": (t["sip_offered_n"], t["sip_needed_n"]),
        "sip_on_time": (t["sip_on_time_n"], t["sip_due_n"]),
        "readmission_30": (t["readmitted_n"], t["discharges"]),
    }
    result = {
        key: Figure(BY_KEY[key], _ratio(num, den), num, den) for key, (num, den) in figures.items()
    }
    unacknowledged = t["notices"] - t["acknowledged"]
    if unacknowledged:
        result["acknowledgement_hours"].note = f"{unacknowledged} ännu inte kvitterade"
    result["admissions"] = Figure(BY_KEY["admissions"], t["admissions"])
    result["discharges"] = Figure(BY_KEY["discharges"], t["discharges"])
    return {indicator.key: result[indicator.key] for indicator in INDICATORS}


def totals_for(filters: Filters, start: dt.datetime, end: dt.datetime) -> dict:
    """The aggregated totals of every family for a cut and a span of instants."""
    with statistics_planning():
        return _totals_for(filters, start, end)


def _totals_for(filters: Filters, start: dt.datetime, end: dt.datetime) -> dict:
    totals = {}
    totals.update(_zeroed(discharge_facts(filters, start, end).aggregate(**DISCHARGE_AGGREGATES)))
    totals.update(_zeroed(admission_facts(filters, start, end).aggregate(**ADMISSION_AGREGATES)))
    acks = acknowledgement_facts(filters, start, end).aggregate(**ACK_AGGREGATES)
    totals.update(_zeroed({k: v for k, v in acks.items() if k != "ack_total"}))
    totals["ack_total"] = acks["ack_total"]
    return totals


def compute(filters: Filters, period: Period) -> dict[str, Figure]:
    """Every indicator for one cut and period."""
    return figures_from_totals(totals_for(filters, period.start_utc, period.end_utc))


# -- totals per day, summed into periods and months --------------------------------------------
#
# A page shows one period beside the previous one and the same period last year, and a trend
# by month. Every one of them is a run of whole Stockholm days, and every total is a count or a
# sum, so the page reads the totals per local day over the days it needs (one grouped query per
# family) and adds them up per period and per month in Python.

DAY_ZERO = dt.date(2000, 1, 1)  # LocalDay 0

EMPTY_TOTALS = {
    **{key: 0 for key in DISCHARGE_AGGREGATES},
    **{key: 0 for key in ADMISSION_AGREGATES},
    **{key: 0 for key in ACK_AGGREGATES},
    "ack_total": None,
}

DayTotals = dict[dt.date, dict]


def _merge(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Inclusive date ranges, overlapping or adjacent ones joined."""
    merged: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _add(total: dict, row: dict) -> None:
    for key, value in row.items():
        if key == "ack_total":
            if value is not None:
                total[key] = value if total[key] is None else total[key] + value
        else:
            total[key] += value or 0


def daily_totals(filters: Filters, spans: list[tuple[dt.date, dt.date]]) -> DayTotals:
    """The totals of every family per Stockholm day, for the days in `spans` (inclusive date
    ranges). Six grouped queries whatever the number of rows or spans."""
    instants = [
        (start_of_local_day(first), start_of_local_day(last + dt.timedelta(days=1)))
        for first, last in _merge(spans)
    ]
    with statistics_planning():
        return _daily_totals(filters, instants)


def _daily_totals(filters: Filters, instants: list[tuple[dt.datetime, dt.datetime]]) -> DayTotals:
    days: DayTotals = {}
    discharged = _within("discharged_at", instants)
    # The first and last id of the episodes each family's main read found: the events,
    # readmissions and messages joined to them are read by the same range of `episode_id`
    # (indexed), so the planner reads the spans' rows on the other side of the join, not the
    # whole history's. Every row joined has its episode's id in that range, so it only leaves
    # out rows the join would drop: the figures are the same.
    ids = _add_discharge_rows(days, filters, discharged)
    day = LocalDay("discharged_at")
    # Planned-date moves: the ESTIMATED_DATE_CHANGED events (to a different date) of the
    # episodes discharged in the spans, by the episode's day of discharge.
    moves = (
        Event.objects.filter(kind=EventKind.ESTIMATED_DATE_CHANGED)
        .filter(_in_range("episode_id", ids))
        .exclude(data__date=F("data__previous"))
        .filter(_within("episode__discharged_at", instants))
        .filter(filters.episode_q())
        .values(local_day=LocalDay("episode__discharged_at"))
    )
    base = Episode.objects.filter(discharged).filter(
        filters.episode_q(episode_field="id", prefix="")
    )
    sip_offered = Exists(_events(EventKind.SIP_OFFERED).filter(_in_range("episode_id", ids)))
    readmitted = Exists(
        Episode.objects.filter(readmission_of_id=OuterRef("id")).filter(
            _in_range("readmission_of_id", ids)
        )
    )
    for rows, aggregates in (
        (moves, {"moves_total": Count("episode_id")}),
        (
            base.filter(sip_offered, sip_needed=True).values(local_day=day),
            {"sip_offered_n": Count("id")},
        ),
        (base.filter(readmitted).values(local_day=day), {"readmitted_n": Count("id")}),
    ):
        _add_rows(days, rows, aggregates)
    admitted = _admissions(filters, _within("admitted_at", instants)).values(
        local_day=LocalDay("admitted_at")
    )
    ids = _add_rows(days, admitted, ADMISSION_AGREGATES, ids=True)
    acknowledgements = (
        _acknowledgements(filters, _within("episode__admitted_at", instants))
        .filter(_in_range("episode_id", ids))
        .values(local_day=LocalDay("episode__admitted_at"))
    )
    _add_rows(days, acknowledgements, ACK_AGGREGATES)
    return days


NO_IDS = (0, 0)  # no episode has id 0: the range of an empty read


def _in_range(field: str, ids: tuple[int, int]) -> Q:
    """`field` (a reference to an episode) within the inclusive range of episode ids."""
    return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[1]})


def _add_rows(
    days: DayTotals,
    rows: QuerySet,
    aggregates: dict,
    ids: bool = False,
) -> tuple[int, int]:
    """Add one grouped read's rows (one or more per local day) to `days`. With `ids` (a read
    of episodes), also return the range of the ids of the episodes counted (`NO_IDS` if
    none)."""
    low: int | None = None
    high: int | None = None
    extra = {"low_id": Min("id"), "high_id": Max("id")} if ids else {}
    for row in rows.order_by().annotate(**aggregates, **extra):
        day = row.pop("local_day")
        if ids:
            row_low, row_high = row.pop("low_id"), row.pop("high_id")
            low = row_low if low is None else min(low, row_low)
            high = row_high if high is None else max(high, row_high)
        _add(days.setdefault(DAY_ZERO + dt.timedelta(days=day), dict(EMPTY_TOTALS)), row)
    return (low, high) if low is not None and high is not None else NO_IDS


# The discharge totals not in BY_JOIN, read grouped by (day of discharge, day of the ready
# notice in force) with the counts that need neither day: PostgreSQL then turns each timestamp
# into its local day once per row, not once per aggregate that uses the ready days (eleven
# conversions a row before), and the ready-day sums are done here per group (a day of discharge
# has a few ready days). The figures are DISCHARGE_AGGREGATES' (the reference tests compare).
PAIR_AGGREGATES = {
    "discharges": Count("id"),
    "sip_needed_n": Count("id", filter=Q(sip_needed=True)),
    "sip_due_n": Count("id", filter=SIP_DUE),
    "sip_on_time_n": Count("id", filter=SIP_ON_TIME),
}


def _add_discharge_rows(days: DayTotals, filters: Filters, discharged: Q) -> tuple[int, int]:
    """Add the discharge totals (all but BY_JOIN) per day to `days`, from groups by (day of
    discharge, ready day); return the range of the counted episodes' ids (`NO_IDS` if none).
    Tuples, not dicts: a page reads a few thousand groups."""
    rows = (
        Episode.objects.filter(discharged)
        .filter(filters.episode_q(episode_field="id", prefix=""))
        .values(local_day=LocalDay("discharged_at"), ready_day=LocalDay("ready_at"))
        .order_by()
        .annotate(**PAIR_AGGREGATES, low_id=Min("id"), high_id=Max("id"))
        .values_list("local_day", "ready_day", *PAIR_AGGREGATES, "low_id", "high_id")
    )
    low: int | None = None
    high: int | None = None
    by_number: dict[int, dict] = {}
    for day, ready_day, discharges, sip_needed, sip_due, sip_on_time, row_low, row_high in rows:
        total = by_number.get(day)
        if total is None:
            total = days.setdefault(DAY_ZERO + dt.timedelta(days=day), dict(EMPTY_TOTALS))
            by_number[day] = total
        total["discharges"] += discharges
        total["sip_needed_n"] += sip_needed
        total["sip_due_n"] += sip_due
        total["sip_on_time_n"] += sip_on_time
        low = row_low if low is None else min(low, row_low)
        high = row_high if high is None else max(high, row_high)
        if ready_day is None:
            continue
        ready_days = day - ready_day
        total["with_ready"] += discharges
        total["ready_days_total"] += discharges * ready_days
        if ready_days == 0:
            total["same_day"] += discharges
        elif ready_days >= 1:
            total["skr_n"] += discharges
            total["skr_total"] += discharges * ready_days
    return (low, high) if low is not None and high is not None else NO_IDS


def totals_between(days: DayTotals, first: dt.date, last: dt.date) -> dict:
    """The totals of the days `first` … `last` (inclusive)."""
    total = dict(EMPTY_TOTALS)
    for day, row in days.items():
        if first <= day <= last:
            _add(total, row)
    return total


def compute_from(days: DayTotals, period: Period) -> dict[str, Figure]:
    """Every indicator for one period, from totals per day covering it."""
    return figures_from_totals(totals_between(days, period.start, period.end))


# -- trends by month ------------------------------------------------------------------------------


def trend_span(period: Period, min_months: int = 12) -> tuple[dt.date, dt.date]:
    """The days a trend needs: the trend's months and the two before (rolling mean)."""
    last = month_start(period.end)
    first = min(month_start(period.start), add_months(last, -(min_months - 1)))
    return add_months(first, -2), month_end(last)


def monthly_totals(days: DayTotals, first_month: dt.date, last_month: dt.date) -> DayTotals:
    """Totals per Stockholm month from `first_month` to `last_month` (first days), every month
    present (zeros where nothing happened)."""
    result = {}
    month = first_month
    while month <= last_month:
        result[month] = dict(EMPTY_TOTALS)
        month = add_months(month, 1)
    for day, row in days.items():
        month = day.replace(day=1)
        if month in result:
            _add(result[month], row)
    return result


@dataclass
class TrendPoint:
    month: dt.date
    figures: dict[str, Figure]
    vgr_rolling_3: float | None  # pooled VGR mean of this month and the two before


def trend_from(days: DayTotals, period: Period, min_months: int = 12) -> list[TrendPoint]:
    """Indicators month by month from totals per day covering `trend_span(period, …)`."""
    before, end = trend_span(period, min_months)
    first = add_months(before, 2)
    totals = monthly_totals(days, before, month_start(end))
    points = []
    for month in sorted(totals):
        if month < first:
            continue
        window = [totals[add_months(month, -k)] for k in range(3)]
        days_total = sum(w["ready_days_total"] for w in window)
        count = sum(w["with_ready"] for w in window)
        points.append(
            TrendPoint(month, figures_from_totals(totals[month]), _ratio(days_total, count))
        )
    return points


def trend(filters: Filters, period: Period, min_months: int = 12) -> list[TrendPoint]:
    """Indicators month by month: the period's months, at least `min_months` back from its end,
    with the pooled three-month VGR mean of ready days beside each month."""
    days = daily_totals(filters, [trend_span(period, min_months)])
    return trend_from(days, period, min_months)
