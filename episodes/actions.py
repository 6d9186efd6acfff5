"""Every change to an episode: each `do_*` checks, writes and records its event(s) in one
transaction, or raises `ActionError` and changes nothing.

Pages and the API only parse input and call these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from core import submissions
from core.errors import ActionError
from core.timerules import local_date
from episodes import events
from episodes.access import acting_membership, membership_for_unit
from episodes.models import (
    DischargeDestination,
    Episode,
    EpisodeState,
    EventKind,
    ExitReason,
    Message,
    MessageKind,
    Party,
    PartyRole,
)
from episodes.rules import Step
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import CARE_ROLES, Lane, Membership, Unit, UnitKind, User

MAX_TEXT = 4000
# An event may be recorded afterwards, but not from the future and not from long ago.
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_BACKDATING = dt.timedelta(days=60)
MAX_STAY_DAYS = 366
READMISSION_DAYS = 30
MUNICIPAL_LANES = (Lane.MUNICIPAL_HEALTH_CARE, Lane.SOCIAL_SERVICES)


# -- checks shared by the actions ------------------------------------------------------------


def _check_moment(
    value: dt.datetime | None,
    *,
    field_name: str,
    not_before: dt.datetime | None = None,
    not_before_message: str = "",
) -> dt.datetime:
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + MAX_CLOCK_SKEW:
        raise ActionError("Tidpunkten ligger i framtiden.", code="future_time", field=field_name)
    if value < now - MAX_BACKDATING:
        raise ActionError(
            "Tidpunkten ligger för långt tillbaka (mer än 60 dagar).",
            code="too_old",
            field=field_name,
        )
    if not_before is not None and value < not_before:
        raise ActionError(not_before_message, code="before_previous_step", field=field_name)
    return value


def _check_text(
    value: str, *, field_name: str, required: bool = False, limit: int = MAX_TEXT
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError("Fältet måste fyllas i.", code="required", field=field_name)
    if len(value) > limit:
        raise ActionError(
            f"Texten är för lång ({len(value)} tecken, högst {limit}).",
            code="too_long",
            field=field_name,
        )
    return value


def _require_active(episode: Episode) -> None:
    if episode.state == EpisodeState.DISCHARGED:
        raise ActionError("Patienten är redan utskriven.", code="already_discharged")
    if episode.state == EpisodeState.EXITED:
        raise ActionError("Vårdtillfället är avslutat.", code="episode_closed")


def _lock(episode: Episode) -> Episode:
    """Re-read the episode under a row lock so concurrent actions apply one after the other."""
    return Episode.objects.select_for_update().select_related("individual").get(pk=episode.pk)


def _concerned_units(episode: Episode, *, exclude_unit_id: int | None = None) -> list[Unit]:
    parties = Party.objects.filter(episode=episode, removed_at__isnull=True).select_related("unit")
    return [
        p.unit for p in parties if p.unit_id != exclude_unit_id and p.role == PartyRole.CONCERNED
    ]


def _other_parties(episode: Episode, unit_id: int) -> list[Unit]:
    parties = Party.objects.filter(episode=episode, removed_at__isnull=True).select_related("unit")
    return [p.unit for p in parties if p.unit_id != unit_id]


def _send(
    episode: Episode,
    kind: MessageKind,
    membership: Membership,
    recipients,
    *,
    sent_at,
    body: str = "",
    **data,
) -> list[Message]:
    return [
        Message.objects.create(
            episode=episode,
            kind=kind,
            sender_unit=membership.unit,
            sender=membership.user,
            recipient_unit=unit,
            sent_at=sent_at,
            body=body,
            data=data,
        )
        for unit in recipients
    ]


def _record(episode: Episode, kind: EventKind, membership: Membership | None, *, occurred_at, **kw):
    return events.record(
        episode,
        kind,
        occurred_at=occurred_at,
        actor=membership.user if membership else None,
        actor_unit=membership.unit if membership else None,
        **kw,
    )


# -- proposing the units concerned ------------------------------------------------------------


def propose_concerned_units(individual: Individual) -> list[Unit]:
    """The units normally responsible after discharge: the home municipality's needs
    assessment and home health care (of the individual's area when known) and the health
    centre where the individual is listed."""
    proposed: list[Unit] = []
    if individual.municipality_id:
        municipal = Unit.objects.filter(
            principal_id=individual.municipality_id,
            is_active=True,
            kind__in=[UnitKind.NEEDS_ASSESSMENT, UnitKind.HOME_HEALTH_CARE],
        ).order_by("kind", "name")
        if individual.residence_area_id:
            in_area = municipal.filter(area_id=individual.residence_area_id)
            municipal = in_area if in_area.exists() else municipal
        by_kind: dict[str, Unit] = {}
        for unit in municipal:
            by_kind.setdefault(unit.kind, unit)
        proposed.extend(by_kind.values())
    if individual.listed_unit_id and individual.listed_unit.is_active:
        proposed.append(individual.listed_unit)
    return proposed


# -- admission -----------------------------------------------------------------------------------


@dataclass
class AdmissionInput:
    identifier: str
    given_name: str = ""
    family_name: str = ""
    reserve_number: bool = False
    admitted_at: dt.datetime | None = None
    may_need_help: bool = False
    help_assessed_at: dt.datetime | None = None
    estimated_discharge_date: dt.date | None = None
    is_compulsory_care: bool = False
    concerned_units: list[Unit] | None = None  # None: the proposed units
    send_admission_notice: bool = False
    notice_note: str = ""
    individual_defaults: dict = field(default_factory=dict)


@events.action
def do_admit(
    user: User, ward: Unit, data: AdmissionInput, *, submission_key: str | None = None
) -> Episode:
    """Register an admission at `ward`; optionally send the admission notice at once."""
    submissions.claim(submission_key, user)
    membership = membership_for_unit(user, ward, Step.ADMIT)
    parsed = parse_identifier(data.identifier, reserve=data.reserve_number)
    admitted_at = _check_moment(data.admitted_at, field_name="admitted_at")

    individual = Individual.objects.filter(identifier=parsed.number).first()
    if individual is None:
        given = _check_text(data.given_name, field_name="given_name", required=True, limit=100)
        family = _check_text(data.family_name, field_name="family_name", required=True, limit=100)
        individual = Individual.objects.create(
            identifier=parsed.number,
            identifier_kind=parsed.kind,
            birth_date=parsed.birth_date,
            given_name=given,
            family_name=family,
            **data.individual_defaults,
        )
    elif Episode.objects.filter(
        individual=individual, state__in=[EpisodeState.ADMITTED, EpisodeState.READY]
    ).exists():
        raise ActionError(
            "Personen har redan ett pågående vårdtillfälle.",
            code="active_episode_exists",
            field="identifier",
        )

    previous = (
        Episode.objects.filter(individual=individual, discharged_at__isnull=False)
        .order_by("-discharged_at")
        .first()
    )
    if previous and previous.discharged_at > admitted_at:
        raise ActionError(
            "Inskrivningen ligger före utskrivningen från förra vårdtillfället.",
            code="overlapping_episode",
            field="admitted_at",
        )
    readmission_of = None
    if previous:
        gap = (local_date(admitted_at) - local_date(previous.discharged_at)).days
        if 1 <= gap <= READMISSION_DAYS:
            readmission_of = previous

    episode = Episode.objects.create(
        individual=individual,
        ward=ward,
        admitted_at=admitted_at,
        is_compulsory_care=data.is_compulsory_care,
        readmission_of=readmission_of,
    )
    Party.objects.create(episode=episode, unit=ward, role=PartyRole.WARD, added_at=admitted_at)
    _record(episode, EventKind.ADMITTED, membership, occurred_at=admitted_at, unit=ward)
    if readmission_of:
        _record(
            episode,
            EventKind.READMISSION_LINKED,
            membership,
            occurred_at=admitted_at,
            previous_episode=str(readmission_of.public_id),
            days_since_discharge=(
                local_date(admitted_at) - local_date(readmission_of.discharged_at)
            ).days,
        )
    if data.may_need_help:
        _assess_help_need(episode, membership, True, data.help_assessed_at or admitted_at)
    if data.estimated_discharge_date:
        _set_estimated_date(
            episode, membership, data.estimated_discharge_date, occurred_at=admitted_at
        )
    units = (
        propose_concerned_units(individual)
        if data.concerned_units is None
        else data.concerned_units
    )
    for unit in units:
        _add_party(episode, membership, unit, occurred_at=admitted_at)
    if data.send_admission_notice:
        _send_admission_notice(
            episode, membership, note=_check_text(data.notice_note, field_name="note")
        )
    return episode


def _assess_help_need(
    episode: Episode, membership: Membership, may_need_help: bool, at: dt.datetime
) -> None:
    at = _check_moment(
        at,
        field_name="help_assessed_at",
        not_before=episode.admitted_at,
        not_before_message="Bedömningen kan inte ligga före inskrivningen.",
    )
    episode.may_need_help = may_need_help
    episode.help_assessed_at = at if may_need_help else None
    episode.save(update_fields=["may_need_help", "help_assessed_at", "updated_at"])
    _record(
        episode,
        EventKind.HELP_NEED_ASSESSED,
        membership,
        occurred_at=at,
        may_need_help=may_need_help,
    )


@events.action
def do_assess_help_need(
    user: User,
    episode: Episode,
    may_need_help: bool,
    *,
    assessed_at=None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The physician's judgement that the patient may (or no longer may) need help afterwards."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.ASSESS_HELP_NEED, unit=acting_unit)
    if episode.may_need_help == may_need_help:
        raise ActionError(
            "Bedömningen är redan registrerad.", code="unchanged", field="may_need_help"
        )
    _assess_help_need(episode, membership, may_need_help, assessed_at or timezone.now())
    return episode


@events.action
def do_correct_admission(
    user: User,
    episode: Episode,
    admitted_at: dt.datetime,
    reason: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Correct the admission time (e.g. entered wrongly); the old value stays in the event."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    membership = acting_membership(user, episode, Step.CORRECT_ADMISSION, unit=acting_unit)
    reason = _check_text(reason, field_name="reason", required=True, limit=500)
    admitted_at = _check_moment(admitted_at, field_name="admitted_at")
    for later, label in (
        (episode.ready_at, "utskrivningsklar"),
        (episode.discharged_at, "utskrivning"),
    ):
        if later and admitted_at > later:
            raise ActionError(
                f"Inskrivningen kan inte ligga efter {label}.",
                code="after_later_step",
                field="admitted_at",
            )
    previous = episode.admitted_at
    if previous == admitted_at:
        raise ActionError("Tiden är oförändrad.", code="unchanged", field="admitted_at")
    episode.admitted_at = admitted_at
    episode.save(update_fields=["admitted_at", "updated_at"])
    _record(
        episode,
        EventKind.ADMISSION_CORRECTED,
        membership,
        occurred_at=timezone.now(),
        previous=previous.isoformat(),
        admitted_at=admitted_at.isoformat(),
        reason=reason,
    )
    return episode


# -- the estimated discharge date --------------------------------------------------------------


def _set_estimated_date(
    episode: Episode, membership: Membership, date: dt.date, *, occurred_at
) -> None:
    admitted_on = local_date(episode.admitted_at)
    if date < admitted_on:
        raise ActionError(
            "Beräknat utskrivningsdatum kan inte ligga före inskrivningen.",
            code="before_admission",
            field="estimated_discharge_date",
        )
    if date > admitted_on + dt.timedelta(days=MAX_STAY_DAYS):
        raise ActionError(
            "Beräknat utskrivningsdatum ligger mer än ett år fram.",
            code="too_far_ahead",
            field="estimated_discharge_date",
        )
    previous = episode.estimated_discharge_date
    if previous == date:
        raise ActionError(
            "Datumet är redan satt till det värdet.",
            code="unchanged",
            field="estimated_discharge_date",
        )
    episode.estimated_discharge_date = date
    episode.save(update_fields=["estimated_discharge_date", "updated_at"])
    if previous is None:
        _record(
            episode,
            EventKind.ESTIMATED_DATE_SET,
            membership,
            occurred_at=occurred_at,
            date=date.isoformat(),
        )
        return
    _record(
        episode,
        EventKind.ESTIMATED_DATE_CHANGED,
        membership,
        occurred_at=occurred_at,
        date=date.isoformat(),
        previous=previous.isoformat(),
    )
    if episode.admission_notice_sent_at:
        _send(
            episode,
            MessageKind.ESTIMATED_DATE_CHANGED,
            membership,
            _concerned_units(episode),
            sent_at=occurred_at,
            date=date.isoformat(),
            previous=previous.isoformat(),
        )


@events.action
def do_set_estimated_date(
    user: User,
    episode: Episode,
    date: dt.date,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Set or move the estimated discharge date; a move is counted and the units told."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.SET_ESTIMATED_DATE, unit=acting_unit)
    _set_estimated_date(episode, membership, date, occurred_at=timezone.now())
    return episode


# -- units concerned and the admission notice ---------------------------------------------------


def _add_party(episode: Episode, membership: Membership, unit: Unit, *, occurred_at) -> Party:
    if not unit.is_active:
        raise ActionError(
            f"Enheten {unit.name} är inte aktiv.", code="inactive_unit", field="units"
        )
    if unit.lane == Lane.INPATIENT:
        raise ActionError(
            "En vårdavdelning kan inte vara berörd enhet.", code="invalid_unit", field="units"
        )
    party, created = Party.objects.get_or_create(
        episode=episode, unit=unit, defaults={"role": PartyRole.CONCERNED, "added_at": occurred_at}
    )
    if not created:
        if party.removed_at is None:
            return party
        party.removed_at = None
        party.added_at = occurred_at
        party.save(update_fields=["removed_at", "added_at"])
    _record(episode, EventKind.PARTY_ADDED, membership, occurred_at=occurred_at, unit=unit)
    return party


def _remove_party(
    episode: Episode, membership: Membership | None, unit: Unit, *, occurred_at, reason: str
) -> None:
    updated = Party.objects.filter(
        episode=episode, unit=unit, role=PartyRole.CONCERNED, removed_at__isnull=True
    ).update(removed_at=occurred_at)
    if updated:
        _record(
            episode,
            EventKind.PARTY_REMOVED,
            membership,
            occurred_at=occurred_at,
            unit=unit,
            reason=reason,
        )


def _send_admission_notice(
    episode: Episode, membership: Membership, *, note: str = "", only: list[Unit] | None = None
) -> list[Message]:
    if not episode.may_need_help:
        raise ActionError(
            "Inskrivningsmeddelande skickas när läkaren bedömt att patienten kan behöva "
            "insatser efter utskrivning.",
            code="no_help_need",
        )
    if episode.estimated_discharge_date is None:
        raise ActionError(
            "Ange beräknat utskrivningsdatum innan meddelandet skickas.",
            code="estimated_date_missing",
            field="estimated_discharge_date",
        )
    already = set(
        Message.objects.filter(episode=episode, kind=MessageKind.ADMISSION_NOTICE).values_list(
            "recipient_unit_id", flat=True
        )
    )
    recipients = [u for u in (only or _concerned_units(episode)) if u.id not in already]
    if not recipients:
        raise ActionError(
            "Det finns ingen berörd enhet som inte redan fått meddelandet.",
            code="no_recipients",
            field="units",
        )
    now = timezone.now()
    individual = episode.individual
    content = {
        "name": individual.full_name,
        "identifier": individual.display_identifier,
        "address": ""
        if individual.protected_identity
        else " ".join(
            p for p in (individual.address, individual.postal_code, individual.city) if p
        ),
        "estimated_discharge_date": episode.estimated_discharge_date.isoformat(),
    }
    messages = _send(
        episode,
        MessageKind.ADMISSION_NOTICE,
        membership,
        recipients,
        sent_at=now,
        body=note,
        **content,
    )
    first = episode.admission_notice_sent_at is None
    if first:
        episode.admission_notice_sent_at = now
        episode.save(update_fields=["admission_notice_sent_at", "updated_at"])
    _record(
        episode,
        EventKind.ADMISSION_NOTICE_SENT,
        membership,
        occurred_at=now,
        units=[str(u.public_id) for u in recipients],
        first=first,
    )
    return messages


@events.action
def do_send_admission_notice(
    user: User,
    episode: Episode,
    *,
    note: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> list[Message]:
    """Send the admission notice to every unit concerned that has not had it."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.SEND_ADMISSION_NOTICE, unit=acting_unit)
    return _send_admission_notice(episode, membership, note=_check_text(note, field_name="note"))


@events.action
def do_edit_parties(
    user: User,
    episode: Episode,
    *,
    add: list[Unit] = (),
    remove: list[Unit] = (),
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Add or remove units concerned; once the notice is out, an added unit gets it too."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.EDIT_PARTIES, unit=acting_unit)
    now = timezone.now()
    for unit in remove:
        _remove_party(episode, membership, unit, occurred_at=now, reason="removed_by_ward")
    for unit in add:
        _add_party(episode, membership, unit, occurred_at=now)
    if add and episode.admission_notice_sent_at:
        pending = [
            u
            for u in add
            if not Message.objects.filter(
                episode=episode, kind=MessageKind.ADMISSION_NOTICE, recipient_unit=u
            ).exists()
        ]
        if pending:
            _send_admission_notice(episode, membership, only=pending)
    return episode


# -- inbox: read, acknowledge, forward -----------------------------------------------------------


def _recipient_membership(user: User, message: Message) -> Membership:
    membership = (
        user.active_memberships()
        .filter(unit_id=message.recipient_unit_id, role__in=CARE_ROLES)
        .first()
    )
    if membership is None:
        raise ActionError("Meddelandet är inte ställt till din enhet.", code="not_recipient")
    return membership


@events.action
def do_mark_read(user: User, message: Message) -> Message:
    """The first person at the recipient unit to open a message marks it read for the unit."""
    _recipient_membership(user, message)
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=user
    )
    message.refresh_from_db(fields=["read_at", "read_by"])
    return message


@events.action
def do_acknowledge(user: User, message: Message, *, submission_key: str | None = None) -> Message:
    """Acknowledge (kvittera) a message on behalf of its recipient unit."""
    submissions.claim(submission_key, user)
    membership = _recipient_membership(user, message)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.forwarded_to_id:
        raise ActionError("Meddelandet har skickats vidare till rätt enhet.", code="forwarded")
    if message.acknowledged_at:
        raise ActionError("Meddelandet är redan kvitterat.", code="already_acknowledged")
    now = timezone.now()
    message.acknowledged_at = now
    message.acknowledged_by = user
    if message.read_at is None:
        message.read_at, message.read_by = now, user
    message.save(update_fields=["acknowledged_at", "acknowledged_by", "read_at", "read_by"])
    _record(
        message.episode,
        EventKind.MESSAGE_ACKNOWLEDGED,
        membership,
        occurred_at=now,
        unit=message.recipient_unit,
        message=message,
        message_kind=message.kind,
    )
    return message


@events.action
def do_forward(
    user: User,
    message: Message,
    to_unit: Unit,
    reason: str = "",
    *,
    submission_key: str | None = None,
) -> Message:
    """Send a misdirected message on to the right unit, which becomes a unit concerned
    in place of the misdirected one."""
    submissions.claim(submission_key, user)
    membership = _recipient_membership(user, message)
    message = Message.objects.select_for_update().select_related("episode").get(pk=message.pk)
    if message.forwarded_to_id:
        raise ActionError("Meddelandet är redan vidarebefordrat.", code="already_forwarded")
    if message.acknowledged_at:
        raise ActionError(
            "Ett kvitterat meddelande kan inte skickas vidare.", code="already_acknowledged"
        )
    if to_unit.id == message.recipient_unit_id:
        raise ActionError("Välj en annan enhet än din egen.", code="same_unit", field="unit")
    reason = _check_text(reason, field_name="reason", limit=500)
    episode = _lock(message.episode)
    now = timezone.now()
    _add_party(episode, membership, to_unit, occurred_at=now)
    copy = Message.objects.create(
        episode=episode,
        kind=message.kind,
        sender_unit=message.sender_unit,
        sender=message.sender,
        recipient_unit=to_unit,
        sent_at=now,
        body=message.body,
        data={**message.data, "forwarded_by_unit": str(message.recipient_unit.public_id)},
    )
    message.forwarded_to = copy
    message.save(update_fields=["forwarded_to"])
    _record(
        episode,
        EventKind.MESSAGE_FORWARDED,
        membership,
        occurred_at=now,
        unit=to_unit,
        message=message,
        reason=reason,
    )
    _remove_party(
        episode, membership, message.recipient_unit, occurred_at=now, reason="misdirected"
    )
    return copy


# -- messages between the parties ----------------------------------------------------------------


@dataclass
class PlanningInput:
    status: str = ""
    remaining_needs: str = ""
    planned_actions: str = ""


@events.action
def do_send_planning_message(
    user: User,
    episode: Episode,
    data: PlanningInput,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> list[Message]:
    """Status, remaining needs and planned actions, to every other party."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.SEND_PLANNING_MESSAGE, unit=acting_unit)
    fields = {
        "status": _check_text(data.status, field_name="status"),
        "remaining_needs": _check_text(data.remaining_needs, field_name="remaining_needs"),
        "planned_actions": _check_text(data.planned_actions, field_name="planned_actions"),
    }
    if not any(fields.values()):
        raise ActionError(
            "Skriv status, kvarstående behov eller planerade insatser.",
            code="required",
            field="status",
        )
    now = timezone.now()
    messages = _send(
        episode,
        MessageKind.PLANNING,
        membership,
        _other_parties(episode, membership.unit_id),
        sent_at=now,
        **fields,
    )
    _record(episode, EventKind.PLANNING_MESSAGE_SENT, membership, occurred_at=now, **fields)
    return messages


@events.action
def do_send_care_request(
    user: User,
    episode: Episode,
    to_unit: Unit,
    body: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Message:
    """A care request (vårdbegäran) from the ward to a municipal unit concerned."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.SEND_CARE_REQUEST, unit=acting_unit)
    body = _check_text(body, field_name="body", required=True)
    if to_unit.lane not in MUNICIPAL_LANES or to_unit not in _concerned_units(episode):
        raise ActionError(
            "Vårdbegäran går till en kommunal enhet som är berörd.",
            code="invalid_unit",
            field="unit",
        )
    now = timezone.now()
    [message] = _send(
        episode, MessageKind.CARE_REQUEST, membership, [to_unit], sent_at=now, body=body
    )
    _record(
        episode,
        EventKind.CARE_REQUEST_SENT,
        membership,
        occurred_at=now,
        unit=to_unit,
        message=message,
    )
    return message


@events.action
def do_send_free_message(
    user: User,
    episode: Episode,
    to_units: list[Unit],
    body: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> list[Message]:
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    membership = acting_membership(user, episode, Step.SEND_FREE_MESSAGE, unit=acting_unit)
    body = _check_text(body, field_name="body", required=True)
    allowed = {u.id for u in _other_parties(episode, membership.unit_id)}
    if not to_units or any(u.id not in allowed for u in to_units):
        raise ActionError(
            "Välj mottagare bland de enheter som deltar.", code="invalid_unit", field="units"
        )
    now = timezone.now()
    messages = _send(episode, MessageKind.FREE, membership, to_units, sent_at=now, body=body)
    _record(
        episode,
        EventKind.FREE_MESSAGE_SENT,
        membership,
        occurred_at=now,
        units=[str(u.public_id) for u in to_units],
    )
    return messages


# -- designated care contact and SIP -------------------------------------------------------------


@events.action
def do_appoint_care_contact(
    user: User,
    episode: Episode,
    name: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.APPOINT_CARE_CONTACT, unit=acting_unit)
    name = _check_text(name, field_name="name", required=True, limit=200)
    episode.care_contact_name = name
    episode.care_contact_unit = membership.unit
    episode.save(update_fields=["care_contact_name", "care_contact_unit", "updated_at"])
    _record(
        episode,
        EventKind.CARE_CONTACT_APPOINTED,
        membership,
        occurred_at=timezone.now(),
        unit=membership.unit,
        name=name,
    )
    return episode


@events.action
def do_assess_sip_need(
    user: User,
    episode: Episode,
    needed: bool,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Judge whether the individual needs a SIP (help from both region and municipality)."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    membership = acting_membership(user, episode, Step.ASSESS_SIP_NEED, unit=acting_unit)
    note = _check_text(note, field_name="note", limit=1000)
    if episode.sip_needed == needed:
        raise ActionError("Bedömningen är redan registrerad.", code="unchanged", field="needed")
    episode.sip_needed = needed
    episode.save(update_fields=["sip_needed", "updated_at"])
    _record(
        episode,
        EventKind.SIP_NEED_ASSESSED,
        membership,
        occurred_at=timezone.now(),
        needed=needed,
        note=note,
    )
    return episode


SIP_CONSENT = {
    "accepted": "Samtycker",
    "declined": "Avböjer",
    "unable": "Kan inte uttrycka sin vilja",
}
SIP_CONSENT_BY = {
    "individual": "Den enskilde",
    "legal_representative": "Legal företrädare",
    "relative": "Närstående tillfrågad",
}


@events.action
def do_record_sip_offer(
    user: User,
    episode: Episode,
    consent: str,
    consent_by: str,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The individual was offered a SIP: who answered and how (consent is required for SIP)."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    membership = acting_membership(user, episode, Step.RECORD_SIP_OFFER, unit=acting_unit)
    if consent not in SIP_CONSENT:
        raise ActionError("Välj ett svar på erbjudandet.", code="invalid_choice", field="consent")
    if consent_by not in SIP_CONSENT_BY:
        raise ActionError("Ange vem som svarade.", code="invalid_choice", field="consent_by")
    if episode.sip_needed is not True:
        raise ActionError("Bedöm först att SIP behövs.", code="sip_not_needed")
    note = _check_text(note, field_name="note", limit=1000)
    _record(
        episode,
        EventKind.SIP_OFFERED,
        membership,
        occurred_at=timezone.now(),
        consent=consent,
        consent_by=consent_by,
        note=note,
    )
    return episode


@events.action
def do_record_sip_invitation(
    user: User,
    episode: Episode,
    meeting_at: dt.datetime,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> list[Message]:
    """The SIP invitation (kallelse) goes to every party; due within 3 days of the ready notice."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    membership = acting_membership(user, episode, Step.RECORD_SIP_INVITATION, unit=acting_unit)
    if episode.sip_needed is not True:
        raise ActionError("Bedöm först att SIP behövs.", code="sip_not_needed")
    if episode.sip_invited_at:
        raise ActionError("Kallelse till SIP är redan skickad.", code="already_invited")
    now = timezone.now()
    if timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    if meeting_at < now - MAX_CLOCK_SKEW:
        raise ActionError("Mötestiden har redan passerat.", code="past_time", field="meeting_at")
    if meeting_at > now + dt.timedelta(days=180):
        raise ActionError(
            "Mötet ligger mer än ett halvår fram.", code="too_far_ahead", field="meeting_at"
        )
    note = _check_text(note, field_name="note")
    episode.sip_invited_at = now
    episode.save(update_fields=["sip_invited_at", "updated_at"])
    messages = _send(
        episode,
        MessageKind.SIP_INVITATION,
        membership,
        _other_parties(episode, membership.unit_id),
        sent_at=now,
        body=note,
        meeting_at=meeting_at.isoformat(),
    )
    _record(
        episode,
        EventKind.SIP_INVITATION_SENT,
        membership,
        occurred_at=now,
        meeting_at=meeting_at.isoformat(),
    )
    return messages


# -- ready for discharge --------------------------------------------------------------------------


@events.action
def do_send_ready_notice(
    user: User,
    episode: Episode,
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The physician judges the patient ready for discharge (utskrivningsklar)."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.SEND_READY_NOTICE, unit=acting_unit)
    if episode.state == EpisodeState.READY:
        raise ActionError("Patienten är redan utskrivningsklar.", code="already_ready")
    revoked_at = (
        episode.events.filter(kind=EventKind.READY_NOTICE_REVOKED)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    at = _check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=revoked_at or episode.admitted_at,
        not_before_message=(
            "Utskrivningsklar kan inte ligga före det senaste återtagandet."
            if revoked_at
            else "Utskrivningsklar kan inte ligga före inskrivningen."
        ),
    )
    episode.state = EpisodeState.READY
    episode.ready_at = at
    episode.save(update_fields=["state", "ready_at", "updated_at"])
    _send(episode, MessageKind.READY_NOTICE, membership, _concerned_units(episode), sent_at=at)
    _record(episode, EventKind.READY_NOTICE_SENT, membership, occurred_at=at)
    return episode


@events.action
def do_revoke_ready_notice(
    user: User,
    episode: Episode,
    reason: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Revoke the ready notice (the patient's condition changed): the clock stops."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.REVOKE_READY_NOTICE, unit=acting_unit)
    if episode.state != EpisodeState.READY:
        raise ActionError(
            "Det finns inget meddelande om utskrivningsklar att återta.", code="no_ready_notice"
        )
    reason = _check_text(reason, field_name="reason", required=True, limit=1000)
    now = timezone.now()
    revoked = episode.ready_at
    episode.state = EpisodeState.ADMITTED
    episode.ready_at = None
    episode.save(update_fields=["state", "ready_at", "updated_at"])
    _send(
        episode,
        MessageKind.READY_REVOKED,
        membership,
        _concerned_units(episode),
        sent_at=now,
        body=reason,
    )
    _record(
        episode,
        EventKind.READY_NOTICE_REVOKED,
        membership,
        occurred_at=now,
        reason=reason,
        ready_at=revoked.isoformat(),
    )
    return episode


# -- at discharge --------------------------------------------------------------------------------


@events.action
def do_record_information_transfer(
    user: User,
    episode: Episode,
    note: str = "",
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Information the receiving units need has been transferred (due by the discharge day)."""
    return _record_discharge_moment(
        user,
        episode,
        Step.RECORD_INFORMATION_TRANSFER,
        "information_transferred_at",
        EventKind.INFORMATION_TRANSFERRED,
        note,
        occurred_at=occurred_at,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )


@events.action
def do_record_summary(
    user: User,
    episode: Episode,
    note: str = "",
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The written summary given to the patient: care given, fast vårdkontakt, planned SIP."""
    return _record_discharge_moment(
        user,
        episode,
        Step.RECORD_SUMMARY,
        "summary_given_at",
        EventKind.SUMMARY_GIVEN,
        note,
        occurred_at=occurred_at,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )


def _record_discharge_moment(
    user, episode, step, field, kind, note, *, occurred_at, submission_key, acting_unit
) -> Episode:
    """A moment of the discharge checklist: stored on the episode and as an event."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    membership = acting_membership(user, episode, step, unit=acting_unit)
    if episode.state == EpisodeState.EXITED:
        raise ActionError("Vårdtillfället är avslutat.", code="episode_closed")
    at = _check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=episode.admitted_at,
        not_before_message="Tidpunkten kan inte ligga före inskrivningen.",
    )
    setattr(episode, field, at)
    episode.save(update_fields=[field, "updated_at"])
    _record(episode, kind, membership, occurred_at=at, note=_check_text(note, field_name="note"))
    return episode


@events.action
def do_discharge(
    user: User,
    episode: Episode,
    destination: str,
    *,
    discharged_at: dt.datetime | None = None,
    note: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.DISCHARGE, unit=acting_unit)
    if destination not in DischargeDestination.values:
        raise ActionError(
            "Välj vart patienten skrivs ut.", code="invalid_choice", field="destination"
        )
    at = _check_moment(
        discharged_at,
        field_name="discharged_at",
        not_before=episode.admitted_at,
        not_before_message="Utskrivningen kan inte ligga före inskrivningen.",
    )
    if episode.ready_at and at < episode.ready_at:
        raise ActionError(
            "Utskrivningen kan inte ligga före utskrivningsklar.",
            code="before_ready_notice",
            field="discharged_at",
        )
    note = _check_text(note, field_name="note")
    episode.state = EpisodeState.DISCHARGED
    episode.discharged_at = episode.ended_at = at
    episode.discharge_destination = destination
    episode.save(
        update_fields=["state", "discharged_at", "ended_at", "discharge_destination", "updated_at"]
    )
    _send(
        episode,
        MessageKind.DISCHARGE_NOTICE,
        membership,
        _concerned_units(episode),
        sent_at=at,
        body=note,
        destination=destination,
    )
    _record(
        episode,
        EventKind.DISCHARGED,
        membership,
        occurred_at=at,
        destination=destination,
        ready_at=episode.ready_at.isoformat() if episode.ready_at else None,
    )
    return episode


@events.action
def do_exit(
    user: User,
    episode: Episode,
    reason: str,
    note: str = "",
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """End the process otherwise than by discharge: death, transfer, declined, cancelled."""
    submissions.claim(submission_key, user)
    episode = _lock(episode)
    _require_active(episode)
    membership = acting_membership(user, episode, Step.EXIT, unit=acting_unit)
    if reason not in ExitReason.values:
        raise ActionError("Välj orsak.", code="invalid_choice", field="reason")
    at = _check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=episode.admitted_at,
        not_before_message="Tidpunkten kan inte ligga före inskrivningen.",
    )
    note = _check_text(note, field_name="note", limit=1000)
    episode.state = EpisodeState.EXITED
    episode.exit_reason = reason
    episode.ended_at = at
    episode.save(update_fields=["state", "exit_reason", "ended_at", "updated_at"])
    if episode.admission_notice_sent_at:
        _send(
            episode,
            MessageKind.PROCESS_INTERRUPTED,
            membership,
            _concerned_units(episode),
            sent_at=at,
            body=note,
            reason=reason,
        )
    _record(episode, EventKind.EXITED, membership, occurred_at=at, reason=reason, note=note)
    return episode
