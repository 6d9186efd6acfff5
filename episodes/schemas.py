"""The shapes of the JSON API (django-ninja / pydantic): what comes in and what goes out.

Things are named by their public UUID (`id`), never by a database key. Output schemas read
model instances (`from_attributes`), so a list endpoint must load every relation they touch
with select_related / prefetch_related. Input schemas only check types; limits and rules
(text length, dates, who may act) are checked by the actions, which answer in Swedish.
"""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from episodes import actions
from episodes.models import DischargeDestination, EpisodeState, ExitReason
from organisations.models import Lane, Role, UnitKind

# -- references --------------------------------------------------------------------------------


class RefOut(Schema):
    """A named thing of the register (principal, area)."""

    id: UUID = Field(alias="public_id")
    name: str


class UnitRefOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str
    lane: Lane
    kind: UnitKind


class UnitOut(UnitRefOut):
    principal: RefOut
    area: RefOut | None
    hsa_id: str
    is_active: bool


class MembershipOut(Schema):
    unit: UnitRefOut
    role: Role
    valid_from: dt.date
    valid_to: dt.date | None


class MeOut(Schema):
    username: str
    full_name: str
    title: str
    hsa_id: str
    memberships: list[MembershipOut]


# -- the individual ----------------------------------------------------------------------------


class IndividualRefOut(Schema):
    """The individual as shown beside an episode or a message: who, never where."""

    id: UUID = Field(alias="public_id")
    identifier: str = Field(description="12 siffror (ÅÅÅÅMMDDNNNN), eller reservnumret")
    identifier_display: str = Field(alias="display_identifier")
    identifier_kind: str
    given_name: str
    family_name: str
    protected_identity: bool


class IndividualOut(IndividualRefOut):
    """The individual. With protected identity, address and phone are never given (null)."""

    birth_date: dt.date | None
    address: str | None
    postal_code: str | None
    city: str | None
    phone: str | None
    municipality: RefOut | None
    residence_area: RefOut | None
    listed_unit: UnitRefOut | None

    @staticmethod
    def _unless_protected(obj, value: str) -> str | None:
        return None if obj.protected_identity else value

    @staticmethod
    def resolve_address(obj) -> str | None:
        return IndividualOut._unless_protected(obj, obj.address)

    @staticmethod
    def resolve_postal_code(obj) -> str | None:
        return IndividualOut._unless_protected(obj, obj.postal_code)

    @staticmethod
    def resolve_city(obj) -> str | None:
        return IndividualOut._unless_protected(obj, obj.city)

    @staticmethod
    def resolve_phone(obj) -> str | None:
        return IndividualOut._unless_protected(obj, obj.phone)


# -- episodes, events, messages ----------------------------------------------------------------


class PartyOut(Schema):
    unit: UnitRefOut
    role: str
    added_at: dt.datetime
    removed_at: dt.datetime | None


class EpisodeOut(Schema):
    id: UUID = Field(alias="public_id")
    individual: IndividualRefOut
    ward: UnitRefOut
    state: EpisodeState
    state_label: str
    admitted_at: dt.datetime
    may_need_help: bool
    help_assessed_at: dt.datetime | None
    is_compulsory_care: bool
    estimated_discharge_date: dt.date | None
    admission_notice_sent_at: dt.datetime | None
    ready_at: dt.datetime | None
    care_contact_name: str
    care_contact_unit: UnitRefOut | None
    sip_needed: bool | None
    sip_invited_at: dt.datetime | None
    information_transferred_at: dt.datetime | None
    summary_given_at: dt.datetime | None
    discharged_at: dt.datetime | None
    discharge_destination: str
    exit_reason: str
    ended_at: dt.datetime | None
    readmission_of: UUID | None
    parties: list[PartyOut]

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_readmission_of(obj) -> UUID | None:
        return obj.readmission_of.public_id if obj.readmission_of_id else None

    @staticmethod
    def resolve_parties(obj) -> list:
        # Prefetched by the loader, units included; `.all()` keeps it one query per list.
        return list(obj.parties.all())


class EventOut(Schema):
    kind: str
    kind_label: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    actor: str | None
    actor_unit: UnitRefOut | None
    unit: UnitRefOut | None
    message: UUID | None
    data: dict[str, Any]

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    @staticmethod
    def resolve_message(obj) -> UUID | None:
        return obj.message.public_id if obj.message_id else None


