"""Applying an ADT message exactly once, through the episode actions, and its ACK.

`receive(raw)` is the one entry (the MLLP listener, the file intake and the replay call it):
1. Parse (`mapping`); what cannot be processed is answered AR and recorded.
2. Claim the control id (MSH-10): a row exists with the same content hash → its stored ACK,
   nothing changes; with other content → AE, recorded as a conflict and logged.
3. Find the ward by HSA id; an unknown one puts the message in the resolution queue (AE).
4. Apply the event through `episodes.actions` as the integration user at the ward, in a
   savepoint: an `ActionError` rolls the action back and is answered AE with its reason.
An ADT admission never sends the admission notice: judging that help may be needed is a
person's decision, so the episode waits on the ward's "Att göra nu".
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import hl7
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ActionError
from episodes.actions import (
    AdmissionInput,
    do_admit,
    do_correct_admission,
    do_discharge,
    do_exit,
    do_set_estimated_date,
)
from episodes.models import Episode, EpisodeState, ExitReason
from individuals.models import Individual
from interop.hl7.mapping import Adt, Refused, Rejected, control_id, parse_adt, parse_message
from interop.models import AdtMessage, MessageStatus, ResolutionItem, ResolutionReason, Visit
from organisations.models import Membership, Role, Unit, User

logger = logging.getLogger("samsyn.hl7")

INTEGRATION_USERNAME = "hl7-adt"


@dataclass(frozen=True)
class Answer:
    ack_code: str
    text: str
    ack: str  # the ACK message, segments separated by \r


def content_hash(raw: str) -> str:
    normal = raw.strip().replace("\r\n", "\r").replace("\n", "\r")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def integration_user(ward: Unit) -> User:
    """The system user ADT acts as, with an integration membership at `ward`."""
    user, created = User.objects.get_or_create(
        username=INTEGRATION_USERNAME, defaults={"first_name": "HL7 ADT", "title": "Integration"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, unit=ward, role=Role.INTEGRATION)
    return user


def build_ack(message: hl7.Message | None, code: str, text: str, control: str = "") -> str:
    """The ACK: MSH by the library's `create_ack` (a plain one for an unparsed message), MSA-1
    `code`, MSA-2 the control id, MSA-3 `text`."""
    text = " ".join(text.split())[:200]
    msa = f"MSA|{code}|{_escape(control)}|{_escape(text)}"
    if message is not None:
        try:
            msh = str(message.create_ack(code, application="SAMSYN")).split("\r")[0]
            return f"{msh}\r{msa}"
        except (KeyError, IndexError, ValueError):
            pass
    now = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return f"MSH|^~\\&|SAMSYN||||{now}||ACK|{hl7.generate_message_control_id()}|P|2.5\r{msa}"


def _escape(text: str) -> str:
    for char, escape in (
        ("\\", "\\E\\"),
        ("|", "\\F\\"),
        ("^", "\\S\\"),
        ("&", "\\T\\"),
        ("~", "\\R\\"),
    ):
        text = text.replace(char, escape)
    return text


def receive(raw: str) -> Answer:
    """Apply `raw` exactly once and answer it (see the module docstring)."""
    digest = content_hash(raw)
    try:
        message = parse_message(raw)
        control = control_id(message)
    except Rejected as error:
        logger.warning("HL7 message rejected: %s", error)
        AdtMessage.objects.create(
            control_id="",
            content_hash=digest,
            status=MessageStatus.REJECTED,
            ack_code="AR",
            error_code=error.code,
            error=str(error),
            raw=raw,
        )
        return _answer(None, "AR", str(error), "")
    return _receive_parsed(raw, digest, message, control)


def _answer(message: hl7.Message | None, code: str, text: str, control: str) -> Answer:
    return Answer(code, text, build_ack(message, code, text or "OK", control))


def _receive_parsed(raw: str, digest: str, message: hl7.Message, control: str) -> Answer:
    existing = AdtMessage.objects.exclude(status=MessageStatus.CONFLICT).filter(control_id=control)
    found = existing.first()
    if found is not None:
        return _repeat(found, raw, digest, message, control)
    try:
        with transaction.atomic():
            row = AdtMessage.objects.create(
                control_id=control,
                content_hash=digest,
                message_type=f"{_safe(message, 'MSH.F9.R1.C1')}^{_safe(message, 'MSH.F9.R1.C2')}",
                status=MessageStatus.ERROR,
                ack_code="AE",
                raw=raw,
            )
            _process(row, message)
    except IntegrityError:
        # The same control id arrived on another connection at the same moment.
        found = existing.first()
        if found is None:
            raise
        return _repeat(found, raw, digest, message, control)
    return _answer(message, row.ack_code, row.error, control)


def _safe(message: hl7.Message, address: str) -> str:
    try:
        return str(message[address])[:8]
    except (KeyError, IndexError):
        return ""


def _repeat(found: AdtMessage, raw: str, digest: str, message: hl7.Message, control: str) -> Answer:
    if found.content_hash == digest:
        return _answer(message, found.ack_code, found.error, control)
    text = f"Kontroll-id {control} är redan mottaget med annat innehåll."
    logger.warning("HL7 duplicate control id %s with different content", control)
    AdtMessage.objects.create(
        control_id=control,
        content_hash=digest,
        message_type=found.message_type,
        status=MessageStatus.CONFLICT,
        ack_code="AE",
        error_code="duplicate_control_id",
        error=text,
        raw=raw,
    )
    return _answer(message, "AE", text, control)


def _process(row: AdtMessage, message: hl7.Message) -> None:
    """Map and apply `message`, writing the outcome to `row` (inside the caller's transaction)."""
    try:
        adt = parse_adt(message)
    except Rejected as error:
        _finish(row, MessageStatus.REJECTED, "AR", error.code, str(error))
        return
    except Refused as error:
        _finish(row, MessageStatus.ERROR, "AE", error.code, str(error))
        return
    row.ward_hsa_id = adt.ward_hsa_id
    ward = (
        Unit.objects.filter(hsa_id=adt.ward_hsa_id, is_active=True).first()
        if adt.ward_hsa_id
        else None
    )
    if ward is None:
        text = f"Okänd avdelning (PV1-3 {adt.ward_hsa_id or '–'}): meddelandet väntar i kön."
        _finish(row, MessageStatus.QUEUED, "AE", "unknown_ward", text)
        ResolutionItem.objects.get_or_create(
            message=row,
            defaults={"reason": ResolutionReason.UNKNOWN_WARD, "hsa_id": adt.ward_hsa_id},
        )
        return
    try:
        with transaction.atomic():
            episode = apply(adt, ward)
    except (ActionError, Refused, Rejected) as error:
        code = "AR" if isinstance(error, Rejected) else "AE"
        text = error.message if isinstance(error, ActionError) else str(error)
        status = MessageStatus.REJECTED if code == "AR" else MessageStatus.ERROR
        _finish(row, status, code, getattr(error, "code", "refused"), text)
        return
    row.episode = episode
    _finish(row, MessageStatus.APPLIED, "AA", "", "")


def _finish(row: AdtMessage, status: str, ack_code: str, error_code: str, error: str) -> None:
    row.status = status
    row.ack_code = ack_code
    row.error_code = error_code
    row.error = error
    row.save()


def _episode(adt: Adt, ward: Unit, *, states: frozenset | None = None) -> Episode:
    """The episode the message is about: by its visit number (PV1-19) when it has one, else
    the person's stay at the ward that is still running (or in `states`)."""
    if adt.visit_number:
        visit = Visit.objects.filter(visit_number=adt.visit_number).select_related(
            "episode__individual"
        )
        found = visit.first()
        if found is not None and found.episode.individual.identifier == adt.identifier.number:
            return found.episode
        raise Refused(
            f"Okänt vårdtillfälle (PV1-19 {adt.visit_number}) för personen.", code="unknown_visit"
        )
    individual = Individual.objects.filter(identifier=adt.identifier.number).first()
    if individual is not None:
        wanted = states or {EpisodeState.ADMITTED, EpisodeState.READY}
        episode = (
            Episode.objects.filter(individual=individual, ward=ward, state__in=wanted)
            .order_by("-admitted_at")
            .first()
        )
        if episode is not None:
            return episode
    raise Refused(
        "Okänt vårdtillfälle: personen har ingen pågående vistelse på avdelningen.",
        code="unknown_visit",
    )


def apply(adt: Adt, ward: Unit) -> Episode:
    """Apply one mapped ADT event at `ward` through the episode actions."""
    user = integration_user(ward)
    if adt.event in ("A01", "A04"):
        if adt.visit_number and Visit.objects.filter(visit_number=adt.visit_number).exists():
            raise Refused(f"Besöket {adt.visit_number} är redan inskrivet.", code="visit_exists")
        episode = do_admit(
            user,
            ward,
            AdmissionInput(
                identifier=adt.identifier.number,
                given_name=adt.given_name,
                family_name=adt.family_name,
                admitted_at=adt.admitted_at or adt.occurred_at,
                estimated_discharge_date=adt.estimated_discharge_date,
                concerned_units=None,
                may_need_help=False,
                send_admission_notice=False,
            ),
        )
        if adt.visit_number:
            Visit.objects.create(visit_number=adt.visit_number, episode=episode)
        return episode
    if adt.event == "A03":
        episode = _episode(adt, ward)
        return do_discharge(
            user,
            episode,
            adt.destination,
            discharged_at=adt.discharged_at or adt.occurred_at,
            acting_unit=ward,
        )
    if adt.event == "A08":
        episode = _episode(adt, ward)
        if adt.admitted_at is not None and adt.admitted_at != episode.admitted_at:
            episode = do_correct_admission(
                user,
                episode,
                adt.admitted_at,
                "Rättad i vårdsystemet (ADT^A08).",
                acting_unit=ward,
            )
        date = adt.estimated_discharge_date
        if date is not None and date != episode.estimated_discharge_date:
            episode = do_set_estimated_date(user, episode, date, acting_unit=ward)
        return episode
    if adt.event == "A11":
        episode = _episode(adt, ward)
        return do_exit(
            user,
            episode,
            ExitReason.CANCELLED,
            "Inskrivningen makulerad i vårdsystemet (ADT^A11).",
            occurred_at=adt.occurred_at,
            acting_unit=ward,
        )
    # A13: Samsyn has no action that reopens a discharged stay; a person corrects it.
    raise Rejected(
        "Makulerad utskrivning (A13) kan inte genomföras automatiskt: Samsyn har inget steg "
        "som öppnar ett utskrivet vårdtillfälle igen. Kontakta avdelningen.",
        code="cancel_discharge_unsupported",
    )


def replay(message: AdtMessage) -> AdtMessage:
    """Process a queued message again (after its ward was mapped); returns the updated row."""
    with transaction.atomic():
        row = AdtMessage.objects.select_for_update().get(pk=message.pk)
        if row.status != MessageStatus.QUEUED:
            return row
        _process(row, parse_message(row.raw))
        return row


def resolve_ward(item: ResolutionItem, unit: Unit, user: User) -> AdtMessage:
    """Map the queued message's ward HSA id to `unit` (the register's HSA id) and replay it."""
    with transaction.atomic():
        if item.hsa_id and unit.hsa_id != item.hsa_id:
            if Unit.objects.filter(hsa_id=item.hsa_id).exclude(pk=unit.pk).exists():
                raise ActionError(
                    "HSA-id:t används redan av en annan enhet.", code="hsa_id_taken", field="unit"
                )
            unit.hsa_id = item.hsa_id
            unit.save(update_fields=["hsa_id"])
        row = replay(item.message)
        item.resolved_at = timezone.now()
        item.resolved_by = user
        item.save(update_fields=["resolved_at", "resolved_by"])
    # Other messages queued for the same ward go through too.
    for other in ResolutionItem.objects.filter(
        hsa_id=item.hsa_id, resolved_at__isnull=True
    ).select_related("message"):
        with transaction.atomic():
            replay(other.message)
            other.resolved_at = timezone.now()
            other.resolved_by = user
            other.save(update_fields=["resolved_at", "resolved_by"])
    return row
