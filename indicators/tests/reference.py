"""The purely event-based definitions of the per-episode facts (the statistics before they read
the Episode row's cached columns), kept as the reference the column-based facts are checked
against in `test_reference.py`. Slow on large data: tests only."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from episodes.models import Episode, Event, EventKind
from indicators.filters import Filters
from indicators.queries import LocalDay

# The law's counts, stated here on purpose: this oracle must not read the code it checks.
ADMISSION_NOTICE_HOURS = 24
SIP_INVITATION_DAYS = 3


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


def planned_date_moves(episode_ref: str = "episode_id"):
    changes = (
        _events(EventKind.ESTIMATED_DATE_CHANGED, episode_ref)
        .exclude(data__date=F("data__previous"))
        .order_by()
        .values("episode_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(changes, output_field=IntegerField()), Value(0))


def discharge_facts(filters: Filters, start: dt.datetime, end: dt.datetime) -> QuerySet[Event]:
    """One DISCHARGED event per episode discharged in [start, end), annotated from the events:
    the one no DISCHARGE_CANCELLED (makulerad utskrivning) follows."""
    cancelled = _events(EventKind.DISCHARGE_CANCELLED).filter(_later_than_outer())
    return (
        Event.objects.filter(kind=EventKind.DISCHARGED, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(Exists(cancelled))
        .filter(filters.episode_q())
        .annotate(
            ready_at=ready_notice_in_force(),
            discharge_day=LocalDay("occurred_at"),
            ready_days=F("discharge_day") - LocalDay("ready_at"),
            moves=planned_date_moves(),
            sip_needed=sip_needed_exists(),
            sip_offered=Exists(_events(EventKind.SIP_OFFERED)),
            sip_invited_at=_first(EventKind.SIP_INVITATION_SENT),
            sip_lag=LocalDay("sip_invited_at") - LocalDay("ready_at"),
            # SIP within three days of the ready notice in force, in voluntary care only.
            sip_on_time=Case(
                When(
                    Q(sip_needed=True, episode__is_compulsory_care=False)
                    & Q(sip_lag__lte=SIP_INVITATION_DAYS),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            readmitted=Exists(Episode.objects.filter(readmission_of_id=OuterRef("episode_id"))),
        )
    )


def admission_facts(filters: Filters, start: dt.datetime, end: dt.datetime) -> QuerySet[Episode]:
    return (
        Episode.objects.filter(admitted_at__gte=start, admitted_at__lt=end)
        .filter(filters.episode_q(episode_field="id", prefix=""))
        .annotate(
            first_notice_at=_first(EventKind.ADMISSION_NOTICE_SENT, episode_ref="id"),
            notice_lag=ExpressionWrapper(
                F("first_notice_at") - F("help_assessed_at"), output_field=DurationField()
            ),
            notice_on_time=Case(
                When(notice_lag__lte=dt.timedelta(hours=ADMISSION_NOTICE_HOURS), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


def payment_conditions(facts: QuerySet[Event]) -> QuerySet[Event]:
    """The payment preconditions of the reference discharge facts (notice, SIP)."""
    notice_before_discharge = Event.objects.filter(
        episode_id=OuterRef("episode_id"),
        kind=EventKind.ADMISSION_NOTICE_SENT,
        occurred_at__lte=OuterRef("occurred_at"),
    )
    return facts.annotate(
        notice_sent=Exists(notice_before_discharge),
        sip_ok=Case(
            When(
                Q(sip_needed=False)
                | Q(sip_invited_at__lte=F("occurred_at"))
                | Q(sip_lag__lte=SIP_INVITATION_DAYS),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def totals(filters: Filters, period) -> dict:
    """The totals of `indicators.queries.totals_for`, from the event-based facts."""
    from indicators.queries import (
        ACK_AGGREGATES,
        ADMISSION_AGREGATES,
        DISCHARGE_AGGREGATES,
        _zeroed,
        acknowledgement_facts,
    )

    # The deadline counts from the oracle's own reading of the law, not the stored due times.
    own_discharge = {
        **DISCHARGE_AGGREGATES,
        "sip_due_n": Count(
            "id",
            filter=Q(sip_needed=True, ready_at__isnull=False, episode__is_compulsory_care=False),
        ),
        "sip_on_time_n": Count("id", filter=Q(sip_on_time=True)),
    }
    own_admission = {
        **ADMISSION_AGREGATES,
        "notice_due_n": Count("id", filter=Q(help_assessed_at__isnull=False)),
        "notice_on_time_n": Count("id", filter=Q(notice_on_time=True)),
    }
    s, e = period.start_utc, period.end_utc
    result = {}
    result.update(_zeroed(discharge_facts(filters, s, e).aggregate(**own_discharge)))
    result.update(_zeroed(admission_facts(filters, s, e).aggregate(**own_admission)))
    acks = acknowledgement_facts(filters, s, e).aggregate(**ACK_AGGREGATES)
    result.update(_zeroed({k: v for k, v in acks.items() if k != "ack_total"}))
    result["ack_total"] = acks["ack_total"]
    return result
