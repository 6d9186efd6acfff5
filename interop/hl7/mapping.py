"""From an HL7 v2 ADT message to what Samsyn needs, parsed by the kept `hl7` library.

`parse_adt` returns an `Adt` or raises `Rejected` (answered AR: the message cannot be
processed at all) or `Refused` (answered AE: understood, but wrong). The identity number is
PID-3 by its assigning authority (CX.4, the OID of personnummer or samordningsnummer), the
ward is PV1-3's point of care (the register's `Unit.hsa_id`), times are HL7 TS with their
offset; a time without one is Stockholm time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import hl7

from core.errors import ActionError
from individuals.identifiers import (
    FHIR_SYSTEMS,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    ParsedIdentifier,
    parse_identifier,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ENCODING_CHARACTERS = "^~\\&"
EVENTS = ("A01", "A02", "A03", "A04", "A08", "A11", "A13", "A40")
# A40 (merge) carries PID and MRG; PV1 is optional.
WITHOUT_VISIT = ("A40",)

# CX.4 (assigning authority): the OIDs, and the names interface engines commonly send.
AUTHORITIES = {
    FHIR_SYSTEMS[PERSONNUMMER].removeprefix("urn:oid:"): PERSONNUMMER,
    FHIR_SYSTEMS[SAMORDNINGSNUMMER].removeprefix("urn:oid:"): SAMORDNINGSNUMMER,
    "PNR": PERSONNUMMER,
    "SAMNR": SAMORDNINGSNUMMER,
}

# PV1-36 discharge disposition (HL7 table 0112, as used in Swedish feeds) → destination.
DISPOSITIONS = {
    "01": "home",
    "02": "other_hospital",
    "03": "nursing_home",
    "04": "short_term_care",
    "06": "home_with_support",
}


class Rejected(Exception):
    """The message cannot be processed (AR)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