class MessageOut(Schema):
    id: UUID = Field(alias="public_id")
    episode: UUID
    individual: IndividualRefOut
    kind: str
    kind_label: str
    sender_unit: UnitRefOut
    sender: str | None
    recipient_unit: UnitRefOut
    sent_at: dt.datetime
    body: str
    data: dict[str, Any]
    read_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    forwarded_to: UUID | None
    needs_acknowledgement: bool

    @staticmethod
    def resolve_episode(obj) -> UUID:
        return obj.episode.public_id

    @staticmethod
    def resolve_individual(obj):
        return obj.episode.individual

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_sender(obj) -> str | None:
        return str(obj.sender) if obj.sender_id else None

    @staticmethod
    def resolve_acknowledged_by(obj) -> str | None:
        return str(obj.acknowledged_by) if obj.acknowledged_by_id else None

    @staticmethod
    def resolve_forwarded_to(obj) -> UUID | None:
        return obj.forwarded_to.public_id if obj.forwarded_to_id else None


class AdmissionPreviewOut(Schema):
    """What an admission would start from: the person if already known, and the units that
    would be concerned when `concerned_units` is left out."""

    individual: IndividualRefOut | None
    proposed_units: list[UnitOut]


# -- what comes in -----------------------------------------------------------------------------


def _choices(values, description: str):
    """A text field whose allowed values OpenAPI lists; the action refuses others in Swedish."""
    return Field(..., description=description, json_schema_extra={"enum": list(values)})


class ActingIn(Schema):
    """Every episode action may name the acting unit; without it, the user's first unit that
    is a party and may take the step acts."""

    unit: UUID | None = Field(None, description="Den agerande enheten (valfri)")


class AdmissionIn(Schema):
    identifier: str = Field(..., description="Personnummer i valfri form, eller reservnummer")
    reserve_number: bool = False
    given_name: str = ""
    family_name: str = ""
    ward: UUID = Field(..., description="Vårdavdelningen där patienten skrivs in")
    admitted_at: dt.datetime | None = None
    may_need_help: bool = False
    help_assessed_at: dt.datetime | None = None
    estimated_discharge_date: dt.date | None = None
    is_compulsory_care: bool = False
    concerned_units: list[UUID] | None = Field(
        None, description="Berörda enheter; utelämnat = de föreslagna enheterna"
    )
    send_admission_notice: bool = False
    notice_note: str = ""
    residence_area: UUID | None = Field(
        None, description="Ny person: område (NOSAM) där personen bor; ger också kommunen"
    )
    listed_unit: UUID | None = Field(
        None, description="Ny person: vårdcentral där personen är listad"
    )


class NoteIn(ActingIn):
    note: str = ""


class MomentNoteIn(NoteIn):
    occurred_at: dt.datetime | None = None


class EstimatedDateIn(ActingIn):
    date: dt.date


class PartiesIn(ActingIn):
    add: list[UUID] = []
    remove: list[UUID] = []


class PlanningIn(ActingIn):
    status: str = ""
    remaining_needs: str = ""
    planned_actions: str = ""


class CareRequestIn(ActingIn):
    to_unit: UUID
    body: str


class FreeMessageIn(ActingIn):
    to_units: list[UUID]
    body: str


class CareContactIn(ActingIn):
    name: str


class HelpNeedIn(ActingIn):
    may_need_help: bool
    assessed_at: dt.datetime | None = None


class SipNeedIn(NoteIn):
    needed: bool


class SipOfferIn(NoteIn):
    consent: str = _choices(actions.SIP_CONSENT, "Den enskildes svar")
    consent_by: str = _choices(actions.SIP_CONSENT_BY, "Vem som svarade")


class SipInvitationIn(NoteIn):
    meeting_at: dt.datetime


class ReadyNoticeIn(ActingIn):
    occurred_at: dt.datetime | None = None


class ReasonIn(ActingIn):
    reason: str


class DischargeIn(ActingIn):
    destination: str = _choices(DischargeDestination.values, "Vart patienten skrivs ut")
    discharged_at: dt.datetime | None = None
    note: str = ""


class ExitIn(MomentNoteIn):
    reason: str = _choices(ExitReason.values, "Varför processen avbryts")


class AdmissionCorrectionIn(ActingIn):
    admitted_at: dt.datetime
    reason: str


class ForwardIn(Schema):
    to_unit: UUID
    reason: str = ""


# -- list pages as plain data ------------------------------------------------------------------
#
# A list page of fifty episodes is ~10 000 attribute look-ups through ninja's `DjangoGetter`
# and pydantic's validation of values already read from the database. These build the same
# data the schemas dump (`Schema.model_validate(obj).model_dump()`: field names as keys, the
# values as read), so ninja's renderer writes the same bytes; the resolvers above are called,
# not repeated. `episodes/tests/test_api_plain.py` holds each to its schema.


