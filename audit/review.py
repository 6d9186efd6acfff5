"""Log review (HSLF-FS 2016:40 4 kap. 9 §): systematic samples of the access log, a conclusion
on each sampled row, and the review closed and reported.

A review names a rule (`SampleKind`) and a period of local dates. `population` is every
access-log row the rule selects; `start_review` takes a systematic sample of it (every k-th
row in time order, k = ceil(population / size), from a random start below k, so that nobody
can tell which of their reads will be drawn) and records the review with its items. Each
item gets a conclusion (`conclude`), and a review whose items all have one is closed with a
summary (`complete_review`). Every function here refuses anyone but an administrator.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour, Trunc, TruncDate
from django.utils import timezone

from audit.models import (
    AccessLog,
    Conclusion,
    LogReview,
    LogReviewItem,
    SampleKind,
)
from core import submissions
from core.errors import ActionError
from core.timerules import STOCKHOLM, is_working_day, start_of_local_day
from individuals.models import Individual
from organisations.models import CARE_ROLES, Membership, Unit, User

SAMPLE_SIZE = 25
# Working hours, local time, on working days: from 07:00 to 18:00. A read at any other hour,
# on a weekend or on a Swedish public holiday is "outside working hours".
WORKING_HOURS = (7, 18)
# "Many individuals in a short time": a user who read this many different individuals within
# one clock hour.
MANY_INDIVIDUALS_PER_HOUR = 20
# The longest period one review may sample.
MAX_PERIOD_DAYS = 366


def _require_administrator(user: User) -> None:
    if not user.is_administrator:
        raise ActionError(
            "Bara administratörer och loggranskare granskar loggen.", code="forbidden"
        )


def _period_rows(period_from: dt.date, period_to: dt.date) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(
        at__gte=start_of_local_day(period_from),
        at__lt=start_of_local_day(period_to + dt.timedelta(days=1)),
    )


def _days(period_from: dt.date, period_to: dt.date) -> list[dt.date]:
    count = (period_to - period_from).days + 1
    return [period_from + dt.timedelta(days=offset) for offset in range(count)]


def population(
    kind: str,
    period_from: dt.date,
    period_to: dt.date,
    *,
    subject_user: User | None = None,
    unit: Unit | None = None,
    individual: Individual | None = None,
) -> QuerySet[AccessLog]:
    """Every access-log row of the period (local dates, both included) that the rule selects,
    in time order."""
    rows = _period_rows(period_from, period_to)
    if kind == SampleKind.USER:
        rows = rows.filter(user=subject_user)
    elif kind == SampleKind.UNIT:
        rows = rows.filter(unit=unit)
    elif kind == SampleKind.INDIVIDUAL:
        rows = rows.filter(individual=individual)
    elif kind == SampleKind.PROTECTED:
        rows = rows.filter(individual__protected_identity=True)
    elif kind == SampleKind.WITHOUT_ROLE:
        # No care role in force on the read's local date, at any unit (administrators
        # reading through the admin are drawn here too).
        day = TruncDate("at", tzinfo=STOCKHOLM)
        active_care_role = Membership.objects.filter(
            user=OuterRef("user"), role__in=CARE_ROLES, valid_from__lte=OuterRef("day")
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("day")))
        rows = rows.annotate(day=day).exclude(Exists(active_care_role))
    elif kind == SampleKind.OUTSIDE_HOURS:
        days_off = [day for day in _days(period_from, period_to) if not is_working_day(day)]
        start, end = WORKING_HOURS
        rows = rows.annotate(
            day=TruncDate("at", tzinfo=STOCKHOLM), hour=ExtractHour("at", tzinfo=STOCKHOLM)
        ).filter(Q(day__in=days_off) | Q(hour__lt=start) | Q(hour__gte=end))
    elif kind == SampleKind.MANY_INDIVIDUALS:
        bursts = (
            rows.filter(individual__isnull=False)
            .annotate(hour=Trunc("at", "hour", tzinfo=STOCKHOLM))
            .values("user_id", "hour")
            .annotate(individuals=Count("individual", distinct=True))
            .filter(individuals__gte=MANY_INDIVIDUALS_PER_HOUR)
        )
        selected = Q(pk__in=[])
        for burst in bursts:
            hour = burst["hour"]
            selected |= Q(
                user_id=burst["user_id"], at__gte=hour, at__lt=hour + dt.timedelta(hours=1)
            )
        rows = rows.filter(selected)
    else:
        raise ActionError("Välj ett urval.", code="invalid", field="sample_kind")
    return rows.order_by("at", "id")


def systematic_sample(ids: list[int], size: int, start: int | None = None) -> list[int]:
    """Every k-th of `ids` (k = ceil(len / size)) from `start` (random below k when None): at
    most `size` of them, spread evenly over the list."""
    if not ids:
        return []
    step = max(1, math.ceil(len(ids) / size))
    first = secrets.randbelow(step) if start is None else start % step
    return ids[first::step][:size]


def _check_period(period_from: dt.date, period_to: dt.date) -> None:
    if period_to < period_from:
        raise ActionError(
            "Periodens slut ligger före dess början.", code="invalid", field="period_to"
        )
    if (period_to - period_from).days >= MAX_PERIOD_DAYS:
        raise ActionError(
            f"En granskning omfattar högst {MAX_PERIOD_DAYS} dagar.",
            code="invalid",
            field="period_to",
        )
    if period_from > timezone.localdate():
        raise ActionError("Perioden har inte börjat än.", code="invalid", field="period_from")


REQUIRED_SUBJECT = {
    SampleKind.USER: ("subject_user", "Välj användaren som ska granskas."),
    SampleKind.UNIT: ("unit", "Välj enheten som ska granskas."),
    SampleKind.INDIVIDUAL: ("individual", "Ange individen som ska granskas."),
}


def start_review(
    reviewer: User,
    kind: str,
    period_from: dt.date,
    period_to: dt.date,
    *,
    subject_user: User | None = None,
    unit: Unit | None = None,
    individual: Individual | None = None,
    size: int = SAMPLE_SIZE,
    start: int | None = None,
    submission_key: str | None = None,
) -> LogReview:
    """Draw a systematic sample by the rule `kind` over the period and record the review and
    its items, in one transaction."""
    _require_administrator(reviewer)
    if kind not in SampleKind.values:
        raise ActionError("Välj ett urval.", code="invalid", field="sample_kind")
    _check_period(period_from, period_to)
    if kind in REQUIRED_SUBJECT:
        field, message = REQUIRED_SUBJECT[SampleKind(kind)]
        given = {"subject_user": subject_user, "unit": unit, "individual": individual}
        if given[field] is None:
            raise ActionError(message, code="required", field=field)
    # Only the subject its rule names is kept with the review.
    subject_user = subject_user if kind == SampleKind.USER else None
    unit = unit if kind == SampleKind.UNIT else None
    individual = individual if kind == SampleKind.INDIVIDUAL else None
    with transaction.atomic():
        submissions.claim(submission_key, reviewer)
        ids = list(
            population(
                kind,
                period_from,
                period_to,
                subject_user=subject_user,
                unit=unit,
                individual=individual,
            ).values_list("id", flat=True)
        )
        review = LogReview.objects.create(
            reviewer=reviewer,
            sample_kind=kind,
            period_from=period_from,
            period_to=period_to,
            population=len(ids),
            subject_user=subject_user,
            unit=unit,
            individual=individual,
        )
        LogReviewItem.objects.bulk_create(
            LogReviewItem(review=review, entry_id=entry_id)
            for entry_id in systematic_sample(ids, size, start)
        )
    return review


def conclude(reviewer: User, item: LogReviewItem, conclusion: str, note: str = "") -> LogReviewItem:
    """Mark one sampled row reviewed. A row found unjustified or to follow up needs a note
    saying why; a closed review is not changed."""
    _require_administrator(reviewer)
    if conclusion not in Conclusion.values:
        raise ActionError("Välj en slutsats.", code="invalid", field="conclusion")
    note = note.strip()
    if len(note) > 500:
        raise ActionError("Kommentaren får vara högst 500 tecken.", code="too_long", field="note")
    if conclusion != Conclusion.JUSTIFIED and not note:
        raise ActionError(
            "Skriv varför åtkomsten ska följas upp eller är obefogad.",
            code="required",
            field="note",
        )
    with transaction.atomic():
        review = LogReview.objects.select_for_update().get(pk=item.review_id)
        if review.completed_at is not None:
            raise ActionError("Granskningen är redan avslutad.", code="completed")
        item.conclusion = conclusion
        item.note = note
        item.reviewed_by = reviewer
        item.reviewed_at = timezone.now()
        item.save(update_fields=["conclusion", "note", "reviewed_by", "reviewed_at"])
    return item


def complete_review(reviewer: User, review: LogReview, summary: str) -> LogReview:
    """Close a review whose every sampled row has a conclusion, with the reviewer's summary."""
    _require_administrator(reviewer)
    summary = summary.strip()
    if not summary:
        raise ActionError(
            "Skriv en sammanfattning av granskningen.", code="required", field="summary"
        )
    with transaction.atomic():
        review = LogReview.objects.select_for_update().get(pk=review.pk)
        if review.completed_at is not None:
            raise ActionError("Granskningen är redan avslutad.", code="completed")
        if review.items.filter(conclusion="").exists():
            raise ActionError(
                "Varje rad i urvalet behöver en slutsats innan granskningen avslutas.",
                code="incomplete",
            )
        review.summary = summary
        review.completed_at = timezone.now()
        review.save(update_fields=["summary", "completed_at"])
    return review


class ReviewLine(NamedTuple):
    review: LogReview
    sampled: int
    justified: int
    follow_up: int
    unjustified: int
    open: int


def report(period_from: dt.date, period_to: dt.date) -> list[ReviewLine]:
    """The reviews started in the period (local dates), each with its counts of conclusions:
    what the care provider shows to prove the log is reviewed."""
    counts = {
        name: Count("items", filter=Q(items__conclusion=value))
        for name, value in (
            ("justified", Conclusion.JUSTIFIED),
            ("follow_up", Conclusion.FOLLOW_UP),
            ("unjustified", Conclusion.UNJUSTIFIED),
            ("open", ""),
        )
    }
    reviews = (
        LogReview.objects.filter(
            created_at__gte=start_of_local_day(period_from),
            created_at__lt=start_of_local_day(period_to + dt.timedelta(days=1)),
        )
        .select_related("reviewer", "subject_user", "unit")
        .annotate(sampled=Count("items"), **counts)
        .order_by("created_at", "id")
    )
    names = ("sampled", "justified", "follow_up", "unjustified", "open")
    return [ReviewLine(r, *(getattr(r, name) for name in names)) for r in reviews]