class Refused(Exception):
    """The message is understood but refused (AE)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Adt:
    message: hl7.Message
    control_id: str
    event: str
    identifier: ParsedIdentifier
    given_name: str
    family_name: str
    ward_hsa_id: str
    prior_ward_hsa_id: str  # PV1-6 (A02: the ward the stay moves from)
    visit_number: str
    admitted_at: dt.datetime | None
    discharged_at: dt.datetime | None
    occurred_at: dt.datetime | None
    estimated_discharge_date: dt.date | None
    destination: str
    prior_identifier: ParsedIdentifier | None = None  # MRG-1 (A40: the duplicate's number)


def parse_message(raw: str) -> hl7.Message:
    """The parsed message, or `Rejected` when it is not HL7 v2 with the standard encoding."""
    text = raw.strip().replace("\r\n", "\r").replace("\n", "\r")
    if not text.startswith("MSH"):
        raise Rejected("Meddelandet börjar inte med ett MSH-segment.", code="malformed")
    if text[3:4] != "|" or text[4:8] != ENCODING_CHARACTERS:
        raise Rejected(
            "Fel avgränsningstecken i MSH-1/MSH-2 (ska vara |^~\\&).", code="encoding_characters"
        )
    try:
        message = hl7.parse(text)
    except Exception as error:  # the library raises several kinds for broken input
        # The library's own text may quote the content; the feed shows only its kind.
        raise Rejected(
            f"Meddelandet kan inte tolkas ({type(error).__name__}).", code="malformed"
        ) from error
    for segment in message:
        name = str(segment[0])
        if len(name) != 3 or not name.isalnum() or not name.isupper():
            raise Rejected(f"Felaktigt segment: {name[:20]!r}.", code="malformed")
    return message


def control_id(message: hl7.Message) -> str:
    value = _field(message, "MSH", 10)
    if not value:
        raise Rejected("MSH-10 (kontroll-id) saknas.", code="missing_control_id")
    return value[:64]


def _segment(message: hl7.Message, name: str):
    try:
        return message.segment(name)
    except KeyError:
        return None


def _get(message: hl7.Message, address: str) -> str:
    """The text at an `hl7` accessor address ("PID.F3.R1.C4.S1"); empty when absent."""
    try:
        return str(message[address]).strip()
    except (KeyError, IndexError, TypeError, ValueError):
        return ""


def _field(message: hl7.Message, name: str, number: int, component: int = 1) -> str:
    """The text of segment `name`, field `number`, first repetition, `component`."""
    return _get(message, f"{name}.F{number}.R1.C{component}")


def parse_time(value: str, *, field_name: str) -> dt.datetime | None:
    """An HL7 TS as an aware datetime (Stockholm when it has no offset); None when empty."""
    if not value:
        return None
    try:
        parsed = hl7.parse_datetime(value)
    except ValueError as error:
        raise Refused(f"Ogiltig tidpunkt i {field_name}: {value}.", code="invalid_time") from error
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=STOCKHOLM)
    return parsed.astimezone(dt.UTC)


def _identifier(
    message: hl7.Message, segment: str = "PID", number_field: int = 3
) -> ParsedIdentifier:
    """The identity number of a CX list (PID-3, or MRG-1), by its assigning authority."""
    name = f"{segment}-{number_field}"
    if _segment(message, segment) is None:
        raise Rejected(f"{segment}-segmentet saknas.", code=f"missing_{segment.lower()}")
    if not _field(message, segment, number_field):
        raise Rejected(
            f"{name} (identitetsnummer) saknas.", code=f"missing_{segment.lower()}{number_field}"
        )
    authorities = []
    for repetition in range(1, 11):
        address = f"{segment}.F{number_field}.R{repetition}"
        number = _get(message, f"{address}.C1")
        if not number:
            break
        namespace = _get(message, f"{address}.C4.S1")
        oid = _get(message, f"{address}.C4.S2")
        authorities.append(oid or namespace)
        kind = AUTHORITIES.get(oid) or AUTHORITIES.get(namespace)
        if kind is None:
            continue
        try:
            parsed = parse_identifier(number)
        except ActionError as error:
            raise Refused(
                f"Ogiltigt identitetsnummer i {name}: {error.message}", code="invalid_identifier"
            ) from error
        if parsed.kind != kind:
            raise Refused(
                f"Identitetsnumret i {name} är inte ett "
                f"{'personnummer' if kind == PERSONNUMMER else 'samordningsnummer'}.",
                code="invalid_identifier",
            )
        return parsed
    raise Rejected(
        f"Okänd tilldelande myndighet i {name}: {', '.join(a for a in authorities if a) or '–'}.",
        code="unknown_assigning_authority",
    )


def parse_adt(message: hl7.Message) -> Adt:
    """The ADT content Samsyn uses (see the module docstring)."""
    kind = _field(message, "MSH", 9, 1)
    event = _field(message, "MSH", 9, 2) or _field(message, "EVN", 1)
    if kind != "ADT":
        raise Rejected(f"Meddelandetypen {kind or '–'} tas inte emot.", code="unsupported_type")
    if event not in EVENTS:
        raise Rejected(
            f"Händelsen {event or '–'} stöds inte (ADT {', '.join(EVENTS)} tas emot).",
            code="unsupported_event",
        )
    if _segment(message, "PV1") is None and event not in WITHOUT_VISIT:
        raise Rejected("PV1-segmentet saknas.", code="missing_pv1")
    identifier = _identifier(message)
    prior = _identifier(message, "MRG", 1) if event == "A40" else None
    if prior is not None and prior.number == identifier.number:
        raise Refused("MRG-1 och PID-3 är samma identitetsnummer.", code="merge_same_identity")
    estimated = parse_time(_field(message, "PV2", 9), field_name="PV2-9")
    return Adt(
        message=message,
        control_id=control_id(message),
        event=event,
        identifier=identifier,
        family_name=_field(message, "PID", 5, 1)[:100],
        given_name=_field(message, "PID", 5, 2)[:100],
        ward_hsa_id=_field(message, "PV1", 3)[:64],
        prior_ward_hsa_id=_field(message, "PV1", 6)[:64],
        visit_number=_field(message, "PV1", 19)[:64],
        admitted_at=parse_time(_field(message, "PV1", 44), field_name="PV1-44"),
        discharged_at=parse_time(_field(message, "PV1", 45), field_name="PV1-45"),
        occurred_at=parse_time(_field(message, "EVN", 6), field_name="EVN-6")
        or parse_time(_field(message, "EVN", 2), field_name="EVN-2"),
        estimated_discharge_date=estimated.astimezone(STOCKHOLM).date() if estimated else None,
        destination=DISPOSITIONS.get(_field(message, "PV1", 36), "other"),
        prior_identifier=prior,
    )
