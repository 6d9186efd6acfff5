"""Who may see the statistics, and the drill-down from a figure to its episodes.

Aggregates show no patient data: they are open to managers, process leaders and
administrators (any unit), and to superusers. The list of episodes behind a figure is patient
data: it shows only the episodes the user may read through `episodes.access` (a care role at a
unit taking part), and every episode shown is written to the access log, in one statement.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When

from audit.log import log_access, log_access_many
from core.errors import ActionError
from episodes.access import care_unit_ids, visible_episodes
from episodes.models import Episode
from indicators.filters import Filters
from indicators.periods import Period
from indicators.queries import (
    NOTICE_DUE,
    NOTICE_ON_TIME,
    SIP_DUE,
    SIP_ON_TIME,
    acknowledgement_facts,
    admission_facts,
    discharge_facts,
)
from organisations.models import Role, User

STATISTICS_ROLES = frozenset({Role.MANAGER, Role.PROCESS_LEADER, Role.ADMINISTRATOR})
DRILLDOWN_LIMIT = 500

# indicator -> (family, the rows behind the figure, the rows in its numerator)
DRILLDOWN = {
    "admission_notice_on_time": (
        "admission",
        NOTICE_DUE,
        NOTICE_ON_TIME,
    ),
    "admissions": ("admission", Q(), None),
    "acknowledgement_hours": ("acknowledgement", Q(), Q(acknowledged_at__isnull=False)),
    "planned_date_moves": ("discharge", Q(), Q(moves__gte=1)),
    "ready_days_vgr": ("discharge", Q(ready_days__isnull=False), None),
    "ready_days_skr": ("discharge", Q(ready_days__gte=1), None),
    "same_day_discharge": ("discharge", Q(ready_days__isnull=False), Q(ready_days=0)),
    "sip_offered": ("discharge", Q(sip_needed=True), Q(sip_offered=True)),
    "sip_on_time": (
        "discharge",
        SIP_DUE,
        SIP_ON_TIME,
    ),
    "readmission_30": ("discharge", Q(), Q(readmitted=True)),
    "discharges": ("discharge", Q(), None),
}


def may_view_statistics(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*STATISTICS_ROLES)


def require_statistics(user: User) -> None:
    if not may_view_statistics(user):
        raise PermissionDenied("Statistiken är till för chefer, processledare och administratörer.")


def drilldown(user: User, key: str, filters: Filters, period: Period, *, request=None):
    """(rows the user may see, total rows behind the figure) for indicator `key`.

    Refuses (ActionError, logged) when the user asks for a unit where they have no care role,
    or has no care role at all: aggregates by role, patient data by need-to-know.
    """
    if key not in DRILLDOWN:
        raise ActionError("Okänd indikator.", code="unknown", field="indicator")
    units = care_unit_ids(user)
    if not units or (filters.unit is not None and filters.unit.id not in units):
        log_access(
            user,
            "statistics.drilldown",
            granted=False,
            request=request,
            detail=f"{key} {period.label} {filters.unit or ''}".strip(),
        )
        raise ActionError(
            "Du kan se siffrorna men inte de enskilda vårdtillfällena: det kräver en vårdroll "
            "på en "
            "enhet som deltar i dem.",
            code="forbidden",
        )
    family, behind, numerator = DRILLDOWN[key]
    start, end = period.start_utc, period.end_utc
    if family == "admission":
        facts, episode_field, order = admission_facts(filters, start, end), "id", "admitted_at"
    elif family == "acknowledgement":
        facts, episode_field, order = (
            acknowledgement_facts(filters, start, end),
            "episode_id",
            "sent_at",
        )
    else:
        facts, episode_field, order = discharge_facts(filters, start, end), "id", "discharged_at"
    facts = facts.filter(behind)
    total = facts.count()
    visible = facts.filter(**{f"{episode_field}__in": visible_episodes(user).values("id")})
    if numerator is not None:
        visible = visible.annotate(
            in_numerator=Case(
                When(numerator, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    rows = list(visible.order_by(order)[:DRILLDOWN_LIMIT])
    episodes = _episodes(rows, family)
    for row in rows:
        row.episode_obj = episodes[row.episode_id if family == "acknowledgement" else row.id]
    log_access_many(
        user,
        "statistics.drilldown",
        [(row.episode_obj, None) for row in rows],
        request=request,
        detail=f"{key} {period.label}",
    )
    return rows, total, family


def _episodes(rows, family):
    ids = [row.episode_id if family == "acknowledgement" else row.id for row in rows]
    return Episode.objects.select_related("individual", "ward").in_bulk(ids)
