"""The municipality's payment responsibility per month, under the agreement in force.

For one municipality of residence and one month of discharge (per region of the wards, as
the agreement is the region's), every discharged episode gets a status computed in the
database (`status` below) and a Swedish reason, so the region and the municipality can check
the same figures episode by episode:

- `law_default`: days 0 .. free_days-1 after the ready notice are free; billable days =
  ready days − free_days when positive, each billed at the daily rate in force on its date.
- `vgr_average`: the episodes meeting the preconditions with at most `individual_after_days`
  ready days form the municipality's pool: monthly mean = pool days ÷ pool episodes; in the
  last month of each quarter the pooled quarter decides: excess days = pool days − limit ×
  pool episodes when positive, billed at the rate in force on the quarter's last day. Episodes
  with more ready days are billed individually as under `law_default`.

Preconditions (both models): a ready notice in force, an admission notice sent before
discharge, and when SIP was needed, the invitation sent before discharge or within the SIP
deadline; compulsory psychiatric care (LPT/LRV) has no payment clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models import CharField as CharFieldType

from core.timerules import local_date
from episodes.models import Episode
from indicators.filters import Filters
from indicators.models import DailyRate, PaymentAgreement, PaymentModel
from indicators.periods import Period, add_months, month_end, quarter_start
from organisations.models import Principal, PrincipalKind

REASONS = {
    "compulsory_care": "Psykiatrisk tvångsvård (LPT/LRV): samordnad vårdplan, "
    "inget betalningsansvar.",
    "no_ready_notice": "Inget gällande meddelande om utskrivningsklar: räknas inte.",
    "no_admission_notice": "Inget inskrivningsmeddelande skickat före utskrivningen: räknas inte.",
    "sip_not_invited": "SIP behövdes men kallelse skickades inte i tid (före utskrivningen eller "
    "inom tre dagar): räknas inte.",
    "free": "Utskriven inom de fria dagarna: inga betalda dagar.",
    "billed": "Debiteras: utskrivningsklara dagar utöver de fria dagarna.",
    "pooled": "Ingår i kommunens genomsnitt.",
    "individual": "Fler dagar än gränsen för genomsnittet: tas ur genomsnittet och debiteras "
    "individuellt för dagarna utöver de fria.",
}
COUNTS = {"billed", "pooled", "individual"}


def _payment_facts(
    municipality: Principal, region: Principal | None, period: Period, agreement: PaymentAgreement
):
    """The discharge facts (Episode rows, see `indicators.queries`) with a payment status.

    "An admission notice sent before discharge" is the first notice (the Episode's
    `admission_notice_sent_at`) at or before the discharge instant. SIP not yet assessed
    (`sip_needed` None) is "not needed", as with no assessment event."""
    from indicators.queries import SIP_ON_TIME, discharge_facts

    facts = discharge_facts(Filters(municipality=municipality), period.start_utc, period.end_utc)
    if region is not None:
        facts = facts.filter(ward__principal=region)
    facts = facts.annotate(
        notice_sent=Case(
            When(admission_notice_sent_at__lte=F("discharged_at"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        sip_ok=Case(
            When(
                Q(sip_needed__isnull=True)
                | Q(sip_needed=False)
                | Q(sip_invited_at__lte=F("discharged_at"))
                | SIP_ON_TIME,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if agreement.model == PaymentModel.VGR_AVERAGE:
        counted = [
            When(ready_days__gt=agreement.individual_after_days, then=Value("individual")),
            When(ready_days__isnull=False, then=Value("pooled")),
        ]
    else:
        counted = [
            When(ready_days__gt=agreement.free_days, then=Value("billed")),
            When(ready_days__isnull=False, then=Value("free")),
        ]
    return facts.annotate(
        status=Case(
            When(is_compulsory_care=True, then=Value("compulsory_care")),
            When(ready_days__isnull=True, then=Value("no_ready_notice")),
            When(notice_sent=False, then=Value("no_admission_notice")),
            When(sip_ok=False, then=Value("sip_not_invited")),
            *counted,
            output_field=CharFieldType(),
        ),
        billable_days=Case(
            When(status__in=["billed", "individual"], then=F("ready_days") - agreement.free_days),
            default=Value(0),
        ),
    )


class Rates:
    """The daily rates of a region, looked up by date in memory (a handful of rows)."""

    def __init__(self, region: Principal | None):
        self.rows = (
            list(DailyRate.objects.filter(Q(region=region) | Q(region__isnull=True)))
            if region
            else list(DailyRate.objects.filter(region__isnull=True))
        )
        # A region's own rate wins over the general one on the same day.
        self.rows.sort(key=lambda r: (r.region_id is None, -r.valid_from.toordinal()))

    def on(self, day: dt.date) -> Decimal | None:
        for row in self.rows:
            if row.valid_from <= day and (row.valid_to is None or day <= row.valid_to):
                return row.amount
        return None


@dataclass
class EpisodeLine:
    """One discharged episode in a payment month: why it counts or not, and its amount."""

    episode_id: str
    ward: str
    admitted_at: dt.datetime
    ready_at: dt.datetime | None
    discharged_at: dt.datetime
    ready_days: int | None
    status: str
    billable_days: int
    amount: Decimal | None
    missing_rate_days: list[dt.date] = field(default_factory=list)

    @property
    def counts(self) -> bool:
        return self.status in COUNTS

    @property
    def reason(self) -> str:
        text = REASONS[self.status]
        if self.missing_rate_days:
            text += f" Dygnskostnad saknas för {len(self.missing_rate_days)} dag(ar)."
        return text


LINE_FIELDS = [
    "public_id",
    "ward__name",
    "admitted_at",
    "ready_at",
    "discharged_at",
    "ready_days",
    "status",
    "billable_days",
]


def _amount(
    ready_day: dt.date, billable_days: int, agreement: PaymentAgreement, rates: Rates
) -> tuple[Decimal | None, list[dt.date]]:
    """The amount of `billable_days` nights after a ready notice on `ready_day`, and the nights
    without a daily rate (the amount is None when there are any).

    The nights from day `free_days` up to the night before discharge, each at its rate."""
    first = ready_day + dt.timedelta(days=agreement.free_days)
    total = Decimal(0)
    missing = []
    for offset in range(billable_days):
        day = first + dt.timedelta(days=offset)
        rate = rates.on(day)
        if rate is None:
            missing.append(day)
        else:
            total += rate
    return (None if missing else total), missing


def _line(row: dict, agreement: PaymentAgreement, rates: Rates) -> EpisodeLine:
    line = EpisodeLine(
        episode_id=str(row["public_id"]),
        ward=row["ward__name"],
        admitted_at=row["admitted_at"],
        ready_at=row["ready_at"],
        discharged_at=row["discharged_at"],
        ready_days=row["ready_days"],
        status=row["status"],
        billable_days=row["billable_days"] or 0,
        amount=None,
    )
    if line.billable_days:
        line.amount, line.missing_rate_days = _amount(
            local_date(line.ready_at), line.billable_days, agreement, rates
        )
    elif line.counts or line.status == "free":
        line.amount = Decimal(0)
    return line


@dataclass
class Quarter:
    start: dt.date
    end: dt.date
    episodes: int
    ready_days: int
    limit: Decimal
    excess_days: Decimal
    rate: Decimal | None
    amount: Decimal | None

    @property
    def mean(self) -> float | None:
        return self.ready_days / self.episodes if self.episodes else None


@dataclass
class PaymentMonth:
    """A month's payment figures. The totals (`by_status`, the pool, `individual_days`,
    `individual_amount`, the days without a rate) cover every episode of the month, from one
    grouped query; `lines` holds the episodes asked for (all of them, or one page)."""

    municipality: Principal
    region: Principal | None
    month: dt.date
    agreement: PaymentAgreement | None
    lines: list[EpisodeLine]
    pool_episodes: int = 0
    pool_days: int = 0
    quarter: Quarter | None = None
    by_status: dict[str, int] = field(default_factory=dict)
    individual_days: int = 0
    individual_amount: Decimal | None = Decimal(0)
    line_days_without_rate: list[dt.date] = field(default_factory=list)

    @property
    def episodes(self) -> int:
        """The number of discharged episodes in the month (all lines, whatever the page)."""
        return sum(self.by_status.values())

    @property
    def monthly_mean(self) -> float | None:
        return self.pool_days / self.pool_episodes if self.pool_episodes else None

    @property
    def billed_lines(self) -> list[EpisodeLine]:
        return [line for line in self.lines if line.billable_days]

    @property
    def total_days(self) -> Decimal:
        return Decimal(self.individual_days) + (self.quarter.excess_days if self.quarter else 0)

    @property
    def total_amount(self) -> Decimal | None:
        parts = [self.individual_amount]
        if self.quarter and self.quarter.excess_days:
            parts.append(self.quarter.amount)
        return None if any(p is None for p in parts) else sum(parts, Decimal(0))

    @property
    def missing_rate_days(self) -> list[dt.date]:
        days = set(self.line_days_without_rate)
        if self.quarter and self.quarter.excess_days and self.quarter.rate is None:
            days.add(self.quarter.end)
        return sorted(days)


def regions_for(municipality: Principal, period: Period) -> list[Principal | None]:
    """The regions whose wards discharged the municipality's residents in the period."""
    from indicators.queries import statistics_planning

    with statistics_planning():
        return _regions_for(municipality, period)


