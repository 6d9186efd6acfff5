"""The units taking part and what the parties send each other during the stay: units
concerned, the admission notice, planning messages, care requests and free messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from audit.changes import record_change
from audit.models import ChangeKind
from core.errors import ActionError
from episodes import events
from episodes.actions.common import (
    MUNICIPAL_LANES,
    begin,
    check_text,
    concerned_units,
    other_parties,
    send,
)
from episodes.models import (
    Episode,
    Message,
    MessageKind,
    Party,
    PartyRole,
    refresh_visibility,
)
from episodes.rules import Step, check_step
from individuals.models import Individual
from organisations.models import Lane, Membership, Unit, User

# -- units concerned -----------------------------------------------------------------------------


def add_party(
    episode: Episode,
    membership: Membership,
    unit: Unit,
    *,
    occurred_at: dt.datetime,
    new_episode: bool = False,
) -> Party:
    """Make `unit` a concerned party (again). `new_episode`: the episode was created in this
    action and has only its ward party, so the unit is simply added (no look-up first)."""
    if not unit.is_active:
        raise ActionError(
            f"Enheten {unit.name} är inte aktiv.", code="inactive_unit", field="units"
        )
    if unit.lane == Lane.INPATIENT:
        raise ActionError(
            "En vårdavdelning kan inte vara berörd enhet.", code="invalid_unit", field="units"
        )
    if new_episode:
        party, created = (
            Party.objects.create(
                episode=episode, unit=unit, role=PartyRole.CONCERNED, added_at=occurred_at
            ),
            True,
        )
    else:
        party, created = Party.objects.get_or_create(
            episode=episode,
            unit=unit,
            defaults={"role": PartyRole.CONCERNED, "added_at": occurred_at},
        )
    if not created:
        if party.removed_at is None:
            return party
        party.removed_at = None
        party.added_at = occurred_at
        party.save(update_fields=["removed_at", "added_at"])
        refresh_visibility([episode.pk])
    events.party_added(episode, by=membership, at=occurred_at, unit=unit)
    return party


def remove_party(
    episode: Episode,
    membership: Membership | None,
    unit: Unit,
    *,
    occurred_at: dt.datetime,
    reason: str,
) -> None:
    updated = Party.objects.filter(
        episode=episode, unit=unit, role=PartyRole.CONCERNED, removed_at__isnull=True
    ).update(removed_at=occurred_at)
    if updated:
        refresh_visibility([episode.pk])
        events.party_removed(episode, by=membership, at=occurred_at, unit=unit, reason=reason)


@events.action
def do_edit_parties(
    user: User,
    episode: Episode,
    *,
    add: list[Unit] = (),  # type: ignore[assignment]
    remove: list[Unit] = (),  # type: ignore[assignment]
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Add or remove units concerned; once the notice is out, an added unit gets it too."""
    episode, membership = begin(
        user, episode, Step.EDIT_PARTIES, submission_key=submission_key, acting_unit=acting_unit
    )
    now = timezone.now()
    for unit in remove:
        remove_party(episode, membership, unit, occurred_at=now, reason="removed_by_ward")
    for unit in add:
        add_party(episode, membership, unit, occurred_at=now)
    if add and episode.admission_notice_sent_at:
        pending = [
            u
            for u in add
            if not Message.objects.filter(
                episode=episode, kind=MessageKind.ADMISSION_NOTICE, recipient_unit=u
            ).exists()
        ]
        if pending:
            send_admission_notice(episode, membership, only=pending)
    return episode


# -- the admission notice ------------------------------------------------------------------------

# The contact data a message may carry about its individual: never for a protected identity.
CONTACT_KEYS = ("address", "phone")


def contact_removed(data: dict, individual: Individual) -> dict:
    """`data` of a message about `individual`, without its contact data when the identity is
    protected (blanked, so the message still says it had none to give)."""
    if not individual.protected_identity:
        return data
    return {**data, **{key: "" for key in CONTACT_KEYS if data.get(key)}}


def redact_protected_contact(individual: Individual) -> int:
    """Blank the contact data in every message about `individual`, whose identity is
    protected, and record it as an audit row naming who set the protection. Returns how many
    messages changed (0 when none carried any: running it again changes nothing)."""
    if not individual.protected_identity:
        return 0
    changed = 0
    with transaction.atomic():
        messages = Message.objects.select_for_update().filter(episode__individual=individual)
        for message in messages:
            data = contact_removed(message.data, individual)
            if data != message.data:
                message.data = data
                message.save(update_fields=["data"])
                changed += 1
        if changed:
            record_change(
                ChangeKind.CONTACT_REDACTED,
                individual_id=individual.pk,
                data={"messages": changed, "fields": list(CONTACT_KEYS)},
            )
    return changed


