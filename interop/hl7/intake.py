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
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

import hl7
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ActionError
from episodes.actions import (
    AdmissionInput,
    do_admit,
    do_cancel_discharge,
    do_correct_admission,
    do_discharge,
    do_exit,
    do_set_estimated_date,
)
from episodes.actions.merge import do_merge_individuals
from episodes.actions.transfer import do_transfer
from episodes.models import Episode, EpisodeState, ExitReason
from individuals.actions import do_update_name
from individuals.models import Individual
from interop.hl7.mapping import Adt, Refused, Rejected, control_id, parse_adt, parse_message
from interop.models import AdtMessage, MessageStatus, ResolutionItem, ResolutionReason, Visit
from organisations.models import Membership, Role, Unit, User

logger = logging.getLogger("samsyn.hl7")

INTEGRATION_USERNAME = "hl7-adt"
# The events about a stay Samsyn must already have (an unknown person waits in the queue).
NEEDS_INDIVIDUAL = ("A02", "A03", "A08", "A11", "A13")


@dataclass(frozen=True)
class Answer:
    ack_code: str
    text: str
    ack: str  # the ACK message, segments separated by \r


def content_hash(raw: str) -> str:
    normal = raw.strip().replace("\r\n", "\r").replace("\n", "\r")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


# Within `receive_many`: the integration user per ward id, read once for the batch.
_batch_users: ContextVar[dict[int, User] | None] = ContextVar("samsyn_hl7_users", default=None)