def _regions_for(municipality: Principal, period: Period) -> list[Principal | None]:
    ids = (
        Episode.objects.filter(
            discharged_at__gte=period.start_utc,
            discharged_at__lt=period.end_utc,
            individual__municipality=municipality,
        )
        .order_by()
        .values_list("ward__principal_id", flat=True)
        .distinct()
    )
    regions = list(Principal.objects.filter(id__in=list(ids), kind=PrincipalKind.REGION))
    return regions or [Principal.objects.filter(kind=PrincipalKind.REGION).order_by("name").first()]


ALL_LINES = slice(None)
Lines = slice | Callable[[int], slice]


def payment_month(
    municipality: Principal, month: dt.date, region: Principal | None, lines: Lines = ALL_LINES
) -> PaymentMonth:
    """The payment figures of `municipality` for the month starting `month`, for `region`.

    The agreement in force on the month's last day applies to the whole month. `lines` picks
    the episode lines read (in order of discharge): all by default, `slice(0, 0)` for none, or
    a function from the month's number of episodes to a slice (a page); the totals always
    cover the whole month.
    """
    from indicators.queries import statistics_planning

    with statistics_planning():
        return _payment_month(municipality, month, region, lines)


def _payment_month(
    municipality: Principal, month: dt.date, region: Principal | None, lines: Lines
) -> PaymentMonth:
    period = Period.month(month.year, month.month)
    agreement = PaymentAgreement.in_force(period.end, region)
    result = PaymentMonth(municipality, region, period.start, agreement, lines=[])
    if agreement is None:
        return result
    rates = Rates(region)
    facts = _payment_facts(municipality, region, period, agreement)
    _add_totals(result, facts, agreement, rates)
    chosen = lines(result.episodes) if callable(lines) else lines
    result.lines = [
        _line(row, agreement, rates)
        for row in facts.order_by("discharged_at", "id").values(*LINE_FIELDS)[chosen]
    ]
    if agreement.model == PaymentModel.VGR_AVERAGE and period.start.month % 3 == 0:
        result.quarter = _quarter(municipality, region, period, agreement, rates)
    return result