def _protection_saved(
    sender, instance: Individual, raw: bool = False, created: bool = False, **kwargs
) -> None:
    if raw:
        return
    redact_protected_contact(instance)
    update_fields = kwargs.get("update_fields")
    if not created and (update_fields is None or "protected_identity" in update_fields):
        # Its units' access after removal follows the protection (`visibility_end`).
        refresh_visibility(Episode.objects.filter(individual=instance).values("id"))


# Whoever sets the protection (the admin, an import, the API), the copies go at once.
post_save.connect(_protection_saved, sender=Individual, dispatch_uid="redact_protected_contact")


def send_admission_notice(
    episode: Episode,
    membership: Membership,
    *,
    note: str = "",
    only: list[Unit] | None = None,
    new_episode: bool = False,
) -> list[Message]:
    """The admission notice to every unit concerned (or `only` these) that has not had it.
    `new_episode`: sent by the action that created the episode, so none has had it yet."""
    check_step(Step.SEND_ADMISSION_NOTICE, episode)
    if episode.estimated_discharge_date is None:
        raise ActionError(
            "Ange beräknat utskrivningsdatum innan meddelandet skickas.",
            code="estimated_date_missing",
            field="estimated_discharge_date",
        )
    already = (
        set()
        if new_episode
        else set(
            Message.objects.filter(episode=episode, kind=MessageKind.ADMISSION_NOTICE).values_list(
                "recipient_unit_id", flat=True
            )
        )
    )
    recipients = [u for u in (only or concerned_units(episode)) if u.id not in already]
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
    messages = send(
        episode,
        MessageKind.ADMISSION_NOTICE,
        membership,
        recipients,
        sent_at=now,
        body=note,
        **content,
    )
    events.admission_notice_sent(
        episode,
        by=membership,
        at=now,
        units=recipients,
        first=episode.admission_notice_sent_at is None,
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
    episode, membership = begin(
        user,
        episode,
        Step.SEND_ADMISSION_NOTICE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    return send_admission_notice(episode, membership, note=check_text(note, field_name="note"))


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
    episode, membership = begin(
        user,
        episode,
        Step.SEND_PLANNING_MESSAGE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    fields = {
        "status": check_text(data.status, field_name="status"),
        "remaining_needs": check_text(data.remaining_needs, field_name="remaining_needs"),
        "planned_actions": check_text(data.planned_actions, field_name="planned_actions"),
    }
    if not any(fields.values()):
        raise ActionError(
            "Skriv status, kvarstående behov eller planerade insatser.",
            code="required",
            field="status",
        )
    now = timezone.now()
    messages = send(
        episode,
        MessageKind.PLANNING,
        membership,
        other_parties(episode, membership.unit_id),
        sent_at=now,
        **fields,
    )
    events.planning_message_sent(episode, by=membership, at=now, **fields)
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
    episode, membership = begin(
        user,
        episode,
        Step.SEND_CARE_REQUEST,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    body = check_text(body, field_name="body", required=True)
    if to_unit.lane not in MUNICIPAL_LANES or to_unit not in concerned_units(episode):
        raise ActionError(
            "Vårdbegäran går till en kommunal enhet som är berörd.",
            code="invalid_unit",
            field="unit",
        )
    now = timezone.now()
    [message] = send(
        episode, MessageKind.CARE_REQUEST, membership, [to_unit], sent_at=now, body=body
    )
    events.care_request_sent(episode, by=membership, at=now, message=message)
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
    """A free message to some of the other parties."""
    episode, membership = begin(
        user,
        episode,
        Step.SEND_FREE_MESSAGE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    body = check_text(body, field_name="body", required=True)
    allowed = {u.id for u in other_parties(episode, membership.unit_id)}
    if not to_units or any(u.id not in allowed for u in to_units):
        raise ActionError(
            "Välj mottagare bland de enheter som deltar.", code="invalid_unit", field="units"
        )
    now = timezone.now()
    messages = send(episode, MessageKind.FREE, membership, to_units, sent_at=now, body=body)
    events.free_message_sent(episode, by=membership, at=now, units=to_units)
    return messages
