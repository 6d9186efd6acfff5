"""The indicators, computed from the events by aggregation in the database.

Three families of rows, each a queryset annotated per episode and then aggregated:

- discharge facts: one DISCHARGED event per episode (the month of discharge), with the ready
  notice in force, ready days, planned-date moves, SIP need/offer/invitation, readmission;
- admission facts: episodes by month of admission, with the first admission notice;
- acknowledgement facts: admission-notice messages, one per recipient unit.

Days are Stockholm calendar dates: `LocalDay` turns a timestamp into the number of its local
date (days since 2000-01-01) in SQL, through Django's time-zone-aware date cast (PostgreSQL
`AT TIME ZONE`, SQLite Django's own zoneinfo function), so "ready days" is a difference of
two integers and is the same on both databases, across DST nights.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from core.timerules import STOCKHOLM
from episodes.models import Episode, Event, EventKind, Message, MessageKind
from indicators.definitions import (
    ADMISSION_NOTICE_HOURS,
    BY_KEY,
    INDICATORS,
    SIP_INVITATION_DAYS,
    Indicator,
)
from indicators.filters import Filters
from indicators.periods import Period, add_months, month_start


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


def _later_than_outer() -> Q:
    """The event comes after the outer event (same instant: recorded later)."""
    return Q(occurred_at__gt=OuterRef("occurred_at")) | Q(
        occurred_at=OuterRef("occurred_at"), id__gt=OuterRef("id")
    )


def ready_notice_in_force(episode_ref: str = "episode_id", until_ref: str = "occurred_at"):
    """Subquery: occurred_at of the last ready notice before `until_ref` not revoked before it."""
    revoked = Event.objects.filter(
        episode_id=OuterRef("episode_id"),
        kind=EventKind.READY_NOTICE_REVOKED,
        occurred_at__lte=OuterRef(OuterRef(until_ref)),
    ).filter(_later_than_outer())
    return Subquery(
        Event.objects.filter(
            episode_id=OuterRef(episode_ref),
            kind=EventKind.READY_NOTICE_SENT,
            occurred_at__lte=OuterRef(until_ref),
        )
        .exclude(Exists(revoked))
        .order_by("-occurred_at", "-id")
        .values("occurred_at")[:1]
    )


def _events(kind: str, episode_ref: str = "episode_id"):
    return Event.objects.filter(episode_id=OuterRef(episode_ref), kind=kind)


def sip_needed_exists(episode_ref: str = "episode_id") -> Exists:
    """The latest SIP need assessment said SIP is needed (help from both principals)."""
    later = _events(EventKind.SIP_NEED_ASSESSED).filter(_later_than_outer())
    return Exists(
        _events(EventKind.SIP_NEED_ASSESSED, episode_ref)
        .filter(data__needed=True)
        .exclude(Exists(later))
    )


def _first(kind: str, episode_ref: str = "episode_id"):
    return Subquery(
        _events(kind, episode_ref).order_by("occurred_at", "id").values("occurred_at")[:1]
    )


def _count(kind: str, queryset=None, episode_ref: str = "episode_id"):
    queryset = queryset if queryset is not None else _events(kind, episode_ref)
    counted = queryset.order_by().values("episode_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def planned_date_moves(episode_ref: str = "episode_id"):
    """Changes of the estimated date to a different date (moving back counts, same date not)."""
    changes = _events(EventKind.ESTIMATED_DATE_CHANGED, episode_ref).exclude(
        data__date=F("data__previous")
    )
    return _count(EventKind.ESTIMATED_DATE_CHANGED, changes, episode_ref)


# -- the three families of rows ---------------------------------------------------------------


def discharge_facts(filters: Filters, start: dt.datetime, end: dt.datetime) -> QuerySet[Event]:
    """One row per episode discharged in [start, end): its DISCHARGED event, annotated."""
    return annotate_discharges(
        Event.objects.filter(
            kind=EventKind.DISCHARGED, occurred_at__gte=start, occurred_at__lt=end
        ).filter(filters.episode_q())
    )


def annotate_discharges(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        ready_at=ready_notice_in_force(),
        discharge_day=LocalDay("occurred_at"),
        ready_days=F("discharge_day") - LocalDay("ready_at"),
        moves=planned_date_moves(),
        sip_needed=sip_needed_exists(),
        sip_offered=Exists(_events(EventKind.SIP_OFFERED)),
        sip_invited_at=_first(EventKind.SIP_INVITATION_SENT),
        sip_lag=LocalDay("sip_invited_at") - LocalDay("ready_at"),
        readmitted=Exists(Episode.objects.filter(readmission_of_id=OuterRef("episode_id"))),
    )


def admission_facts(filters: Filters, start: dt.datetime, end: dt.datetime) -> QuerySet[Episode]:
    """One row per episode admitted in [start, end), with its first admission notice."""
    return (
        Episode.objects.filter(admitted_at__gte=start, admitted_at__lt=end)
        .filter(filters.episode_q(episode_field="id", prefix=""))
        .annotate(
            first_notice_at=_first(EventKind.ADMISSION_NOTICE_SENT, episode_ref="id"),
            notice_lag=ExpressionWrapper(
                F("first_notice_at") - F("help_assessed_at"), output_field=DurationField()
            ),
        )
    )


def acknowledgement_facts(
    filters: Filters, start: dt.datetime, end: dt.datetime
) -> QuerySet[Message]:
    """Admission notices to units concerned, for episodes admitted in [start, end)."""
    return (
        Message.objects.filter(
            kind=MessageKind.ADMISSION_NOTICE,
            forwarded_to__isnull=True,
            episode__admitted_at__gte=start,
            episode__admitted_at__lt=end,
        )
        .filter(filters.message_q())
        .annotate(
            ack_span=ExpressionWrapper(
                F("acknowledged_at") - F("sent_at"), output_field=DurationField()
            )
        )
    )


# -- aggregates ---------------------------------------------------------------------------------

ON_TIME = dt.timedelta(hours=ADMISSION_NOTICE_HOURS)

DISCHARGE_AGGREGATES = {
    "discharges": Count("id"),
    "with_ready": Count("id", filter=Q(ready_days__isnull=False)),
    "ready_days_total": Sum("ready_days"),
    "same_day": Count("id", filter=Q(ready_days=0)),
    "skr_n": Count("id", filter=Q(ready_days__gte=1)),
    "skr_total": Sum("ready_days", filter=Q(ready_days__gte=1)),
    "moves_total": Sum("moves"),
    "sip_needed_n": Count("id", filter=Q(sip_needed=True)),
    "sip_offered_n": Count("id", filter=Q(sip_needed=True, sip_offered=True)),
    "sip_due_n": Count("id", filter=Q(sip_needed=True, ready_days__isnull=False)),
    "sip_on_time_n": Count(
        "id", filter=Q(sip_needed=True, ready_days__isnull=False, sip_lag__lte=SIP_INVITATION_DAYS)
    ),
    "readmitted_n": Count("id", filter=Q(readmitted=True)),
}

ADMISSION_AGREGATES = {
    "admissions": Count("id"),
    "notice_due_n": Count("id", filter=Q(help_assessed_at__isnull=False)),
    "notice_on_time_n": Count(
        "id", filter=Q(help_assessed_at__isnull=False, notice_lag__lte=ON_TIME)
    ),
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


# -- trends by month ------------------------------------------------------------------------------


def _by_month(queryset: QuerySet, field: str, aggregates: dict) -> dict[dt.date, dict]:
    rows = (
        queryset.annotate(month=TruncMonth(field, tzinfo=STOCKHOLM))
        .order_by()
        .values("month")
        .annotate(**aggregates)
    )
    result = {}
    for row in rows:
        month = row.pop("month")
        if isinstance(month, dt.datetime):
            month = month.astimezone(STOCKHOLM).date()
        result[month] = row
    return result


EMPTY_TOTALS = {
    **{key: 0 for key in DISCHARGE_AGGREGATES},
    **{key: 0 for key in ADMISSION_AGREGATES},
    **{key: 0 for key in ACK_AGGREGATES},
    "ack_total": None,
}


def monthly_totals(
    filters: Filters, first_month: dt.date, last_month: dt.date
) -> dict[dt.date, dict]:
    """Totals per Stockholm month from `first_month` to `last_month` (first days), every month
    present (zeros where nothing happened). One grouped query per family."""
    start = Period.custom(first_month, add_months(last_month, 1) - dt.timedelta(days=1))
    s, e = start.start_utc, start.end_utc
    months = start.months()
    result = {month: dict(EMPTY_TOTALS) for month in months}
    for family, field, aggregates in (
        (discharge_facts(filters, s, e), "occurred_at", DISCHARGE_AGGREGATES),
        (admission_facts(filters, s, e), "admitted_at", ADMISSION_AGREGATES),
        (acknowledgement_facts(filters, s, e), "episode__admitted_at", ACK_AGGREGATES),
    ):
        for month, row in _by_month(family, field, aggregates).items():
            if month in result:
                result[month].update(
                    {k: (v if v is not None or k == "ack_total" else 0) for k, v in row.items()}
                )
    return result


@dataclass
class TrendPoint:
    month: dt.date
    figures: dict[str, Figure]
    vgr_rolling_3: float | None  # pooled VGR mean of this month and the two before


def trend(filters: Filters, period: Period, min_months: int = 12) -> list[TrendPoint]:
    """Indicators month by month: the period's months, at least `min_months` back from its end,
    with the pooled three-month VGR mean of ready days beside each month."""
    last = month_start(period.end)
    first = min(month_start(period.start), add_months(last, -(min_months - 1)))
    totals = monthly_totals(filters, add_months(first, -2), last)
    points = []
    for month in sorted(totals):
        if month < first:
            continue
        window = [totals[add_months(month, -k)] for k in range(3)]
        days = sum(w["ready_days_total"] for w in window)
        count = sum(w["with_ready"] for w in window)
        points.append(TrendPoint(month, figures_from_totals(totals[month]), _ratio(days, count)))
    return points
