"""Every change to a SIP: each `do_*` checks, writes and records its event(s) in one
transaction (`episodes.events.action`), or raises `ActionError` and changes nothing.

A SIP in a stay takes its need, offer and invitation through the episode's own actions
(`episodes.actions.do_assess_sip_need`, `do_record_sip_offer`, `do_record_sip_invitation`),
so the episode's events, its cached columns and the process engine's SIP activities (RP-05,
RP-06, RP-07 and the 3-day clock) come from the same steps; the SIP keeps its richer record
linked to those events.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from core import submissions
from core.errors import ActionError
from core.timerules import local_date
from episodes import actions as episode_actions
from episodes import events as episode_events
from episodes.access import acting_membership as episode_membership
from episodes.actions.common import MAX_CLOCK_SKEW, check_text
from episodes.models import Episode, Event, EventKind, Party
from episodes.rules import Step
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import CARE_ROLES, Membership, Principal, Unit, UnitKind, User
from sip import events
from sip.access import acting_membership
from sip.models import (
    CONSENTING,
    EPISODE_CONSENT,
    OPEN_STATES,
    ActionStatus,
    CloseReason,
    Consent,
    FollowUp,
    Meeting,
    MeetingForm,
    Notice,
    NoticeKind,
    Participant,
    ParticipantKind,
    PlanAction,
    PlanVersion,
    Requester,
    Sip,
    SipKind,
    SipState,
)
from sip.rules import STARTING_LANES, SipStep, check_step

MAX_TEXT = 4000
MAX_NAME = 200
MAX_ACTIONS = 50
MEETING_AHEAD = dt.timedelta(days=180)


def _lock(sip: Sip) -> Sip:
    return (
        Sip.objects.select_for_update(of=("self",))
        .select_related("individual", "episode")
        .get(pk=sip.pk)
    )


def _begin(
    user: User,
    sip: Sip,
    step: SipStep,
    *,
    submission_key: str | None,
    acting_unit: Unit | None,
) -> tuple[Sip, Membership]:
    """The opening of an action on a SIP: claim the submission key, re-read the SIP under a
    row lock, check the step's rule (`sip.rules`) and find the acting membership."""
    from sip.rules import rule_for

    submissions.claim(submission_key, user)
    sip = _lock(sip)
    check_step(step, sip)
    membership = acting_membership(user, sip, unit=acting_unit, lanes=rule_for(step, sip).lanes)
    return sip, membership


def _latest_episode_event(episode: Episode, kind: EventKind) -> Event | None:
    return Event.objects.filter(episode=episode, kind=kind).order_by("-id").first()


def _episode_party_unit_ids(episode: Episode) -> set[int]:
    return set(
        Party.objects.filter(episode=episode, removed_at__isnull=True).values_list(
            "unit_id", flat=True
        )
    )


def _add_unit(sip: Sip, unit: Unit, *, at: dt.datetime, name: str = "") -> Participant:
    participant, created = Participant.objects.get_or_create(
        sip=sip,
        unit=unit,
        defaults={"kind": ParticipantKind.UNIT, "name": name, "added_at": at},
    )
    if not created and participant.removed_at is not None:
        participant.removed_at = None
        participant.save(update_fields=["removed_at"])
    return participant


def _notify(sip: Sip, kind: NoticeKind, units, *, by: Membership, at: dt.datetime) -> None:
    Notice.objects.bulk_create(
        [
            Notice(sip=sip, unit=unit, kind=kind, sent_at=at, sent_by_unit=by.unit)
            for unit in units
            if unit.pk != by.unit_id
        ]
    )


def _participant_units(sip: Sip) -> list[Unit]:
    return [
        p.unit
        for p in sip.participants.filter(
            unit__isnull=False, removed_at__isnull=True
        ).select_related("unit")
        if p.unit is not None
    ]


# -- start -------------------------------------------------------------------------------------


