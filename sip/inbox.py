"""Requests outside a stay: a SIP request or a care request (vårdbegäran) about an individual
living at home, from a unit to another principal's unit, or from the individual (or their
representative) in the citizen portal (`sip.citizen.request_sip`).

A request reaches each recipient unit's list on "Mina SIP" ("Förfrågningar"), with
need-to-know: the sending and the receiving units see it, through a care role, while it is
open and for `SAMSYN_ACCESS_AFTER_END_DAYS` after it was answered or became a SIP. A
recipient acknowledges it, answers it, or turns it into a SIP outside a stay
(`sip.actions.do_start_sip`, the sending unit becoming the SIP's first other party). Each step
is one transaction; every read, granted or refused, is logged through `audit.log`.

It is not an episode message: `episodes.Message.episode` stays non-null (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.log import log_access, log_individuals_many
from core import submissions
from core.errors import ActionError
from episodes import events as episode_events
from episodes.access import care_unit_ids
from episodes.actions.common import check_text
from individuals.models import Individual
from organisations.models import CARE_ROLES, Membership, Unit, User
from sip.models import (
    OPEN_REQUEST_STATES,
    OPEN_STATES,
    Participant,
    Requester,
    RequestKind,
    RequestRecipient,
    RequestState,
    Sip,
    SipRequest,
)

MAX_REQUEST_TEXT = 2000
MAX_RECIPIENTS = 10


# -- need-to-know ------------------------------------------------------------------------------


def visible_requests(user: User, now: dt.datetime | None = None) -> QuerySet[SipRequest]:
    """Every request `user` may read now: sent by or to one of their care units, open or
    closed within the end window (not logged: log what is shown, `log_requests`)."""
    now = now or timezone.now()
    end_cutoff = now - dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_END_DAYS)
    unit_ids = care_unit_ids(user)
    return (
        SipRequest.objects.filter(
            Q(from_unit_id__in=unit_ids)
            | Q(id__in=RequestRecipient.objects.filter(unit_id__in=unit_ids).values("request_id"))
        )
        .filter(Q(state__in=OPEN_REQUEST_STATES) | Q(answered_at__gte=end_cutoff))
        .filter(
            # A protected identity: only while the request is open.
            Q(state__in=OPEN_REQUEST_STATES) | Q(individual__protected_identity=False)
        )
    )


def log_requests(user: User, action: str, requests, *, request=None) -> None:
    """One granted row per individual whose request is shown in a list, one statement."""
    log_individuals_many(
        user, action, [r.individual_id for r in requests], request=request, detail="förfrågningar"
    )


def get_request_for_user(
    user: User, public_id, *, action: str = "sip.request.view", request=None
) -> SipRequest:
    """The request if `user` may read it, else Http404; logged either way."""
    found = (
        SipRequest.objects.select_related("individual", "from_unit", "sip")
        .filter(public_id=public_id)
        .first()
    )
    granted = found is not None and visible_requests(user).filter(pk=found.pk).exists()
    unit_id = None
    if granted and found is not None:
        unit_ids = care_unit_ids(user)
        unit_id = (
            found.from_unit_id
            if found.from_unit_id in unit_ids
            else found.recipients.filter(unit_id__in=unit_ids).values_list("unit_id", flat=True)[0]
        )
    log_access(
        user,
        action,
        individual=found.individual if found is not None else None,
        unit_id=unit_id,
        granted=granted,
        request=request,
        detail=f"förfrågan {public_id}" if found is not None else f"okänd förfrågan {public_id}",
    )
    if found is None or not granted:
        raise Http404("not found")
    return found


def _recipient_membership(user: User, req: SipRequest) -> Membership:
    unit_ids = set(req.recipients.values_list("unit_id", flat=True))
    membership = next(
        (m for m in user.active_memberships() if m.unit_id in unit_ids and m.role in CARE_ROLES),
        None,
    )
    if membership is None:
        raise ActionError(
            "Bara en mottagande enhet kan göra det här.", code="not_recipient", field=None
        )
    return membership


def _lock(req: SipRequest) -> SipRequest:
    return (
        SipRequest.objects.select_for_update(of=("self",))
        .select_related("individual", "from_unit")
        .get(pk=req.pk)
    )


def _check_open(req: SipRequest) -> None:
    if req.state == RequestState.SIP_STARTED:
        raise ActionError("Förfrågan har redan blivit en SIP.", code="sip_started")
    if req.state == RequestState.ANSWERED:
        raise ActionError("Förfrågan är redan besvarad.", code="already_answered")


# -- sending -----------------------------------------------------------------------------------


def create_request(
    *,
    kind: str,
    individual: Individual,
    recipients: list[Unit],
    text: str,
    from_membership: Membership | None = None,
    citizen_name: str = "",
    citizen_identifier: str = "",
    as_representative: bool = False,
) -> SipRequest:
    """Write a request and its recipients (the caller's transaction, checks done)."""
    req = SipRequest.objects.create(
        kind=kind,
        individual=individual,
        from_unit=from_membership.unit if from_membership else None,
        from_user=from_membership.user if from_membership else None,
        from_citizen_name=citizen_name,
        from_citizen_identifier=citizen_identifier,
        from_citizen_as_representative=as_representative,
        text=text,
        sent_at=timezone.now(),
    )
    RequestRecipient.objects.bulk_create(
        [RequestRecipient(request=req, unit=unit) for unit in recipients]
    )
    return req


@episode_events.action
def do_send_request(
    user: User,
    *,
    kind: str,
    individual: Individual | None,
    to_units: list[Unit],
    text: str,
    identifier: str = "",
    given_name: str = "",
    family_name: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> SipRequest:
    """A unit (a health centre, a psychiatric outpatient clinic, municipal home care or
    home health care …) sends a SIP request or a care request about an individual living at
    home to one or more units of the other principal. No episode is involved. `individual`
    is the one found (`sip.access.find_individual_to_start`, logged), or None: then one named
    by `identifier` and names."""
    from sip.actions import _individual
    from sip.rules import STARTING_LANES

    submissions.claim(submission_key, user)
    if kind not in RequestKind.values:
        raise ActionError("Välj vad du skickar.", code="invalid_choice", field="kind")
    memberships = [
        m
        for m in user.active_memberships()
        if m.role in CARE_ROLES and m.unit.lane in STARTING_LANES
    ]
    if acting_unit is not None:
        memberships = [m for m in memberships if m.unit_id == acting_unit.pk]
    if not memberships:
        raise ActionError(
            "Du har ingen roll på en enhet som kan skicka förfrågningar utanför en "
            "sjukhusvistelse.",
            code="forbidden",
            field="unit" if acting_unit is not None else None,
        )
    membership = memberships[0]
    text = check_text(text, field_name="text", required=True, limit=MAX_REQUEST_TEXT)
    if not to_units:
        raise ActionError("Välj minst en mottagande enhet.", code="required", field="to_units")
    if len(to_units) > MAX_RECIPIENTS:
        raise ActionError(
            f"Högst {MAX_RECIPIENTS} mottagande enheter.", code="too_many", field="to_units"
        )
    recipients: list[Unit] = []
    for unit in to_units:
        if unit is None or not Unit.objects.filter(pk=unit.pk, is_active=True).exists():
            raise ActionError(
                "En mottagande enhet finns inte i enhetsregistret.",
                code="unknown_unit",
                field="to_units",
            )
        if unit.principal_id == membership.unit.principal_id:
            raise ActionError(
                f"{unit.name} hör till samma huvudman som du: en förfrågan går till den "
                "andra huvudmannens enheter.",
                code="same_principal",
                field="to_units",
            )
        if unit.pk not in {r.pk for r in recipients}:
            recipients.append(unit)
    if individual is None:
        individual = _individual(identifier, given_name, family_name)
    return create_request(
        kind=kind,
        individual=individual,
        recipients=recipients,
        text=text,
        from_membership=membership,
    )


# -- receiving ---------------------------------------------------------------------------------


@episode_events.action
def do_acknowledge_request(
    user: User, req: SipRequest, *, submission_key: str | None = None
) -> RequestRecipient:
    """A person at a receiving unit acknowledges the request (for their unit)."""
    submissions.claim(submission_key, user)
    req = _lock(req)
    membership = _recipient_membership(user, req)
    recipient = RequestRecipient.objects.select_for_update().get(
        request=req, unit_id=membership.unit_id
    )
    if recipient.acknowledged_at is not None:
        raise ActionError("Redan kvitterat.", code="already_acknowledged")
    now = timezone.now()
    recipient.acknowledged_at, recipient.acknowledged_by = now, user
    recipient.save(update_fields=["acknowledged_at", "acknowledged_by"])
    if req.state == RequestState.SENT:
        req.state = RequestState.ACKNOWLEDGED
        req.save(update_fields=["state"])
    return recipient


def _acknowledge_for(req: SipRequest, membership: Membership, at: dt.datetime) -> None:
    RequestRecipient.objects.filter(
        request=req, unit_id=membership.unit_id, acknowledged_at__isnull=True
    ).update(acknowledged_at=at, acknowledged_by=membership.user)


@episode_events.action
def do_answer_request(
    user: User, req: SipRequest, answer: str, *, submission_key: str | None = None
) -> SipRequest:
    """A receiving unit answers the request in writing (for instance: no SIP is needed now,
    or the care asked for is arranged); the request closes. Answering acknowledges too."""
    submissions.claim(submission_key, user)
    req = _lock(req)
    membership = _recipient_membership(user, req)
    _check_open(req)
    answer = check_text(answer, field_name="answer", required=True, limit=MAX_REQUEST_TEXT)
    now = timezone.now()
    _acknowledge_for(req, membership, now)
    req.state = RequestState.ANSWERED
    req.answered_at, req.answered_by, req.answered_unit = now, user, membership.unit
    req.answer = answer
    req.save(update_fields=["state", "answered_at", "answered_by", "answered_unit", "answer"])
    return req


@episode_events.action
def do_start_sip_from_request(
    user: User, req: SipRequest, *, note: str = "", submission_key: str | None = None
) -> Sip:
    """A receiving unit turns the request into a SIP outside a stay: the SIP starts at that
    unit (`do_start_sip`, who asked recorded), and a sending unit becomes a participant."""
    from sip.actions import do_start_sip

    submissions.claim(submission_key, user)
    req = _lock(req)
    membership = _recipient_membership(user, req)
    _check_open(req)
    if (
        Sip.objects.filter(individual=req.individual, episode__isnull=True, state__in=OPEN_STATES)
        .filter(participants__unit=membership.unit, participants__removed_at__isnull=True)
        .exists()
    ):
        raise ActionError(
            "Din enhet deltar redan i en pågående SIP för den enskilde: besvara förfrågan "
            "i stället.",
            code="already_started",
        )
    if req.from_unit_id is not None:
        requested_by = Requester.OTHER_PRINCIPAL
    elif req.from_citizen_as_representative:
        requested_by = Requester.RELATIVE
    else:
        requested_by = Requester.INDIVIDUAL
    note = check_text(note, field_name="note", limit=MAX_REQUEST_TEXT)
    sip = do_start_sip(
        user,
        individual=req.individual,
        requested_by=requested_by,
        note=note or req.text,
        acting_unit=membership.unit,
    )
    now = timezone.now()
    if req.from_unit is not None and req.from_unit.pk != membership.unit_id:
        Participant.objects.get_or_create(
            sip=sip, unit=req.from_unit, defaults={"kind": "unit", "added_at": now}
        )
    _acknowledge_for(req, membership, now)
    req.state = RequestState.SIP_STARTED
    req.answered_at, req.answered_by, req.answered_unit = now, user, membership.unit
    req.sip = sip
    req.save(update_fields=["state", "answered_at", "answered_by", "answered_unit", "sip"])
    return sip


def waiting_requests(user: User) -> QuerySet[SipRequest]:
    """Open requests to one of the user's care units that the unit has not acknowledged."""
    unit_ids = care_unit_ids(user)
    return (
        visible_requests(user)
        .filter(state__in=OPEN_REQUEST_STATES)
        .filter(
            id__in=RequestRecipient.objects.filter(
                unit_id__in=unit_ids, acknowledged_at__isnull=True
            ).values("request_id")
        )
    )