def _add_totals(result: PaymentMonth, facts, agreement: PaymentAgreement, rates: Rates) -> None:
    """The month's totals from one grouped query: episodes by status, with the ready days (the
    pool) and, for the billed ones, by day of the ready notice and billable days, which is all
    a line's amount depends on (`_amount`)."""
    from indicators.queries import DAY_ZERO, LocalDay

    groups = (
        facts.order_by()
        .values(
            "status",
            "billable_days",
            ready_day=Case(
                When(billable_days__gt=0, then=LocalDay("ready_at")),
                default=Value(None),
                output_field=IntegerField(),
            ),
        )
        .annotate(n=Count("id"), days=Sum("ready_days"))
    )
    missing: set[dt.date] = set()
    amount: Decimal | None = Decimal(0)
    for row in groups:
        n, status = row["n"], row["status"]
        result.by_status[status] = result.by_status.get(status, 0) + n
        if status == "pooled":
            result.pool_episodes += n
            result.pool_days += row["days"] or 0
        billable = row["billable_days"] or 0
        if billable:
            result.individual_days += billable * n
            ready_day = DAY_ZERO + dt.timedelta(days=row["ready_day"])
            line_amount, without_rate = _amount(ready_day, billable, agreement, rates)
            missing.update(without_rate)
            amount = None if amount is None or line_amount is None else amount + line_amount * n
    result.individual_amount = amount
    result.line_days_without_rate = sorted(missing)


def _quarter(
    municipality, region, period: Period, agreement: PaymentAgreement, rates: Rates
) -> Quarter:
    start = quarter_start(period.start)
    quarter = Period.custom(start, month_end(add_months(start, 2)))
    pool = (
        _payment_facts(municipality, region, quarter, agreement)
        .filter(status="pooled")
        .aggregate(n=Count("id"), days=Sum("ready_days"))
    )
    episodes, days = pool["n"], pool["days"] or 0
    limit = agreement.average_limit
    excess = max(Decimal(days) - limit * episodes, Decimal(0))
    rate = rates.on(quarter.end)
    amount = (excess * rate) if rate is not None else (Decimal(0) if not excess else None)
    return Quarter(quarter.start, quarter.end, episodes, days, limit, excess, rate, amount)


def iter_lines(
    municipality: Principal, period: Period
) -> Iterator[tuple[dt.date, Principal | None, EpisodeLine]]:
    """Every episode line of every month in `period`, streamed from the database (exports)."""
    for month in period.months():
        month_period = Period.month(month.year, month.month)
        for region in regions_for(municipality, month_period):
            agreement = PaymentAgreement.in_force(month_period.end, region)
            if agreement is None:
                continue
            rates = Rates(region)
            rows = (
                _payment_facts(municipality, region, month_period, agreement)
                .order_by("discharged_at", "id")
                .values(*LINE_FIELDS)
                .iterator(chunk_size=500)
            )
            for row in rows:
                yield month, region, _line(row, agreement, rates)
