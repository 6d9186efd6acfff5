"""The reserve list: what a unit needs on paper when Samsyn is down.

For one of the user's units, every active episode it is a party to, with the next step (as
the start page shows it, `episodes.deadlines.next_step`) and how to reach the other parties
(their `UnitContact`). Reading it is a read of each patient on it: one access-log row each,
written in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from audit.log import log_access_many
from episodes.access import care_unit_ids, visible_parties
from episodes.deadlines import NextStep, next_step
from episodes.models import Episode, Party
from organisations.models import Unit


@dataclass(frozen=True)
class ReserveRow:
    episode: Episode
    next: NextStep
    other_parties: list[Party]


def units_for_reserve(user) -> list[Unit]:
    """The units whose reserve list `user` may print: those where they have a care role."""
    return list(
        Unit.objects.filter(pk__in=care_unit_ids(user)).select_related("principal").order_by("name")
    )


def unit_for_reserve(user, public_id) -> Unit:
    """One of `units_for_reserve(user)` by its public id, else 404."""
    for unit in units_for_reserve(user):
        if unit.public_id == public_id:
            return unit
    raise Http404


def reserve_list(user, unit: Unit, *, action: str, request=None) -> list[ReserveRow]:
    """The active episodes `unit` is a party to, oldest admission first, each with its next
    step and the other parties (units, principals, contacts); logged as `action`, one row per
    patient through `unit`."""
    parties = (
        Party.objects.filter(removed_at__isnull=True)
        .exclude(unit=unit)
        .select_related("unit__principal", "unit__reserve_contact")
        .order_by("added_at", "id")
    )
    episodes = [
        episode
        for episode in Episode.objects.filter(
            id__in=visible_parties([unit.pk]).values("episode_id")
        )
        .select_related("individual", "ward__reserve_contact", "care_contact_unit")
        .prefetch_related(Prefetch("parties", queryset=parties, to_attr="other_parties"))
        .order_by("admitted_at", "id")
        if episode.is_active
    ]
    log_access_many(user, action, [(e, unit.pk) for e in episodes], request=request)
    return [ReserveRow(e, next_step(e), e.other_parties) for e in episodes]


def printed_at() -> str:
    """The moment the list was made, as printed on it (Stockholm time)."""
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")