def integration_user(ward: Unit) -> User:
    """The system user ADT acts as, with an integration membership at `ward`."""
    kept = _batch_users.get()
    if kept is not None and ward.pk in kept:
        return kept[ward.pk]
    user, created = User.objects.get_or_create(
        username=INTEGRATION_USERNAME, defaults={"first_name": "HL7 ADT", "title": "Integration"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    _membership, joined = Membership.objects.get_or_create(
        user=user, unit=ward, role=Role.INTEGRATION
    )
    # Kept only when both rows were there before: rows made now belong to one message's
    # savepoint, which a refusal rolls back.
    if kept is not None and not created and not joined:
        kept[ward.pk] = user
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


def receive_many(raws: Iterable[str]) -> list[Answer]:
    """`receive` for each of `raws`, in order, in one transaction: one commit for the lot
    (a file's messages, issue 17) instead of one per message. Each message is still applied
    exactly once and on its own (in its savepoint: a refused one changes nothing, and the
    next goes on), and answered as `receive` answers it alone. If the lot fails to commit,
    none of it was recorded, and sending it again applies each message once."""
    token = _batch_users.set({})
    try:
        with transaction.atomic():
            return [receive(raw) for raw in raws]
    finally:
        _batch_users.reset(token)


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
    if adt.event == "A40":
        _process_merge(row, adt)
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
        _queue(row, ResolutionReason.UNKNOWN_WARD, hsa_id=adt.ward_hsa_id)
        return
    if adt.event in NEEDS_INDIVIDUAL and individual_of(adt.identifier.number) is None:
        # Samsyn has never had the person: a person finds out why (admitted by hand under
        # another number, a message sent to the wrong receiver) and replays or dismisses it.
        text = (
            "Okänd person: Samsyn har ingen inskrivning för identitetsnumret; "
            "meddelandet väntar i kön."
        )
        _finish(row, MessageStatus.QUEUED, "AE", "unknown_identity", text)
        _queue(row, ResolutionReason.UNKNOWN_IDENTITY)
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


def _queue(row: AdtMessage, reason: str, *, hsa_id: str = "") -> None:
    item, created = ResolutionItem.objects.get_or_create(
        message=row, defaults={"reason": reason, "hsa_id": hsa_id}
    )
    if not created and (item.reason != reason or item.hsa_id != hsa_id):
        # Replayed and held up again, for another reason (the ward is known now, the person not).
        item.reason, item.hsa_id = reason, hsa_id
        item.save(update_fields=["reason", "hsa_id"])


def individual_of(number: str) -> Individual | None:
    """The individual with identity number `number`; the surviving one when the region merged
    it into another (A40)."""
    individual = Individual.objects.filter(identifier=number).first()
    seen = set()
    while individual is not None and individual.merged_into_id and individual.pk not in seen:
        seen.add(individual.pk)
        individual = individual.merged_into
    return individual


def _process_merge(row: AdtMessage, adt: Adt) -> None:
    """A40: the prior number (MRG-1) is merged into PID-3's. A person Samsyn never had under
    the prior number needs nothing; a merge the action refuses waits in the queue."""
    assert adt.prior_identifier is not None
    try:
        with transaction.atomic():
            merge(adt)
    except ActionError as error:
        text = f"{error.message} Meddelandet väntar i kön."
        _finish(row, MessageStatus.QUEUED, "AE", error.code, text)
        _queue(row, ResolutionReason.MERGE_REFUSED)
        return
    _finish(row, MessageStatus.APPLIED, "AA", "", "")


def merge(adt: Adt) -> None:
    assert adt.prior_identifier is not None
    prior = Individual.objects.filter(identifier=adt.prior_identifier.number).first()
    if prior is None:
        return  # Samsyn never had the duplicate: nothing to merge
    surviving = Individual.objects.filter(identifier=adt.identifier.number).first()
    if surviving is None:
        # The region's record keeps only the new number: the person gets it in Samsyn too.
        surviving = Individual.objects.create(
            identifier=adt.identifier.number,
            identifier_kind=adt.identifier.kind,
            given_name=adt.given_name or prior.given_name,
            family_name=adt.family_name or prior.family_name,
            birth_date=prior.birth_date,
            address=prior.address,
            postal_code=prior.postal_code,
            city=prior.city,
            phone=prior.phone,
            municipality_id=prior.municipality_id,
            residence_area_id=prior.residence_area_id,
            listed_unit_id=prior.listed_unit_id,
            protected_identity=prior.protected_identity,
        )
    user, _created = User.objects.get_or_create(
        username=INTEGRATION_USERNAME, defaults={"first_name": "HL7 ADT", "title": "Integration"}
    )
    do_merge_individuals(user, surviving, prior, source=f"ADT^A40 {adt.control_id}")


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
        if found is not None and found.episode.individual == individual_of(adt.identifier.number):
            return found.episode
        raise Refused(
            f"Okänt vårdtillfälle (PV1-19 {adt.visit_number}) för personen.", code="unknown_visit"
        )
    individual = individual_of(adt.identifier.number)
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
    if adt.event == "A02":
        return transfer(adt, ward, user)
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
        if adt.given_name and adt.family_name:
            do_update_name(episode.individual, adt.given_name, adt.family_name)
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
    if adt.event == "A13":
        # Cancel discharge: the person's latest discharged stay at the ward (or the visit).
        episode = _episode(adt, ward, states=frozenset({EpisodeState.DISCHARGED}))
        if episode.state != EpisodeState.DISCHARGED:
            raise Refused(
                "Vårdtillfället är inte utskrivet: det finns ingen utskrivning att makulera.",
                code="not_discharged",
            )
        return do_cancel_discharge(
            user,
            episode,
            "Utskrivningen makulerad i vårdsystemet (ADT^A13).",
            occurred_at=adt.occurred_at,
            acting_unit=ward,
        )
    raise Rejected(f"Händelsen {adt.event} stöds inte.", code="unsupported_event")


def transfer(adt: Adt, ward: Unit, user: User) -> Episode:
    """A02: the stay moves to `ward` (PV1-3) from PV1-6's ward, found by the visit number or,
    without one, as the person's running stay at the prior ward."""
    prior = None
    if adt.prior_ward_hsa_id:
        prior = Unit.objects.filter(hsa_id=adt.prior_ward_hsa_id).first()
        if prior is None:
            raise Refused(
                f"Okänd tidigare avdelning (PV1-6 {adt.prior_ward_hsa_id}).",
                code="unknown_prior_ward",
            )
    elif not adt.visit_number:
        raise Refused(
            "Flytten saknar både besöksnummer (PV1-19) och tidigare avdelning (PV1-6).",
            code="unknown_visit",
        )
    episode = _episode(adt, prior or ward)
    if prior is not None and episode.ward_id != prior.pk:
        if episode.ward_id == ward.pk:
            raise Refused(
                f"Vårdtillfället ligger redan på avdelningen {ward.name}.", code="same_ward"
            )
        raise Refused(
            f"Vårdtillfället ligger inte på avdelningen i PV1-6 ({adt.prior_ward_hsa_id}).",
            code="prior_ward_mismatch",
        )
    return do_transfer(
        integration_user(episode.ward),
        episode,
        ward,
        transferred_at=adt.occurred_at,
        acting_unit=episode.ward,
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
        row = _replay_item(item, user)
    # Other messages queued for the same ward go through too.
    for other in ResolutionItem.objects.filter(
        reason=ResolutionReason.UNKNOWN_WARD, hsa_id=item.hsa_id, resolved_at__isnull=True
    ).select_related("message"):
        with transaction.atomic():
            _replay_item(other, user)
    return row


def _replay_item(item: ResolutionItem, user: User) -> AdtMessage:
    """Replay the item's message; the item is resolved unless the message is held up again
    (then it stays in the queue, with the new reason)."""
    row = replay(item.message)
    if row.status != MessageStatus.QUEUED:
        item.resolved_at = timezone.now()
        item.resolved_by = user
        item.save(update_fields=["resolved_at", "resolved_by"])
    return row


def replay_item(item: ResolutionItem, user: User) -> AdtMessage:
    """Replay a queued message after a person sorted out why it waited (the person admitted,
    one of two stays ended)."""
    with transaction.atomic():
        return _replay_item(item, user)


def dismiss_item(item: ResolutionItem, user: User) -> AdtMessage:
    """Take the message out of the queue without applying it: it stays answered AE."""
    with transaction.atomic():
        row = AdtMessage.objects.select_for_update().get(pk=item.message_id)
        if row.status == MessageStatus.QUEUED:
            row.status = MessageStatus.ERROR
            row.error = f"{row.error} Avfärdad ur kön."
            row.save(update_fields=["status", "error"])
        item.resolved_at = timezone.now()
        item.resolved_by = user
        item.save(update_fields=["resolved_at", "resolved_by"])
    return row
