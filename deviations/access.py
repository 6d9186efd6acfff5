"""Who receives a deviation, who may read it, and the loaders that write the access log.

- Routing: a deviation goes to the deviation contacts (`Role.DEVIATION_CONTACT`) of the unit
  handling it; a unit without a contact of its own is covered by the contacts of its
  principal (a contact at any unit of it), so a principal may name one contact for all.
- Reading: the reporting unit (care roles, managers, contacts), the deviation contacts of the
  reporting and the receiving organisation (principal), and managers of the units involved.
  Process leaders see statistics only.
- The episode behind a deviation stays under need-to-know: its patient details are shown only
  to a user whose care unit may see the episode (`episodes.access.visible_parties`).
- Every read of a deviation writes an access-log row (it is about a person's care), through
  `audit.log`; a list writes its rows in one statement.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.log import log_access, log_access_many
from deviations.models import Deviation
from episodes.access import care_unit_ids, visible_parties
from episodes.models import Episode
from organisations.models import CARE_ROLES, Membership, Role, Unit, User


def _active_memberships(day: dt.date | None = None) -> QuerySet[Membership]:
    day = day or timezone.localdate()
    return (
        Membership.objects.filter(valid_from__lte=day, unit__is_active=True, user__is_active=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("user", "unit")
    )


def contacts_for(unit: Unit) -> list[User]:
    """The deviation contacts who receive what is sent to `unit`: the unit's own, else those
    of its principal."""
    contacts = _active_memberships().filter(role=Role.DEVIATION_CONTACT)
    own = [m.user for m in contacts.filter(unit=unit)]
    if own:
        return own
    return sorted(
        {m.user for m in contacts.filter(unit__principal_id=unit.principal_id)}, key=lambda u: u.pk
    )


def is_contact_for(user: User, unit: Unit) -> bool:
    return any(contact.pk == user.pk for contact in contacts_for(unit))


def contact_principal_ids(user: User) -> set[int]:
    """The principals in which `user` is a deviation contact at some unit."""
    return {
        m.unit.principal_id for m in user.active_memberships() if m.role == Role.DEVIATION_CONTACT
    }


def contact_unit_ids(user: User) -> set[int]:
    """The units whose deviations `user` handles as a contact: their own contact units, and
    every unit of the same principal that has no contact of its own."""
    own = {m.unit_id for m in user.active_memberships() if m.role == Role.DEVIATION_CONTACT}
    if not own:
        return set()
    principals = contact_principal_ids(user)
    with_contact = set(
        _active_memberships()
        .filter(role=Role.DEVIATION_CONTACT, unit__principal_id__in=principals)
        .values_list("unit_id", flat=True)
    )
    uncovered = set(
        Unit.objects.filter(principal_id__in=principals, is_active=True)
        .exclude(id__in=with_contact)
        .values_list("id", flat=True)
    )
    return own | uncovered


def manager_unit_ids(user: User) -> set[int]:
    return {m.unit_id for m in user.active_memberships() if m.role == Role.MANAGER}


# Roles through which a unit's member reads the unit's deviations (process leaders and
# administrators follow the statistics instead).
READER_ROLES = CARE_ROLES | {Role.MANAGER, Role.DEVIATION_CONTACT}


def member_unit_ids(user: User) -> set[int]:
    """The units where `user` works in a role that reads the unit's deviations."""
    return {m.unit_id for m in user.active_memberships() if m.role in READER_ROLES}


def readable_deviations(user: User) -> QuerySet[Deviation]:
    """Every deviation `user` may read (not yet logged: the caller logs what it shows)."""
    members = member_unit_ids(user)
    principals = contact_principal_ids(user)
    managers = manager_unit_ids(user)
    return Deviation.objects.filter(
        Q(reporting_unit_id__in=members)
        | Q(receiving_principal_id__in=principals)
        | Q(reporting_principal_id__in=principals)
        | Q(receiving_unit_id__in=managers)
        | Q(handling_unit_id__in=managers)
    )


def sees_episode(user: User, episode: Episode) -> bool:
    """Whether `user` may see the episode's patient details (need-to-know)."""
    return visible_parties(care_unit_ids(user)).filter(episode=episode).exists()


def _reading_unit_id(user: User, deviation: Deviation) -> int | None:
    members = member_unit_ids(user)
    for unit_id in (deviation.reporting_unit_id, deviation.handling_unit_id):
        if unit_id in members:
            return unit_id
    return None


def get_deviation_for_user(
    user: User, public_id, *, action: str = "deviation.view", request=None
) -> Deviation:
    """The deviation if `user` may read it, else Http404; logged either way (with the
    deviation's episode, since it is about that person's care)."""
    deviation = (
        Deviation.objects.select_related(
            "episode",
            "category",
            "reporter",
            "reporting_unit",
            "reporting_principal",
            "receiving_unit",
            "receiving_principal",
            "handling_unit",
            "area",
        )
        .filter(public_id=public_id)
        .first()
    )
    granted = deviation is not None and readable_deviations(user).filter(pk=deviation.pk).exists()
    log_access(
        user,
        action,
        episode=deviation.episode if deviation else None,
        unit_id=_reading_unit_id(user, deviation) if granted and deviation else None,
        granted=granted,
        request=request,
        detail=f"avvikelse {public_id}",
    )
    if not granted or deviation is None:
        raise Http404("not found")
    return deviation


def log_deviation_list(user: User, deviations: list[Deviation], *, request=None) -> None:
    """One access-log row per deviation's episode shown in a list, in one statement."""
    log_access_many(
        user,
        "deviation.list",
        [(d.episode, _reading_unit_id(user, d)) for d in deviations],
        request=request,
        detail="avvikelselista",
    )