def unit_ref_data(unit) -> dict[str, Any] | None:
    """`UnitRefOut` of a unit (None stays None)."""
    if unit is None:
        return None
    return {"id": unit.public_id, "name": unit.name, "lane": unit.lane, "kind": unit.kind}


def individual_ref_data(individual) -> dict[str, Any]:
    """`IndividualRefOut` of an individual."""
    return {
        "id": individual.public_id,
        "identifier": individual.identifier,
        "identifier_display": individual.display_identifier,
        "identifier_kind": individual.identifier_kind,
        "given_name": individual.given_name,
        "family_name": individual.family_name,
        "protected_identity": individual.protected_identity,
    }


# The columns `party_data` reads of a party and its unit: a list page reads its parties as
# these values, not as model instances.
PARTY_COLUMNS = (
    "episode_id",
    "unit__public_id",
    "unit__name",
    "unit__lane",
    "unit__kind",
    "role",
    "added_at",
    "removed_at",
)


def party_data(party: dict[str, Any]) -> dict[str, Any]:
    """`PartyOut` of a party read as its `PARTY_COLUMNS`."""
    return {
        "unit": {
            "id": party["unit__public_id"],
            "name": party["unit__name"],
            "lane": party["unit__lane"],
            "kind": party["unit__kind"],
        },
        "role": party["role"],
        "added_at": party["added_at"],
        "removed_at": party["removed_at"],
    }


def episode_data(episode, parties: list[dict[str, Any]]) -> dict[str, Any]:
    """`EpisodeOut` of an episode loaded with its own relations
    (`api.common.with_own_relations`), its parties read as `PARTY_COLUMNS` in their order."""
    return {
        "id": episode.public_id,
        "individual": individual_ref_data(episode.individual),
        "ward": unit_ref_data(episode.ward),
        "state": episode.state,
        "state_label": EpisodeOut.resolve_state_label(episode),
        "admitted_at": episode.admitted_at,
        "may_need_help": episode.may_need_help,
        "help_assessed_at": episode.help_assessed_at,
        "is_compulsory_care": episode.is_compulsory_care,
        "estimated_discharge_date": episode.estimated_discharge_date,
        "admission_notice_sent_at": episode.admission_notice_sent_at,
        "ready_at": episode.ready_at,
        "care_contact_name": episode.care_contact_name,
        "care_contact_unit": unit_ref_data(episode.care_contact_unit),
        "sip_needed": episode.sip_needed,
        "sip_invited_at": episode.sip_invited_at,
        "information_transferred_at": episode.information_transferred_at,
        "summary_given_at": episode.summary_given_at,
        "discharged_at": episode.discharged_at,
        "discharge_destination": episode.discharge_destination,
        "exit_reason": episode.exit_reason,
        "ended_at": episode.ended_at,
        "readmission_of": EpisodeOut.resolve_readmission_of(episode),
        "parties": [party_data(party) for party in parties],
    }


def event_data(event) -> dict[str, Any]:
    """`EventOut` of an event loaded with its actor, units and message."""
    return {
        "kind": event.kind,
        "kind_label": EventOut.resolve_kind_label(event),
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "actor": EventOut.resolve_actor(event),
        "actor_unit": unit_ref_data(event.actor_unit),
        "unit": unit_ref_data(event.unit),
        "message": EventOut.resolve_message(event),
        "data": event.data,
    }


def message_data(message) -> dict[str, Any]:
    """`MessageOut` of a message loaded with its relations (`api.common.messages_out`)."""
    return {
        "id": message.public_id,
        "episode": MessageOut.resolve_episode(message),
        "individual": individual_ref_data(MessageOut.resolve_individual(message)),
        "kind": message.kind,
        "kind_label": MessageOut.resolve_kind_label(message),
        "sender_unit": unit_ref_data(message.sender_unit),
        "sender": MessageOut.resolve_sender(message),
        "recipient_unit": unit_ref_data(message.recipient_unit),
        "sent_at": message.sent_at,
        "body": message.body,
        "data": message.data,
        "read_at": message.read_at,
        "acknowledged_at": message.acknowledged_at,
        "acknowledged_by": MessageOut.resolve_acknowledged_by(message),
        "forwarded_to": MessageOut.resolve_forwarded_to(message),
        "needs_acknowledgement": message.needs_acknowledgement,
    }
