"""Giving, recording and revoking access to an individual's "Min planering".

Each action is one transaction and writes its history row (`RepresentationEvent`); a refusal
is an `ActionError` with a Swedish message and changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import ActionError
from episodes.models import Episode
from identity.citizen import Citizen
from individuals.identifiers import InvalidIdentifier, parse_identifier
from individuals.models import Individual
from organisations.models import CARE_ROLES, Membership, User
from portal.access import normal_identifier, snapshot
from portal.models import (
    LEGAL_KINDS,
    Representation,
    RepresentationEvent,
    RepresentationEventKind,
    RepresentationKind,
)

# The longest access the individual can give at once, in months (renewed by a new grant).
GRANT_MAX_MONTHS = getattr(settings, "SAMSYN_PORTAL_GRANT_MAX_MONTHS", 12)
NAME_LIMIT = 200
RELATION_LIMIT = 100
BASIS_LIMIT = 300


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_end(today: dt.date | None = None) -> dt.date:
    """The last day the individual may choose for an access given today."""
    return add_months(today or timezone.localdate(), GRANT_MAX_MONTHS)


@dataclass
class GrantInput:
    identifier: str
    name: str
    relation: str
    valid_to: dt.date | None


def _person(identifier: str) -> str:
    try:
        parsed = parse_identifier(identifier)
    except InvalidIdentifier as error:
        raise ActionError(error.message, code=error.code, field="identifier") from None
    return parsed.number


def _check_text(value: str, limit: int, field: str, label: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(f"Skriv {label}.", code="required", field=field)
    if len(value) > limit:
        raise ActionError(
            f"Texten är för lång: högst {limit} tecken ({label}).", code="too_long", field=field
        )
    return value


def _event(representation: Representation, kind: str, **actor) -> None:
    RepresentationEvent.objects.create(
        representation=representation, kind=kind, data=snapshot(representation), **actor
    )


@transaction.atomic
def do_grant_access(citizen: Citizen, individual: Individual, data: GrantInput) -> Representation:
    """The individual (`citizen`, who must be `individual`) lets another person see their
    Min planering until `data.valid_to` (at most `GRANT_MAX_MONTHS` ahead)."""
    own = normal_identifier(citizen)
    if not own or own != individual.identifier:
        raise ActionError("Bara du själv kan ge någon tillgång.", code="forbidden")
    number = _person(data.identifier)
    if number == own:
        raise ActionError(
            "Du har redan tillgång till dina egna uppgifter.", code="self", field="identifier"
        )
    name = _check_text(data.name, NAME_LIMIT, "name", "personens namn", required=True)
    relation = _check_text(data.relation, RELATION_LIMIT, "relation", "relationen", required=True)
    today = timezone.localdate()
    if data.valid_to is None:
        raise ActionError("Välj till och med vilken dag.", code="required", field="valid_to")
    if data.valid_to < today:
        raise ActionError(
            "Dagen har redan varit. Välj i dag eller en senare dag.",
            code="past",
            field="valid_to",
        )
    if data.valid_to > latest_end(today):
        raise ActionError(
            f"Du kan ge tillgång i högst {GRANT_MAX_MONTHS} månader åt gången, "
            f"till och med {latest_end(today):%Y-%m-%d}.",
            code="too_long_period",
            field="valid_to",
        )
    Individual.objects.select_for_update().filter(pk=individual.pk).first()
    if Representation.objects.filter(
        individual=individual,
        representative_identifier=number,
        revoked_at__isnull=True,
        valid_to__gte=today,
    ).exists():
        raise ActionError(
            "Personen har redan tillgång. Återkalla den först om du vill ändra den.",
            code="already_granted",
            field="identifier",
        )
    representation = Representation.objects.create(
        individual=individual,
        representative_identifier=number,
        representative_name=name,
        relation=relation,
        kind=RepresentationKind.RELATIVE,
        valid_from=today,
        valid_to=data.valid_to,
        granted_by_identifier=own,
    )
    _event(
        representation,
        RepresentationEventKind.GRANTED,
        actor_identifier=own,
        actor_name=citizen.name[:200],
    )
    return representation


@transaction.atomic
def do_revoke_by_citizen(citizen: Citizen, representation: Representation) -> Representation:
    """The individual takes back an access, at once. Only their own grants to others: a legal
    representative recorded by staff is ended by staff (it rests on a decision)."""
    own = normal_identifier(citizen)
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if not own or representation.individual.identifier != own:
        raise ActionError("Bara du själv kan återkalla tillgången.", code="forbidden")
    if representation.is_legal:
        raise ActionError(
            "En legal företrädare bygger på ett beslut. Kontakta din vårdenhet om det har ändrats.",
            code="legal_representative",
        )
    return _revoke(representation, actor_identifier=own, actor_name=citizen.name[:200])


def _revoke(representation: Representation, **actor) -> Representation:
    if representation.revoked_at is not None:
        raise ActionError("Tillgången är redan återkallad.", code="already_revoked")
    representation.revoked_at = timezone.now()
    representation.save(update_fields=["revoked_at"])
    _event(representation, RepresentationEventKind.REVOKED, **actor)
    return representation


def staff_membership(user: User, episode: Episode) -> Membership:
    """The membership through which `user` records a representative for `episode`'s
    individual: a care role at a unit taking part in the episode now."""
    party_ids = set(
        episode.parties.filter(removed_at__isnull=True).values_list("unit_id", flat=True)
    )
    for membership in user.active_memberships():
        if membership.unit_id in party_ids and membership.role in CARE_ROLES:
            return membership
    raise ActionError(
        "Du arbetar inte på någon enhet som deltar i vårdtillfället.", code="not_a_party"
    )


@dataclass
class LegalInput:
    identifier: str
    name: str
    kind: str
    basis: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@transaction.atomic
def do_record_legal_representative(
    user: User, episode: Episode, data: LegalInput
) -> Representation:
    """Staff at a unit taking part record a god man, förvaltare or vårdnadshavare for the
    episode's individual, with the decision it rests on, for the decision's period."""
    membership = staff_membership(user, episode)
    if data.kind not in LEGAL_KINDS:
        raise ActionError("Välj vilken sorts företrädare.", code="required", field="kind")
    number = _person(data.identifier)
    individual = episode.individual
    if number == individual.identifier:
        raise ActionError(
            "Den enskilde kan inte vara sin egen företrädare.", code="self", field="identifier"
        )
    name = _check_text(data.name, NAME_LIMIT, "name", "företrädarens namn", required=True)
    basis = _check_text(
        data.basis, BASIS_LIMIT, "basis", "vilket beslut det bygger på", required=True
    )
    today = timezone.localdate()
    valid_from = data.valid_from or today
    if data.valid_to is None:
        raise ActionError(
            "Ange till och med vilken dag beslutet gäller.", code="required", field="valid_to"
        )
    if data.valid_to < max(valid_from, today):
        raise ActionError(
            "Slutdagen måste vara i dag eller senare, och inte före startdagen.",
            code="past",
            field="valid_to",
        )
    representation = Representation.objects.create(
        individual=individual,
        representative_identifier=number,
        representative_name=name,
        relation=str(RepresentationKind(data.kind).label),
        kind=data.kind,
        basis=basis,
        valid_from=valid_from,
        valid_to=data.valid_to,
        granted_by_user=user,
        granted_unit=membership.unit,
    )
    _event(
        representation,
        RepresentationEventKind.GRANTED,
        actor_user=user,
        actor_unit=membership.unit,
    )
    return representation


@transaction.atomic
def do_revoke_by_staff(user: User, episode: Episode, representation: Representation):
    """Staff at a unit taking part end a representation of the episode's individual (a
    decision that ended, or an access the individual asks them to take back)."""
    membership = staff_membership(user, episode)
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if representation.individual_id != episode.individual_id:
        raise ActionError("Företrädaren hör inte till den här personen.", code="not_found")
    return _revoke(representation, actor_user=user, actor_unit=membership.unit)