@episode_events.action
def do_start_sip(
    user: User,
    *,
    episode: Episode | None = None,
    individual: Individual | None = None,
    identifier: str = "",
    given_name: str = "",
    family_name: str = "",
    requested_by: str = Requester.UNIT,
    note: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Sip:
    """Record that the individual needs a SIP and start it.

    In a stay (`episode`): the need is judged through `episodes.actions.do_assess_sip_need`
    (unless the episode already says SIP is needed); the episode's rules decide who may.
    Outside a stay: a care role at a unit in any lane but the ward's starts it for a known
    individual, or one named here with an identity number; the unit becomes the first party.
    """
    submissions.claim(submission_key, user)
    if requested_by not in Requester.values:
        raise ActionError("Ange vem som bad om SIP.", code="invalid_choice", field="requested_by")
    note = check_text(note, field_name="note", limit=MAX_TEXT)
    now = timezone.now()
    episode_event = None
    kind = SipKind.SIP
    if episode is not None and episode.is_compulsory_care:
        # LPT/LRV: a coordinated care plan, led by the psychiatric outpatient clinic; the
        # stay's SIP steps (and their payment clock) do not apply.
        kind = SipKind.COORDINATED_CARE_PLAN
        if Sip.objects.filter(episode=episode, state__in=OPEN_STATES).exists():
            raise ActionError(
                "Det finns redan en pågående samordnad vårdplan för vårdtillfället.",
                code="already_started",
            )
        membership = episode_membership(user, episode, Step.SEND_FREE_MESSAGE, unit=acting_unit)
        if membership.unit.kind != UnitKind.PSYCHIATRIC_OUTPATIENT or membership.role not in (
            CARE_ROLES
        ):
            raise ActionError(
                "Den samordnade vårdplanen vid öppen tvångsvård leds av den psykiatriska "
                "öppenvården.",
                code="forbidden",
            )
        individual = episode.individual
    elif episode is not None:
        if Sip.objects.filter(episode=episode, state__in=OPEN_STATES).exists():
            raise ActionError(
                "Det finns redan en pågående SIP för vårdtillfället.", code="already_started"
            )
        if episode.sip_needed is not True:
            episode = episode_actions.do_assess_sip_need(
                user, episode, True, note, acting_unit=acting_unit
            )
            episode_event = _latest_episode_event(episode, EventKind.SIP_NEED_ASSESSED)
        membership = episode_membership(user, episode, Step.ASSESS_SIP_NEED, unit=acting_unit)
        if membership.role not in CARE_ROLES or membership.unit.lane not in STARTING_LANES:
            # At discharge the designated care contact calls (or the municipality does).
            raise ActionError(
                "SIP startas av fast vårdkontakt eller av kommunen, inte av avdelningen.",
                code="forbidden",
            )
        individual = episode.individual
    else:
        membership = _starting_membership(user, acting_unit)
        if individual is None:
            individual = _individual(identifier, given_name, family_name)
    sip = Sip.objects.create(
        kind=kind,
        individual=individual,
        episode=episode,
        started_unit=membership.unit,
        started_by=user,
        started_at=now,
        requested_by=requested_by,
        need_note=note,
    )
    _add_unit(sip, membership.unit, at=now)
    events.started(
        sip,
        by=membership,
        at=now,
        requested_by=requested_by,
        note=note,
        episode_event=episode_event,
    )
    return sip


def _starting_membership(user: User, unit: Unit | None) -> Membership:
    memberships = [
        m
        for m in user.active_memberships()
        if m.role in CARE_ROLES and m.unit.lane in STARTING_LANES
    ]
    if unit is not None:
        memberships = [m for m in memberships if m.unit_id == unit.id]
    if not memberships:
        raise ActionError(
            "Du har ingen roll på en enhet som kan starta SIP utanför en sjukhusvistelse.",
            code="forbidden",
            field="unit" if unit is not None else None,
        )
    return memberships[0]


def _individual(identifier: str, given_name: str, family_name: str) -> Individual:
    try:
        parsed = parse_identifier(identifier)
    except ValueError as error:
        raise ActionError(str(error), code="invalid_identifier", field="identifier") from None
    individual = Individual.objects.filter(identifier=parsed.number).first()
    if individual is not None:
        return individual
    given = check_text(given_name, field_name="given_name", required=True, limit=100)
    family = check_text(family_name, field_name="family_name", required=True, limit=100)
    return Individual.objects.create(
        identifier=parsed.number,
        identifier_kind=parsed.kind,
        birth_date=parsed.birth_date,
        given_name=given,
        family_name=family,
    )


# -- consent -----------------------------------------------------------------------------------


@episode_events.action
def do_record_consent(
    user: User,
    sip: Sip,
    consent: str,
    *,
    scope: str = "",
    relatives_may_take_part: bool = False,
    relative: str = "",
    note: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Sip:
    """Record the answer to the offer: who consented (the individual, a legal
    representative, or a relative contacted because the individual cannot express a wish),
    or that nobody can speak for them (planning in their best interest, without SIP), or
    that the individual declines."""
    if consent not in Consent.values:
        raise ActionError(
            "Välj vem som svarade på erbjudandet.", code="invalid_choice", field="consent"
        )
    sip, membership = _begin(
        user, sip, SipStep.RECORD_CONSENT, submission_key=submission_key, acting_unit=acting_unit
    )
    scope = check_text(scope, field_name="scope", limit=1000)
    relative = check_text(relative, field_name="relative", limit=MAX_NAME)
    note = check_text(note, field_name="note", limit=1000)
    if consent == Consent.RELATIVE_CONTACTED and not relative:
        raise ActionError(
            "Ange vilken närstående som kontaktades.", code="required", field="relative"
        )
    now = timezone.now()
    episode_event = None
    if sip.episode is not None:
        answer, answered_by = EPISODE_CONSENT[Consent(consent)]
        episode_actions.do_record_sip_offer(
            user, sip.episode, answer, answered_by, note, acting_unit=membership.unit
        )
        episode_event = _latest_episode_event(sip.episode, EventKind.SIP_OFFERED)
    sip.consent = consent
    sip.consent_at = now
    sip.consent_scope = scope
    sip.relatives_may_take_part = relatives_may_take_part or consent == Consent.RELATIVE_CONTACTED
    if consent in CONSENTING:
        sip.state = SipState.CONSENTED
    else:
        sip.state = SipState.DECLINED if consent == Consent.DECLINED else SipState.WITHOUT_SIP
        sip.ended_at = now
    sip.save()
    if relative:
        Participant.objects.create(
            sip=sip, kind=ParticipantKind.RELATIVE, name=relative, added_at=now
        )
    events.consent_recorded(
        sip,
        by=membership,
        at=now,
        consent=consent,
        scope=scope,
        relatives_may_take_part=sip.relatives_may_take_part,
        relative=relative,
        note=note,
        episode_event=episode_event,
    )
    return sip


# -- invitation --------------------------------------------------------------------------------


@dataclass
class InvitationInput:
    units: list[Unit]
    meeting_form: str
    meeting_at: dt.datetime
    place: str = ""
    individual_takes_part: bool = True
    relatives: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # other agencies: school, Försäkringskassan
    note: str = ""


@episode_events.action
def do_invite(
    user: User,
    sip: Sip,
    data: InvitationInput,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Sip:
    """Invite units of each principal, the individual and relatives to the SIP meeting.

    The units invited become parties (need-to-know) and get a notice in their inbox; in a stay
    the invitation is the episode's (`do_record_sip_invitation`: its message to each of the
    episode's parties, its event, the 3-day clock), and units outside the stay get a notice."""
    sip, membership = _begin(
        user, sip, SipStep.INVITE, submission_key=submission_key, acting_unit=acting_unit
    )
    if data.meeting_form not in MeetingForm.values:
        raise ActionError("Välj mötesform.", code="invalid_choice", field="meeting_form")
    place = check_text(data.place, field_name="place", limit=MAX_NAME)
    note = check_text(data.note, field_name="note", limit=1000)
    relatives = [check_text(r, field_name="relatives", limit=MAX_NAME) for r in data.relatives]
    others = [check_text(o, field_name="others", limit=MAX_NAME) for o in data.others]
    relatives, others = [r for r in relatives if r], [o for o in others if o]
    if relatives and not sip.relatives_may_take_part:
        raise ActionError(
            "Samtycket omfattar inte att närstående deltar.",
            code="not_consented",
            field="relatives",
        )
    units = []
    for unit in data.units:
        if unit is None or not Unit.objects.filter(pk=unit.pk, is_active=True).exists():
            raise ActionError(
                "En inbjuden enhet finns inte i enhetsregistret.",
                code="unknown_unit",
                field="units",
            )
        if unit.pk != membership.unit_id:
            units.append(unit)
    if not units:
        raise ActionError("Bjud in minst en enhet utöver din egen.", code="required", field="units")
    meeting_at = data.meeting_at
    if timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    now = timezone.now()
    if meeting_at < now - MAX_CLOCK_SKEW:
        raise ActionError("Mötestiden har redan passerat.", code="past_time", field="meeting_at")
    if meeting_at > now + MEETING_AHEAD:
        raise ActionError(
            "Mötet ligger mer än ett halvår fram.", code="too_far_ahead", field="meeting_at"
        )
    principals = {u.principal_id for u in units} | {membership.unit.principal_id}
    if len(principals) < 2:
        raise ActionError(
            "En SIP samordnar två huvudmän: bjud in en enhet från den andra huvudmannen.",
            code="one_principal",
            field="units",
        )
    episode_event = None
    reached_by_episode: set[int] = set()
    ready_at = None
    if sip.episode is not None and not sip.is_coordinated_care_plan:
        episode = sip.episode
        ready_at = episode.ready_at
        if episode.sip_invited_at is None:
            episode_actions.do_record_sip_invitation(
                user, episode, meeting_at, note, acting_unit=membership.unit
            )
            episode_event = _latest_episode_event(episode, EventKind.SIP_INVITATION_SENT)
            reached_by_episode = _episode_party_unit_ids(episode)
        # One moment for the invitation: the episode's, which the 3-day clock counts.
        if episode_event is not None:
            now = episode_event.occurred_at
    for unit in units:
        participant = _add_unit(sip, unit, at=now)
        participant.invited_at = now
        participant.save(update_fields=["invited_at"])
    for name in relatives:
        Participant.objects.create(
            sip=sip, kind=ParticipantKind.RELATIVE, name=name, added_at=now, invited_at=now
        )
    for name in others:
        Participant.objects.create(
            sip=sip, kind=ParticipantKind.OTHER, name=name, added_at=now, invited_at=now
        )
    if data.individual_takes_part:
        Participant.objects.create(
            sip=sip,
            kind=ParticipantKind.INDIVIDUAL,
            name=sip.individual.full_name,
            added_at=now,
            invited_at=now,
        )
    _notify(
        sip,
        NoticeKind.INVITATION,
        [u for u in units if u.pk not in reached_by_episode],
        by=membership,
        at=now,
    )
    sip.state = SipState.INVITED
    sip.invited_at = now
    sip.meeting_form = data.meeting_form
    sip.meeting_at = meeting_at
    sip.meeting_place = place
    sip.save()
    events.invited(
        sip,
        by=membership,
        at=now,
        units=[str(u.public_id) for u in units],
        people=relatives + others,
        meeting_form=data.meeting_form,
        meeting_at=meeting_at,
        place=place,
        episode_event=episode_event,
        ready_at=ready_at,
    )
    return sip


@episode_events.action
def do_acknowledge_notice(
    user: User, notice: Notice, *, submission_key: str | None = None
) -> Notice:
    """A person at the receiving unit acknowledges a SIP notice."""
    submissions.claim(submission_key, user)
    notice = Notice.objects.select_for_update().select_related("sip").get(pk=notice.pk)
    membership = next(
        (
            m
            for m in user.active_memberships()
            if m.unit_id == notice.unit_id and m.role in CARE_ROLES
        ),
        None,
    )
    if membership is None:
        raise ActionError("Bara den mottagande enheten kan kvittera.", code="not_recipient")
    if notice.acknowledged_at is not None:
        raise ActionError("Redan kvitterat.", code="already_acknowledged")
    now = timezone.now()
    notice.acknowledged_at, notice.acknowledged_by = now, user
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    events.notice_acknowledged(notice.sip, by=membership, at=now, kind=notice.kind)
    return notice


# -- meeting -----------------------------------------------------------------------------------


def _held_at(held_at: dt.datetime | None) -> dt.datetime:
    """When a meeting was held (now if not given; a naive time is local): never ahead of now."""
    now = timezone.now()
    held_at = held_at or now
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > now + MAX_CLOCK_SKEW:
        raise ActionError(
            "Mötet kan inte registreras i förväg.", code="future_time", field="held_at"
        )
    return held_at


@episode_events.action
def do_record_meeting(
    user: User,
    sip: Sip,
    attended: list[Participant],
    *,
    held_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Sip:
    """The SIP meeting was held: who of the invited took part (the individual among them)."""
    sip, membership = _begin(
        user, sip, SipStep.RECORD_MEETING, submission_key=submission_key, acting_unit=acting_unit
    )
    held_at = _held_at(held_at)
    if sip.invited_at and held_at < sip.invited_at:
        raise ActionError(
            "Mötet kan inte ha hållits före kallelsen.",
            code="before_previous_step",
            field="held_at",
        )
    participants = {p.pk: p for p in sip.participants.filter(removed_at__isnull=True)}
    attended_ids = set()
    for p in attended:
        if p.pk not in participants:
            raise ActionError(
                "Bara inbjudna kan registreras som deltagare.",
                code="not_invited",
                field="attended",
            )
        attended_ids.add(p.pk)
    for pk, p in participants.items():
        p.attended = pk in attended_ids or p.unit_id == membership.unit_id
        p.save(update_fields=["attended"])
    took_part = any(
        p.attended for p in participants.values() if p.kind == ParticipantKind.INDIVIDUAL
    )
    sip.state = SipState.ACTIVE
    sip.held_at = held_at
    sip.individual_took_part = took_part
    sip.save()
    events.meeting_held(
        sip,
        by=membership,
        at=held_at,
        attended=[p.label for p in participants.values() if p.attended],
        individual_took_part=took_part,
    )
    return sip


# -- the plan ----------------------------------------------------------------------------------


@dataclass
class ActionInput:
    description: str
    principal: Principal | None
    unit: Unit | None = None
    person: str = ""
    start: dt.date | None = None
    status: str = ActionStatus.PLANNED
    key: uuid.UUID | None = None  # the same action in an earlier version


@dataclass
class ContactInput:
    unit: Unit | None
    name: str
    phone: str = ""


@dataclass
class PlanInput:
    what_matters: str
    needs: str
    goals: str
    actions: list[ActionInput]
    lead_principal: Principal | None
    follow_up_date: dt.date | None
    individual_part: str = ""
    others_part: str = ""
    self_care: str = ""
    contacts: list[ContactInput] = field(default_factory=list)
    note: str = ""


TEXT_FIELDS = ("what_matters", "needs", "goals", "individual_part", "others_part", "self_care")


def _check_plan(sip: Sip, data: PlanInput, *, today: dt.date) -> dict:
    """The checked content of a plan version, or the first refusal."""
    content: dict = {
        name: check_text(getattr(data, name), field_name=name, limit=MAX_TEXT)
        for name in TEXT_FIELDS
    }
    if not content["what_matters"]:
        raise ActionError(
            "Skriv vad som är viktigt för den enskilde, med hens egna ord.",
            code="required",
            field="what_matters",
        )
    units = _participant_units(sip)
    principal_ids = {u.principal_id for u in units}
    if data.lead_principal is None:
        raise ActionError("Ange huvudansvarig huvudman.", code="required", field="lead_principal")
    if data.lead_principal.pk not in principal_ids:
        raise ActionError(
            "Huvudansvarig huvudman måste vara en av de deltagande huvudmännen.",
            code="lead_not_participant",
            field="lead_principal",
        )
    if data.follow_up_date is None:
        raise ActionError(
            "En plan utan uppföljningsdatum är inte komplett: ange när den följs upp.",
            code="required",
            field="follow_up_date",
        )
    meeting_day = local_date(sip.held_at) if sip.held_at else today
    if data.follow_up_date < meeting_day:
        raise ActionError(
            "Uppföljningen kan inte ligga före SIP-mötet.",
            code="before_meeting",
            field="follow_up_date",
        )
    if data.follow_up_date > today + dt.timedelta(days=366):
        raise ActionError(
            "Uppföljningen ska ligga inom ett år.", code="too_far_ahead", field="follow_up_date"
        )
    if len(data.actions) > MAX_ACTIONS:
        raise ActionError(f"Högst {MAX_ACTIONS} insatser.", code="too_many", field="actions")
    # An action given without its key is the earlier version's action of the same text.
    previous = sip.versions.order_by("-number").first()
    known_keys = {a.description: a.key for a in previous.actions.all()} if previous else {}
    actions = []
    for index, action in enumerate(data.actions):
        where = f"actions.{index}"
        description = check_text(
            action.description, field_name=f"{where}.description", limit=1000, required=True
        )
        if action.principal is None:
            raise ActionError(
                "Varje insats behöver en ansvarig huvudman.",
                code="required",
                field=f"{where}.principal",
            )
        if action.unit is not None and action.unit.principal_id != action.principal.pk:
            raise ActionError(
                "Den ansvariga enheten hör inte till den ansvariga huvudmannen.",
                code="unit_not_of_principal",
                field=f"{where}.unit",
            )
        if action.status not in ActionStatus.values:
            raise ActionError("Okänd status.", code="invalid_choice", field=f"{where}.status")
        actions.append(
            {
                "description": description,
                "principal": action.principal,
                "unit": action.unit,
                "person": check_text(action.person, field_name=f"{where}.person", limit=MAX_NAME),
                "start": action.start,
                "status": action.status,
                "key": action.key or known_keys.get(description) or uuid.uuid4(),
            }
        )
    unit_ids = {u.pk for u in units}
    contacts = []
    for index, contact in enumerate(data.contacts):
        name = check_text(contact.name, field_name=f"contacts.{index}.name", limit=MAX_NAME)
        if not name:
            continue
        if contact.unit is None or contact.unit.pk not in unit_ids:
            raise ActionError(
                "En kontaktperson ska höra till en deltagande enhet.",
                code="not_a_party",
                field=f"contacts.{index}.unit",
            )
        phone = check_text(contact.phone, field_name=f"contacts.{index}.phone", limit=40)
        contacts.append(
            {
                "unit": str(contact.unit.public_id),
                "unit_name": contact.unit.name,
                "name": name,
                "phone": phone,
            }
        )
    content.update(
        lead_principal=data.lead_principal,
        follow_up_date=data.follow_up_date,
        contacts=contacts,
        actions=actions,
    )
    return content


def _comparable(version: PlanVersion | None, content: dict) -> list[str]:
    """The names of the parts of `content` that differ from `version`."""
    if version is None:
        return [name for name in (*TEXT_FIELDS, "actions", "contacts") if content.get(name)] + [
            "lead_principal",
            "follow_up_date",
        ]
    changed = [name for name in TEXT_FIELDS if getattr(version, name) != content[name]]
    if version.lead_principal_id != content["lead_principal"].pk:
        changed.append("lead_principal")
    if version.follow_up_date != content["follow_up_date"]:
        changed.append("follow_up_date")
    if version.contacts != content["contacts"]:
        changed.append("contacts")
    old = [
        (a.key, a.description, a.principal_id, a.unit_id, a.person, a.start, a.status)
        for a in version.actions.all()
    ]
    new = [
        (
            a["key"],
            a["description"],
            a["principal"].pk,
            getattr(a["unit"], "pk", None),
            a["person"],
            a["start"],
            a["status"],
        )
        for a in content["actions"]
    ]
    if old != new:
        changed.append("actions")
    return changed


def _write_version(
    sip: Sip, content: dict, membership: Membership, *, at: dt.datetime, note: str
) -> PlanVersion:
    previous = sip.versions.order_by("-number").first()
    changed = _comparable(previous, content)
    version = PlanVersion.objects.create(
        sip=sip,
        number=sip.plan_version + 1,
        saved_at=at,
        saved_by=membership.user,
        saved_unit=membership.unit,
        lead_principal=content["lead_principal"],
        follow_up_date=content["follow_up_date"],
        contacts=content["contacts"],
        changed=changed,
        note=note,
        **{name: content[name] for name in TEXT_FIELDS},
    )
    PlanAction.objects.bulk_create(
        [
            PlanAction(version=version, position=index, **action)
            for index, action in enumerate(content["actions"])
        ]
    )
    sip.plan_version = version.number
    sip.follow_up_date = version.follow_up_date
    sip.save(update_fields=["plan_version", "follow_up_date", "updated_at"])
    events.plan_saved(sip, by=membership, at=at, version=version.number, changed=changed)
    return version


def _check_base(sip: Sip, base_version: int) -> None:
    if base_version != sip.plan_version:
        raise ActionError(
            f"Någon annan har sparat planen (version {sip.plan_version}) medan du skrev. "
            "Inget av det du skrev har sparats och det finns kvar i formuläret: läs den nya "
            "versionen och spara igen.",
            code="stale_version",
            field="base_version",
        )


@episode_events.action
def do_save_plan(
    user: User,
    sip: Sip,
    data: PlanInput,
    *,
    base_version: int,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> PlanVersion:
    """Save the plan as a new version. `base_version` is the version the user started from:
    when another save came first the save is refused (`stale_version`) and nothing changes."""
    sip, membership = _begin(
        user, sip, SipStep.SAVE_PLAN, submission_key=submission_key, acting_unit=acting_unit
    )
    _check_base(sip, base_version)
    content = _check_plan(sip, data, today=timezone.localdate())
    note = check_text(data.note, field_name="note", limit=1000)
    return _write_version(sip, content, membership, at=timezone.now(), note=note)


# -- follow-up and the end ---------------------------------------------------------------------


@episode_events.action
def do_follow_up(
    user: User,
    sip: Sip,
    statuses: dict[str, str],
    *,
    base_version: int,
    next_date: dt.date | None = None,
    close_reason: str = "",
    note: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> FollowUp:
    """Follow the plan up: each action done, ongoing, changed or stopped (by the action's key);
    then a new follow-up date, or the SIP closes with a reason. A new plan version records it."""
    sip, membership = _begin(
        user, sip, SipStep.FOLLOW_UP, submission_key=submission_key, acting_unit=acting_unit
    )
    _check_base(sip, base_version)
    note = check_text(note, field_name="note", limit=MAX_TEXT)
    today = timezone.localdate()
    if close_reason and close_reason not in CloseReason.values:
        raise ActionError("Välj en orsak.", code="invalid_choice", field="close_reason")
    if not close_reason:
        if next_date is None:
            raise ActionError(
                "Ange nästa uppföljningsdatum, eller avsluta SIP:en med en orsak.",
                code="required",
                field="next_date",
            )
        if next_date <= today:
            raise ActionError(
                "Nästa uppföljning ska ligga efter i dag.",
                code="before_follow_up",
                field="next_date",
            )
        if next_date > today + dt.timedelta(days=366):
            raise ActionError(
                "Uppföljningen ska ligga inom ett år.", code="too_far_ahead", field="next_date"
            )
    current = sip.versions.order_by("-number").first()
    assert current is not None  # the rule refuses a follow-up without a plan
    known = {str(a.key) for a in current.actions.all()}
    for key, status in statuses.items():
        if key not in known:
            raise ActionError("Okänd insats.", code="unknown_action", field=f"statuses.{key}")
        if status not in ActionStatus.values:
            raise ActionError("Okänd status.", code="invalid_choice", field=f"statuses.{key}")
    content: dict = {name: getattr(current, name) for name in TEXT_FIELDS}
    content.update(
        lead_principal=current.lead_principal,
        follow_up_date=next_date or current.follow_up_date,
        contacts=current.contacts,
        actions=[
            {
                "description": a.description,
                "principal": a.principal,
                "unit": a.unit,
                "person": a.person,
                "start": a.start,
                "status": statuses.get(str(a.key), a.status),
                "key": a.key,
            }
            for a in current.actions.select_related("principal", "unit")
        ],
    )
    now = timezone.now()
    due = sip.follow_up_date or current.follow_up_date
    version = _write_version(sip, content, membership, at=now, note=note or "Uppföljning")
    follow_up = FollowUp.objects.create(
        sip=sip,
        held_at=now,
        by=user,
        unit=membership.unit,
        due_date=due,
        on_time=today <= due,
        note=note,
        version=version,
        next_date=None if close_reason else next_date,
        close_reason=close_reason,
    )
    sip.last_followed_up_at = now
    sip.save(update_fields=["last_followed_up_at", "updated_at"])
    events.followed_up(
        sip,
        by=membership,
        at=now,
        due_date=due,
        on_time=follow_up.on_time,
        version=version.number,
        next_date=follow_up.next_date,
    )
    if close_reason:
        _close(sip, membership, reason=close_reason, note=note, at=now)
    return follow_up


def _close(sip: Sip, membership: Membership, *, reason: str, note: str, at: dt.datetime) -> None:
    sip.state = SipState.CLOSED
    sip.close_reason = reason
    sip.ended_at = at
    sip.save(update_fields=["state", "close_reason", "ended_at", "updated_at"])
    _notify(sip, NoticeKind.CLOSED, _participant_units(sip), by=membership, at=at)
    events.closed(sip, by=membership, at=at, reason=reason, note=note)


@episode_events.action
def do_close(
    user: User,
    sip: Sip,
    reason: str,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Sip:
    """Close the SIP with a reason; the participating units are told."""
    if reason not in CloseReason.values:
        raise ActionError("Välj en orsak.", code="invalid_choice", field="reason")
    sip, membership = _begin(
        user, sip, SipStep.CLOSE, submission_key=submission_key, acting_unit=acting_unit
    )
    note = check_text(note, field_name="note", limit=1000)
    _close(sip, membership, reason=reason, note=note, at=timezone.now())
    return sip


@episode_events.action
def do_withdraw_consent(
    user: User,
    sip: Sip,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Sip:
    """The individual withdraws consent: the SIP stops at once and every participating unit
    gets a notice in its inbox. The plan versions stay readable for the access window."""
    sip, membership = _begin(
        user,
        sip,
        SipStep.WITHDRAW_CONSENT,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    note = check_text(note, field_name="note", limit=1000)
    now = timezone.now()
    sip.state = SipState.STOPPED
    sip.ended_at = now
    sip.save(update_fields=["state", "ended_at", "updated_at"])
    _notify(sip, NoticeKind.CONSENT_WITHDRAWN, _participant_units(sip), by=membership, at=now)
    events.consent_withdrawn(sip, by=membership, at=now, note=note)
    return sip


# -- later participants and further meetings ---------------------------------------------------


@dataclass
class ParticipantsInput:
    units: list[Unit] = field(default_factory=list)
    relatives: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    individual: bool = False  # the individual, if not invited at first
    note: str = ""


@episode_events.action
def do_add_participants(
    user: User,
    sip: Sip,
    data: ParticipantsInput,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> list[Participant]:
    """Invite someone after the invitation: a unit (which becomes a party and gets its own
    notice), a relative (if the consent allows), another agency, or the individual."""
    sip, membership = _begin(
        user, sip, SipStep.ADD_PARTICIPANTS, submission_key=submission_key, acting_unit=acting_unit
    )
    check_text(data.note, field_name="note", limit=1000)
    relatives = [check_text(r, field_name="relatives", limit=MAX_NAME) for r in data.relatives]
    others = [check_text(o, field_name="others", limit=MAX_NAME) for o in data.others]
    relatives, others = [r for r in relatives if r], [o for o in others if o]
    if relatives and not sip.relatives_may_take_part:
        raise ActionError(
            "Samtycket omfattar inte att närstående deltar.",
            code="not_consented",
            field="relatives",
        )
    current = {
        p.unit_id for p in sip.participants.filter(unit__isnull=False, removed_at__isnull=True)
    }
    units: list[Unit] = []
    for unit in data.units:
        if unit is None or not Unit.objects.filter(pk=unit.pk, is_active=True).exists():
            raise ActionError(
                "En inbjuden enhet finns inte i enhetsregistret.",
                code="unknown_unit",
                field="units",
            )
        if unit.pk in current:
            raise ActionError(
                f"{unit.name} deltar redan i SIP:en.", code="already_participant", field="units"
            )
        if unit.pk not in {u.pk for u in units}:
            units.append(unit)
    individual = (
        data.individual
        and not sip.participants.filter(
            kind=ParticipantKind.INDIVIDUAL, removed_at__isnull=True
        ).exists()
    )
    if not (units or relatives or others or individual):
        raise ActionError(
            "Välj vem som ska bjudas in: alla valda deltar redan, eller ingen är vald.",
            code="required",
            field="units",
        )
    now = timezone.now()
    added: list[Participant] = []
    for unit in units:
        participant = _add_unit(sip, unit, at=now)
        participant.invited_at = now
        participant.save(update_fields=["invited_at"])
        added.append(participant)
    for kind, names in ((ParticipantKind.RELATIVE, relatives), (ParticipantKind.OTHER, others)):
        for name in names:
            added.append(
                Participant.objects.create(
                    sip=sip, kind=kind, name=name, added_at=now, invited_at=now
                )
            )
    if individual:
        added.append(
            Participant.objects.create(
                sip=sip,
                kind=ParticipantKind.INDIVIDUAL,
                name=sip.individual.full_name,
                added_at=now,
                invited_at=now,
            )
        )
    _notify(sip, NoticeKind.PARTICIPANT_ADDED, units, by=membership, at=now)
    events.participants_added(
        sip,
        by=membership,
        at=now,
        units=[str(u.public_id) for u in units],
        people=relatives + others + ([sip.individual.full_name] if individual else []),
    )
    return added


@dataclass
class MeetingInput:
    meeting_form: str
    meeting_at: dt.datetime
    place: str = ""
    note: str = ""


@episode_events.action
def do_schedule_meeting(
    user: User,
    sip: Sip,
    data: MeetingInput,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Meeting:
    """Book a further meeting on a SIP whose first meeting was held: every other
    participating unit gets a notice of it."""
    sip, membership = _begin(
        user, sip, SipStep.SCHEDULE_MEETING, submission_key=submission_key, acting_unit=acting_unit
    )
    if data.meeting_form not in MeetingForm.values:
        raise ActionError("Välj mötesform.", code="invalid_choice", field="meeting_form")
    place = check_text(data.place, field_name="place", limit=MAX_NAME)
    note = check_text(data.note, field_name="note", limit=1000)
    meeting_at = data.meeting_at
    if meeting_at is None:
        raise ActionError("Ange mötestid.", code="required", field="meeting_at")
    if timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    now = timezone.now()
    if meeting_at < now - MAX_CLOCK_SKEW:
        raise ActionError("Mötestiden har redan passerat.", code="past_time", field="meeting_at")
    if meeting_at > now + MEETING_AHEAD:
        raise ActionError(
            "Mötet ligger mer än ett halvår fram.", code="too_far_ahead", field="meeting_at"
        )
    number = max([1, *sip.meetings.values_list("number", flat=True)]) + 1
    meeting = Meeting.objects.create(
        sip=sip,
        number=number,
        form=data.meeting_form,
        at=meeting_at,
        place=place,
        note=note,
        scheduled_at=now,
        scheduled_by=user,
        scheduled_unit=membership.unit,
    )
    _notify(sip, NoticeKind.MEETING, _participant_units(sip), by=membership, at=now)
    events.meeting_scheduled(
        sip,
        by=membership,
        at=now,
        meeting=number,
        meeting_form=data.meeting_form,
        meeting_at=meeting_at,
        place=place,
    )
    return meeting


@episode_events.action
def do_record_next_meeting(
    user: User,
    sip: Sip,
    attended: list[Participant],
    *,
    held_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Meeting:
    """The booked further meeting was held: who of the participants took part."""
    sip, membership = _begin(
        user,
        sip,
        SipStep.RECORD_NEXT_MEETING,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    meeting = (
        Meeting.objects.select_for_update()
        .filter(sip=sip, held_at__isnull=True)
        .order_by("number")
        .first()
    )
    assert meeting is not None  # the rule refuses without a pending meeting
    held_at = _held_at(held_at)
    if held_at < meeting.scheduled_at:
        raise ActionError(
            "Mötet kan inte ha hållits innan det bokades.",
            code="before_previous_step",
            field="held_at",
        )
    participants = {p.pk: p for p in sip.participants.filter(removed_at__isnull=True)}
    chosen = []
    for p in attended:
        if p.pk not in participants:
            raise ActionError(
                "Bara deltagare i SIP:en kan registreras som närvarande.",
                code="not_invited",
                field="attended",
            )
        chosen.append(participants[p.pk])
    own = [p for p in participants.values() if p.unit_id == membership.unit_id]
    present = {p.pk: p for p in [*chosen, *own]}
    took_part = any(p.kind == ParticipantKind.INDIVIDUAL for p in present.values())
    meeting.held_at = held_at
    meeting.individual_took_part = took_part
    meeting.save(update_fields=["held_at", "individual_took_part"])
    meeting.attended.set(present.values())
    events.meeting_held(
        sip,
        by=membership,
        at=held_at,
        attended=[p.label for p in present.values()],
        individual_took_part=took_part,
        meeting=meeting.number,
    )
    return meeting
