"""A transfer between wards: the stay moves to another inpatient ward, which from then on is
the episode's ward (worklist, process activities of the inpatient lane, need-to-know); the
previous ward leaves the parties like a removed unit (it keeps reading for the access period
after removal)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.errors import ActionError
from episodes import events
from episodes.actions.common import begin, check_moment
from episodes.models import Episode, Party, PartyRole, refresh_visibility
from episodes.rules import Step
from organisations.models import Lane, Unit, User


@events.action
def do_transfer(
    user: User,
    episode: Episode,
    ward: Unit,
    *,
    transferred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Move `episode` to the inpatient `ward`, taken by a member of the current ward."""
    episode, membership = begin(
        user, episode, Step.EDIT_PARTIES, submission_key=submission_key, acting_unit=acting_unit
    )
    previous = episode.ward
    if ward.pk == previous.pk:
        raise ActionError(
            "Vårdtillfället ligger redan på den avdelningen.", code="same_ward", field="ward"
        )
    if not ward.is_active:
        raise ActionError(f"Enheten {ward.name} är inte aktiv.", code="inactive_unit", field="ward")
    if ward.lane != Lane.INPATIENT:
        raise ActionError(
            "Ett vårdtillfälle kan bara flyttas till en vårdavdelning.",
            code="invalid_unit",
            field="ward",
        )
    moment = check_moment(
        transferred_at,
        field_name="transferred_at",
        not_before=episode.admitted_at,
        not_before_message="Flytten kan inte ligga före inskrivningen.",
    )
    now = timezone.now()
    # The rows first, so the process engine's view of the parties (read when it first sees
    # the episode in this action) already has the new ward.
    Party.objects.filter(episode=episode, unit=previous, removed_at__isnull=True).update(
        removed_at=now
    )
    party, created = Party.objects.get_or_create(
        episode=episode, unit=ward, defaults={"role": PartyRole.WARD, "added_at": now}
    )
    if not created:  # a ward the stay was on before
        party.role, party.removed_at, party.added_at = PartyRole.WARD, None, now
        party.save(update_fields=["role", "removed_at", "added_at"])
    refresh_visibility([episode.pk])
    episode.ward = ward
    episode.save(update_fields=["ward", "updated_at"])
    events.ward_transferred(episode, by=membership, at=moment, previous=previous, ward=ward)
    return episode
