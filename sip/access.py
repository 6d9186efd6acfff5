"""Need-to-know for SIPs: the only way to reach a SIP, and the access log it writes.

A unit sees a SIP while it takes part (a participant row, not removed) through a care role,
and for a while after its part ended (`SAMSYN_ACCESS_AFTER_REMOVAL_DAYS`; none for a
protected identity) or after the SIP ended (`SAMSYN_ACCESS_AFTER_END_DAYS`) — the same windows
as an episode's. Every read, granted or refused, is one `audit.log` row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.log import log_access, log_access_many, log_individuals_many
from core.errors import ActionError
from episodes.access import care_unit_ids
from individuals.models import Individual
from organisations.models import Membership, User
from sip.models import Notice, Participant, Sip


def visible_participations(unit_ids, now: dt.datetime | None = None) -> QuerySet[Participant]:
    """The participant rows through which one of `unit_ids` may read its SIP now."""
    now = now or timezone.now()
    removal_cutoff = now - dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_REMOVAL_DAYS)
    end_cutoff = now - dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_END_DAYS)
    return (
        Participant.objects.filter(unit_id__in=unit_ids)
        .filter(
            Q(removed_at__isnull=True)
            | (Q(removed_at__gte=removal_cutoff) & Q(sip__individual__protected_identity=False))
        )
        .filter(Q(sip__ended_at__isnull=True) | Q(sip__ended_at__gte=end_cutoff))
    )


def visible_sips(user: User) -> QuerySet[Sip]:
    """Every SIP `user` may read now (not logged: log what is shown, see `log_list`)."""
    return Sip.objects.filter(id__in=visible_participations(care_unit_ids(user)).values("sip_id"))


def get_sip_for_user(user: User, public_id, *, action: str = "sip.view", request=None) -> Sip:
    """The SIP if `user` may read it, else Http404; logged either way."""
    sip = (
        Sip.objects.select_related("individual", "episode", "started_unit", "started_by")
        .filter(public_id=public_id)
        .first()
    )
    unit_id = None
    if sip is not None:
        unit_id = (
            visible_participations(care_unit_ids(user))
            .filter(sip=sip)
            .order_by("id")
            .values_list("unit_id", flat=True)
            .first()
        )
    log_access(
        user,
        action,
        episode=sip.episode if sip is not None and sip.episode_id else None,
        individual=sip.individual if sip is not None else None,
        unit_id=unit_id,
        granted=unit_id is not None,
        request=request,
        detail=f"SIP {public_id}" if sip is not None else f"okänd SIP {public_id}",
    )
    if sip is None or unit_id is None:
        raise Http404("not found")
    return sip


def log_list(user: User, action: str, sips, *, request=None) -> None:
    """One granted row per SIP shown in a list: those of a stay by their episode, those outside
    one by their individual (`audit.log`'s two list forms, one statement each)."""
    sips = list(sips)
    log_access_many(
        user,
        action,
        [(s.episode, None) for s in sips if s.episode_id],
        request=request,
        detail="SIP-lista",
    )
    log_individuals_many(
        user,
        action,
        [s.individual_id for s in sips if not s.episode_id],
        request=request,
        detail="SIP-lista",
    )


def acting_membership(user: User, sip: Sip, *, unit=None, lanes=None) -> Membership:
    """The membership through which `user` acts on `sip`: a care role at a unit taking part
    (not removed), in one of `lanes` when given; with `unit`, only that unit."""
    from organisations.models import CARE_ROLES

    unit_ids = set(
        Participant.objects.filter(
            sip=sip, unit__isnull=False, removed_at__isnull=True
        ).values_list("unit_id", flat=True)
    )
    candidates = [
        m for m in user.active_memberships() if m.unit_id in unit_ids and m.role in CARE_ROLES
    ]
    if unit is not None:
        candidates = [m for m in candidates if m.unit_id == unit.id]
    if not candidates:
        raise ActionError(
            "Du arbetar inte på någon enhet som deltar i den här SIP:en.",
            code="not_a_party",
            field="unit" if unit is not None else None,
        )
    for membership in candidates:
        if lanes is None or membership.unit.lane in lanes:
            return membership
    raise ActionError("Din enhet kan inte utföra det här steget i SIP:en.", code="forbidden")


def find_individual_to_start(user: User, identifier: str, *, request=None) -> Individual | None:
    """The individual with the normalised `identifier` for a user about to start a SIP outside
    a stay (the start of their unit's need-to-know, as an admission is a ward's), or None.
    Logged as read when found; logged as refused for a user who may start none."""
    from organisations.models import CARE_ROLES
    from sip.rules import STARTING_LANES

    individual = Individual.objects.filter(identifier=identifier).first()
    allowed = any(
        m.unit.lane in STARTING_LANES and m.role in CARE_ROLES for m in user.active_memberships()
    )
    if not allowed:
        log_access(
            user,
            "sip.lookup",
            individual=individual,
            granted=False,
            request=request,
            detail=f"sökning {identifier[:8]}…",
        )
        raise ActionError("Din roll kan inte starta en SIP.", code="forbidden")
    if individual is not None:
        log_access(user, "sip.lookup", individual=individual, request=request)
    return individual


def waiting_notices(user: User) -> QuerySet[Notice]:
    """Notices to the user's care units still waiting for acknowledgement, about SIPs the
    unit may still read."""
    unit_ids = care_unit_ids(user)
    visible = visible_participations(unit_ids)
    return (
        Notice.objects.filter(unit_id__in=unit_ids, acknowledged_at__isnull=True)
        .filter(sip_id__in=visible.values("sip_id"))
        .select_related("sip__individual", "unit", "sent_by_unit")
    )
