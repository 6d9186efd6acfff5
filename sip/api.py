"""The SIP API (mounted at `/api/sip` by `samsyn/api.py`): one endpoint per SIP step, with
the same rules as the pages because both call `sip.actions`; reads go through `sip.access`
(every read logged). Refusals are `{"errors": [{"field", "code", "message"}]}`; a stale plan
save is 409 `stale_version`. An `Idempotency-Key` header is the action's submission key.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import Http404, JsonResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from core.errors import ActionError
from episodes.access import get_episode_for_user
from episodes.api.common import IdempotencyKey
from individuals.identifiers import parse_identifier
from organisations.models import Principal, Unit
from sip import actions
from sip.access import (
    find_individual_to_start,
    get_sip_for_user,
    log_list,
    visible_sips,
    waiting_notices,
)
from sip.models import OPEN_STATES, Notice, PlanVersion, Sip

router = Router(tags=["sip"])


class NotFound(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _answer_not_found(view):
    import functools

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            error = {"field": exc.field, "code": "not_found", "message": exc.message}
            return JsonResponse({"errors": [error]}, status=404)
        except ActionError as exc:
            if exc.code == "stale_version":
                return JsonResponse({"errors": [exc.as_dict()]}, status=409)
            raise

    return wrapper


router.add_decorator(_answer_not_found)


# -- schemas -----------------------------------------------------------------------------------


class UnitRef(Schema):
    id: UUID
    name: str
    principal: str


class ParticipantOut(Schema):
    id: UUID
    kind: str
    unit: UnitRef | None
    name: str
    invited_at: dt.datetime | None
    attended: bool | None


class ActionOut(Schema):
    key: UUID
    description: str
    principal: UUID
    principal_name: str
    unit: UUID | None
    person: str
    start: dt.date | None
    status: str


class PlanOut(Schema):
    number: int
    saved_at: dt.datetime
    saved_unit: str
    what_matters: str
    needs: str
    goals: str
    individual_part: str
    others_part: str
    self_care: str
    lead_principal: UUID
    follow_up_date: dt.date
    contacts: list[dict]
    actions: list[ActionOut]
    changed: list[str]
    note: str


class MeetingOut(Schema):
    number: int
    form: str
    at: dt.datetime
    place: str
    note: str
    held_at: dt.datetime | None
    individual_took_part: bool | None
    attended: list[UUID]


class OwnWordsOut(Schema):
    number: int
    text: str
    written_at: dt.datetime
    written_by_name: str
    as_representative: bool


class SipOut(Schema):
    id: UUID
    individual: UUID
    individual_name: str
    protected_identity: bool
    episode: UUID | None
    state: str
    started_at: dt.datetime
    started_unit: UUID
    requested_by: str
    consent: str
    invited_at: dt.datetime | None
    meeting_form: str
    meeting_at: dt.datetime | None
    meeting_place: str
    held_at: dt.datetime | None
    individual_took_part: bool | None
    follow_up_date: dt.date | None
    ended_at: dt.datetime | None
    close_reason: str
    plan_version: int
    participants: list[ParticipantOut] = []
    plan: PlanOut | None = None
    meetings: list[MeetingOut] = []
    own_words: list[OwnWordsOut] = []


class ActingIn(Schema):
    unit: UUID | None = Field(None, description="Den agerande enheten (valfri)")


class StartIn(ActingIn):
    identifier: str = Field(..., description="Personnummer eller samordningsnummer")
    given_name: str = Field("", description="Behövs bara när personen är ny i Samsyn")
    family_name: str = ""
    requested_by: str = Field(
        "unit", description="unit, individual, relative, other_principal, other_agency"
    )
    note: str = ""


class StartInStayIn(ActingIn):
    note: str = ""


class ConsentIn(ActingIn):
    consent: str = Field(
        ..., description="individual, legal_representative, relative_contacted, nobody, declined"
    )
    scope: str = ""
    relatives_may_take_part: bool = False
    relative: str = Field(
        "", description="Närstående som kontaktades (krävs vid relative_contacted)"
    )
    note: str = ""


class InvitationIn(ActingIn):
    units: list[UUID] = Field(..., description="Enheter som kallas (blir parter)")
    meeting_form: str = Field(..., description="in_person, video, phone")
    meeting_at: dt.datetime
    place: str = ""
    individual_takes_part: bool = True
    relatives: list[str] = []
    others: list[str] = []
    note: str = ""


class MeetingIn(ActingIn):
    attended: list[UUID] = Field(..., description="Deltagare (id) som var med på mötet")
    held_at: dt.datetime | None = None


class ActionIn(Schema):
    key: UUID | None = Field(None, description="Samma insats i en tidigare version")
    description: str
    principal: UUID | None = Field(..., description="Ansvarig huvudman (krävs)")
    unit: UUID | None = None
    person: str = ""
    start: dt.date | None = None
    status: str = "planned"


class ContactIn(Schema):
    unit: UUID
    name: str
    phone: str = ""


class PlanIn(ActingIn):
    base_version: int = Field(..., description="Versionen ändringen utgår från (0: ny plan)")
    what_matters: str = Field(..., description="Vad är viktigt för dig? Med den enskildes ord")
    needs: str = ""
    goals: str = ""
    actions: list[ActionIn] = []
    lead_principal: UUID | None
    follow_up_date: dt.date | None
    individual_part: str = ""
    others_part: str = ""
    self_care: str = ""
    contacts: list[ContactIn] = []
    note: str = ""


class FollowUpIn(ActingIn):
    base_version: int
    statuses: dict[str, str] = Field(
        {}, description="Insatsens nyckel → done, ongoing, changed, stopped"
    )
    next_date: dt.date | None = None
    close_reason: str = ""
    note: str = ""


class CloseIn(ActingIn):
    reason: str
    note: str = ""


class ParticipantsIn(ActingIn):
    units: list[UUID] = Field([], description="Enheter som bjuds in i efterhand (blir parter)")
    individual: bool = Field(False, description="Den enskilde bjuds in")
    relatives: list[str] = []
    others: list[str] = []
    note: str = ""


class NewMeetingIn(ActingIn):
    meeting_form: str = Field(..., description="in_person, video, phone")
    meeting_at: dt.datetime
    place: str = ""
    note: str = ""


class NoteIn(ActingIn):
    note: str = ""


class NoticeOut(Schema):
    id: UUID
    sip: UUID
    kind: str
    unit: UUID
    sent_at: dt.datetime
    acknowledged_at: dt.datetime | None


# -- helpers -----------------------------------------------------------------------------------


def _unit(public_id: UUID | None, field: str) -> Unit | None:
    if public_id is None:
        return None
    unit = Unit.objects.select_related("principal").filter(public_id=public_id).first()
    if unit is None:
        raise NotFound(field, "Det finns ingen enhet med det id:t.")
    return unit


def _principal(public_id: UUID | None, field: str) -> Principal | None:
    if public_id is None:
        return None
    principal = Principal.objects.filter(public_id=public_id).first()
    if principal is None:
        raise NotFound(field, "Det finns ingen huvudman med det id:t.")
    return principal


def _load(request, public_id: UUID, action: str) -> Sip:
    try:
        return get_sip_for_user(
            request.auth, public_id, action=f"api.sip.{action}", request=request
        )
    except Http404:
        raise NotFound("id", "SIP:en finns inte eller är inte tillgänglig för dig.") from None


def _plan_out(version: PlanVersion) -> dict:
    return {
        "number": version.number,
        "saved_at": version.saved_at,
        "saved_unit": version.saved_unit.name,
        "what_matters": version.what_matters,
        "needs": version.needs,
        "goals": version.goals,
        "individual_part": version.individual_part,
        "others_part": version.others_part,
        "self_care": version.self_care,
        "lead_principal": version.lead_principal.public_id,
        "follow_up_date": version.follow_up_date,
        "contacts": version.contacts,
        "changed": version.changed,
        "note": version.note,
        "actions": [
            {
                "key": a.key,
                "description": a.description,
                "principal": a.principal.public_id,
                "principal_name": a.principal.name,
                "unit": a.unit.public_id if a.unit else None,
                "person": a.person,
                "start": a.start,
                "status": a.status,
            }
            for a in version.actions.select_related("principal", "unit")
        ],
    }


def _out(sip: Sip, *, full: bool = True) -> dict:
    sip = Sip.objects.select_related("individual", "episode", "started_unit").get(pk=sip.pk)
    data = {
        "id": sip.public_id,
        "individual": sip.individual.public_id,
        "individual_name": sip.individual.full_name,
        "protected_identity": sip.individual.protected_identity,
        "episode": sip.episode.public_id if sip.episode else None,
        "state": sip.state,
        "started_at": sip.started_at,
        "started_unit": sip.started_unit.public_id,
        "requested_by": sip.requested_by,
        "consent": sip.consent,
        "invited_at": sip.invited_at,
        "meeting_form": sip.meeting_form,
        "meeting_at": sip.meeting_at,
        "meeting_place": sip.meeting_place,
        "held_at": sip.held_at,
        "individual_took_part": sip.individual_took_part,
        "follow_up_date": sip.follow_up_date,
        "ended_at": sip.ended_at,
        "close_reason": sip.close_reason,
        "plan_version": sip.plan_version,
    }
    if full:
        data["participants"] = [
            {
                "id": p.public_id,
                "kind": p.kind,
                "unit": (
                    {
                        "id": p.unit.public_id,
                        "name": p.unit.name,
                        "principal": p.unit.principal.name,
                    }
                    if p.unit
                    else None
                ),
                "name": p.name,
                "invited_at": p.invited_at,
                "attended": p.attended,
            }
            for p in sip.participants.select_related("unit__principal").filter(
                removed_at__isnull=True
            )
        ]
        version = (
            sip.versions.select_related("lead_principal", "saved_unit").order_by("-number").first()
        )
        data["plan"] = _plan_out(version) if version else None
        data["meetings"] = [
            {
                "number": m.number,
                "form": m.form,
                "at": m.at,
                "place": m.place,
                "note": m.note,
                "held_at": m.held_at,
                "individual_took_part": m.individual_took_part,
                "attended": [p.public_id for p in m.attended.all()],
            }
            for m in sip.meetings.prefetch_related("attended")
        ]
        data["own_words"] = [
            {
                "number": w.number,
                "text": w.text,
                "written_at": w.written_at,
                "written_by_name": w.written_by_name,
                "as_representative": w.as_representative,
            }
            for w in sip.own_words.order_by("-number")
        ]
    return data


# -- endpoints ---------------------------------------------------------------------------------


@router.get(
    "", response=list[SipOut], summary="Mina SIP: de pågående SIP som mina enheter deltar i"
)
def list_sips(request):
    sips = list(
        visible_sips(request.auth)
        .filter(state__in=OPEN_STATES)
        .select_related("individual", "episode", "started_unit")
        .order_by("follow_up_date", "started_at")[:200]
    )
    log_list(request.auth, "api.sip.list", sips, request=request)
    return [_out(s, full=False) for s in sips]


@router.post("", response={201: SipOut}, summary="Starta SIP utan sjukhusvistelse")
def start_sip(request, payload: StartIn, idempotency_key: IdempotencyKey = None):
    try:
        number = parse_identifier(payload.identifier).number
    except ValueError as error:
        raise ActionError(str(error), code="invalid_identifier", field="identifier") from None
    individual = find_individual_to_start(request.auth, number, request=request)
    sip = actions.do_start_sip(
        request.auth,
        individual=individual,
        identifier=payload.identifier,
        given_name=payload.given_name,
        family_name=payload.family_name,
        requested_by=payload.requested_by,
        note=payload.note,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return Status(201, _out(sip))


@router.post(
    "/episodes/{episode_id}",
    response={201: SipOut},
    summary="Starta SIP under ett vårdtillfälle (behov av SIP)",
)
def start_sip_in_stay(
    request, episode_id: UUID, payload: StartInStayIn, idempotency_key: IdempotencyKey = None
):
    try:
        episode = get_episode_for_user(
            request.auth, episode_id, action="api.sip.start", request=request
        )
    except Http404:
        raise NotFound(
            "episode_id", "Vårdtillfället finns inte eller är inte tillgängligt för dig."
        ) from None
    sip = actions.do_start_sip(
        request.auth,
        episode=episode,
        note=payload.note,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return Status(201, _out(sip))


@router.get(
    "/notices", response=list[NoticeOut], summary="Kallelser och besked om SIP att kvittera"
)
def list_notices(request):
    notices = list(waiting_notices(request.auth).order_by("-sent_at")[:200])
    log_list(request.auth, "api.sip.notices", [n.sip for n in notices], request=request)
    return [
        {
            "id": n.public_id,
            "sip": n.sip.public_id,
            "kind": n.kind,
            "unit": n.unit.public_id,
            "sent_at": n.sent_at,
            "acknowledged_at": n.acknowledged_at,
        }
        for n in notices
    ]


class RecipientOut(Schema):
    unit: UnitRef
    acknowledged_at: dt.datetime | None


class RequestOut(Schema):
    id: UUID
    kind: str
    state: str
    individual: UUID
    individual_name: str
    from_unit: UUID | None
    from_citizen: bool
    sender: str
    text: str
    sent_at: dt.datetime
    recipients: list[RecipientOut]
    answered_at: dt.datetime | None
    answered_unit: UUID | None
    answer: str
    sip: UUID | None


class RequestIn(ActingIn):
    kind: str = Field(..., description="sip (begäran om SIP) eller care (vårdbegäran)")
    identifier: str = Field(..., description="Personnummer eller samordningsnummer")
    given_name: str = Field("", description="Behövs bara när personen är ny i Samsyn")
    family_name: str = ""
    to_units: list[UUID] = Field(..., description="Den andra huvudmannens mottagande enheter")
    text: str = Field(..., description="Vad det gäller, vilka insatser som behövs")


class AnswerIn(Schema):
    answer: str


class StartFromRequestIn(Schema):
    note: str = ""


def _request_out(req) -> dict:
    return {
        "id": req.public_id,
        "kind": req.kind,
        "state": req.state,
        "individual": req.individual.public_id,
        "individual_name": req.individual.full_name,
        "from_unit": req.from_unit.public_id if req.from_unit else None,
        "from_citizen": req.from_citizen,
        "sender": req.sender_label,
        "text": req.text,
        "sent_at": req.sent_at,
        "recipients": [
            {
                "unit": {
                    "id": r.unit.public_id,
                    "name": r.unit.name,
                    "principal": r.unit.principal.name,
                },
                "acknowledged_at": r.acknowledged_at,
            }
            for r in req.recipients.select_related("unit__principal")
        ],
        "answered_at": req.answered_at,
        "answered_unit": req.answered_unit.public_id if req.answered_unit else None,
        "answer": req.answer,
        "sip": req.sip.public_id if req.sip else None,
    }


def _load_request(request, public_id: UUID, action: str):
    from sip.inbox import get_request_for_user

    try:
        return get_request_for_user(
            request.auth, public_id, action=f"api.sip.request.{action}", request=request
        )
    except Http404:
        raise NotFound("id", "Förfrågan finns inte eller är inte tillgänglig för dig.") from None


@router.get(
    "/requests",
    response=list[RequestOut],
    summary="Förfrågningar och vårdbegäranden till och från mina enheter (öppna)",
)
def list_requests(request):
    from sip.inbox import log_requests, visible_requests
    from sip.models import OPEN_REQUEST_STATES

    found = list(
        visible_requests(request.auth)
        .filter(state__in=OPEN_REQUEST_STATES)
        .select_related("individual", "from_unit", "answered_unit", "sip")
        .order_by("-sent_at")[:200]
    )
    log_requests(request.auth, "api.sip.requests", found, request=request)
    return [_request_out(r) for r in found]


@router.post(
    "/requests",
    response={201: RequestOut},
    summary="Skicka en begäran om SIP eller en vårdbegäran utan sjukhusvistelse",
)
def send_request(request, payload: RequestIn, idempotency_key: IdempotencyKey = None):
    from sip.inbox import do_send_request

    number = parse_identifier(payload.identifier).number
    individual = find_individual_to_start(request.auth, number, request=request)
    units = [_unit(u, "to_units") for u in payload.to_units]
    req = do_send_request(
        request.auth,
        kind=payload.kind,
        individual=individual,
        identifier=payload.identifier,
        given_name=payload.given_name,
        family_name=payload.family_name,
        to_units=[u for u in units if u is not None],
        text=payload.text,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return Status(201, _request_out(req))


@router.get("/requests/{id}", response=RequestOut, summary="En förfrågan")
def get_request(request, id: UUID):
    return _request_out(_load_request(request, id, "view"))


@router.post("/requests/{id}/acknowledge", response=RequestOut, summary="Kvittera en förfrågan")
def acknowledge_request(request, id: UUID, idempotency_key: IdempotencyKey = None):
    from sip.inbox import do_acknowledge_request

    req = _load_request(request, id, "acknowledge")
    do_acknowledge_request(request.auth, req, submission_key=idempotency_key)
    req.refresh_from_db()
    return _request_out(req)


@router.post("/requests/{id}/answer", response=RequestOut, summary="Besvara en förfrågan")
def answer_request(request, id: UUID, payload: AnswerIn, idempotency_key: IdempotencyKey = None):
    from sip.inbox import do_answer_request

    req = _load_request(request, id, "answer")
    req = do_answer_request(request.auth, req, payload.answer, submission_key=idempotency_key)
    return _request_out(req)


@router.post(
    "/requests/{id}/start-sip",
    response={201: SipOut},
    summary="Starta en SIP utan sjukhusvistelse utifrån förfrågan",
)
def start_sip_from_request(
    request, id: UUID, payload: StartFromRequestIn, idempotency_key: IdempotencyKey = None
):
    from sip.inbox import do_start_sip_from_request

    req = _load_request(request, id, "start_sip")
    sip = do_start_sip_from_request(
        request.auth, req, note=payload.note, submission_key=idempotency_key
    )
    return Status(201, _out(sip))


class StatisticsRowOut(Schema):
    month: dt.date
    group: str
    figures: dict


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    by: str
    rows: list[StatisticsRowOut]
    total: dict


@router.get(
    "/statistics",
    response=StatisticsOut,
    summary="SIP-statistik per månad och enhet, huvudman eller område",
    description="Erbjudna, samtyckta, avböjda, kallade (vem kallar), hållna möten (andel med "
    "den enskilde), uppföljda (i tid), avslutade; dagar från utskrivningsklar till kallelse. "
    "Only for managers, process leaders and administrators; aggregates only.",
)
def statistics(
    request,
    start: dt.date,
    end: dt.date,
    by: str = "unit",
    principal: str | None = None,
    municipality: str | None = None,
    area: str | None = None,
    unit: str | None = None,
    lane: str | None = None,
):
    """The dashboard's filters (public ids; lane: its code) narrow the SIPs counted: the
    individual's municipality or area, a principal, unit or lane taking part."""
    from indicators.access import may_view_statistics
    from indicators.filters import parse_filters
    from sip.statistics import GROUPS, sip_statistics

    if not may_view_statistics(request.auth):
        raise ActionError("Statistiken är till för chefer och processledare.", code="forbidden")
    if by not in GROUPS:
        raise ActionError("Välj enhet, huvudman eller område.", code="invalid_choice", field="by")
    if end < start:
        raise ActionError("Perioden slutar före den börjar.", code="invalid_range", field="end")
    filters = parse_filters(
        {
            key: value
            for key, value in {
                "principal": principal,
                "municipality": municipality,
                "area": area,
                "unit": unit,
                "lane": lane,
            }.items()
            if value
        }
    )
    rows, total = sip_statistics(start, end, by=by, filters=filters)
    return {
        "start": start,
        "end": end,
        "by": by,
        "rows": [
            {"month": r.month, "group": r.group, "figures": r.figures.as_dict()} for r in rows
        ],
        "total": total.as_dict(),
    }


@router.post("/notices/{id}/acknowledge", response=NoticeOut, summary="Kvittera ett besked om SIP")
def acknowledge_notice(request, id: UUID, idempotency_key: IdempotencyKey = None):
    notice = Notice.objects.select_related("sip", "unit").filter(public_id=id).first()
    if notice is None:
        raise NotFound("id", "Beskedet finns inte.")
    _load(request, notice.sip.public_id, "notice")
    notice = actions.do_acknowledge_notice(request.auth, notice, submission_key=idempotency_key)
    return {
        "id": notice.public_id,
        "sip": notice.sip.public_id,
        "kind": notice.kind,
        "unit": notice.unit.public_id,
        "sent_at": notice.sent_at,
        "acknowledged_at": notice.acknowledged_at,
    }


@router.get("/{id}", response=SipOut, summary="En SIP med deltagare och gällande plan")
def get_sip(request, id: UUID):
    return _out(_load(request, id, "view"))


@router.get("/{id}/versions/{number}", response=PlanOut, summary="En tidigare version av planen")
def get_version(request, id: UUID, number: int):
    sip = _load(request, id, "version")
    version = (
        sip.versions.select_related("lead_principal", "saved_unit").filter(number=number).first()
    )
    if version is None:
        raise NotFound("number", "Det finns ingen sådan version.")
    return _plan_out(version)


@router.post("/{id}/consent", response=SipOut, summary="Svar på erbjudandet om SIP (samtycke)")
def record_consent(request, id: UUID, payload: ConsentIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "consent")
    sip = actions.do_record_consent(
        request.auth,
        sip,
        payload.consent,
        scope=payload.scope,
        relatives_may_take_part=payload.relatives_may_take_part,
        relative=payload.relative,
        note=payload.note,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post("/{id}/invitation", response=SipOut, summary="Kalla till SIP-möte")
def invite(request, id: UUID, payload: InvitationIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "invite")
    units = [_unit(u, "units") for u in payload.units]
    sip = actions.do_invite(
        request.auth,
        sip,
        actions.InvitationInput(
            units=[u for u in units if u is not None],
            meeting_form=payload.meeting_form,
            meeting_at=payload.meeting_at,
            place=payload.place,
            individual_takes_part=payload.individual_takes_part,
            relatives=payload.relatives,
            others=payload.others,
            note=payload.note,
        ),
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post("/{id}/meeting", response=SipOut, summary="Registrera SIP-mötet och vilka som deltog")
def record_meeting(request, id: UUID, payload: MeetingIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "meeting")
    by_id = {p.public_id: p for p in sip.participants.all()}
    if any(a not in by_id for a in payload.attended):
        raise NotFound("attended", "En deltagare finns inte i den här SIP:en.")
    sip = actions.do_record_meeting(
        request.auth,
        sip,
        [by_id[a] for a in payload.attended],
        held_at=payload.held_at,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post(
    "/{id}/plan",
    response={201: PlanOut},
    summary="Spara planen som ny version",
    description="Refuses with 409 `stale_version` when `base_version` is not the current one: "
    "another save came first and nothing was saved.",
)
def save_plan(request, id: UUID, payload: PlanIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "plan")
    data = actions.PlanInput(
        what_matters=payload.what_matters,
        needs=payload.needs,
        goals=payload.goals,
        actions=[
            actions.ActionInput(
                description=a.description,
                principal=_principal(a.principal, f"actions.{i}.principal"),
                unit=_unit(a.unit, f"actions.{i}.unit"),
                person=a.person,
                start=a.start,
                status=a.status,
                key=a.key,
            )
            for i, a in enumerate(payload.actions)
        ],
        lead_principal=_principal(payload.lead_principal, "lead_principal"),
        follow_up_date=payload.follow_up_date,
        individual_part=payload.individual_part,
        others_part=payload.others_part,
        self_care=payload.self_care,
        contacts=[
            actions.ContactInput(
                unit=_unit(c.unit, f"contacts.{i}.unit"), name=c.name, phone=c.phone
            )
            for i, c in enumerate(payload.contacts)
        ],
        note=payload.note,
    )
    version = actions.do_save_plan(
        request.auth,
        sip,
        data,
        base_version=payload.base_version,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return Status(201, _plan_out(version))


@router.post(
    "/{id}/follow-up", response=SipOut, summary="Följ upp planen (eller avsluta med orsak)"
)
def follow_up(request, id: UUID, payload: FollowUpIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "follow_up")
    actions.do_follow_up(
        request.auth,
        sip,
        payload.statuses,
        base_version=payload.base_version,
        next_date=payload.next_date,
        close_reason=payload.close_reason,
        note=payload.note,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post("/{id}/close", response=SipOut, summary="Avsluta SIP:en med en orsak")
def close(request, id: UUID, payload: CloseIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "close")
    sip = actions.do_close(
        request.auth,
        sip,
        payload.reason,
        payload.note,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post("/{id}/withdraw-consent", response=SipOut, summary="Samtycket återtas: SIP:en stoppas")
def withdraw_consent(request, id: UUID, payload: NoteIn, idempotency_key: IdempotencyKey = None):
    sip = _load(request, id, "withdraw")
    sip = actions.do_withdraw_consent(
        request.auth,
        sip,
        payload.note,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post(
    "/{id}/participants",
    response=SipOut,
    summary="Bjud in fler deltagare efter kallelsen (var och en får sitt besked)",
)
def add_participants(
    request, id: UUID, payload: ParticipantsIn, idempotency_key: IdempotencyKey = None
):
    sip = _load(request, id, "participants")
    units = [_unit(u, "units") for u in payload.units]
    actions.do_add_participants(
        request.auth,
        sip,
        actions.ParticipantsInput(
            units=[u for u in units if u is not None],
            individual=payload.individual,
            relatives=payload.relatives,
            others=payload.others,
            note=payload.note,
        ),
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)


@router.post("/{id}/meetings", response={201: SipOut}, summary="Boka ett nytt SIP-möte")
def schedule_meeting(
    request, id: UUID, payload: NewMeetingIn, idempotency_key: IdempotencyKey = None
):
    sip = _load(request, id, "meetings")
    actions.do_schedule_meeting(
        request.auth,
        sip,
        actions.MeetingInput(
            meeting_form=payload.meeting_form,
            meeting_at=payload.meeting_at,
            place=payload.place,
            note=payload.note,
        ),
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return Status(201, _out(sip))


@router.post(
    "/{id}/meetings/held",
    response=SipOut,
    summary="Registrera det inbokade nya mötet och vilka som deltog",
)
def record_next_meeting(
    request, id: UUID, payload: MeetingIn, idempotency_key: IdempotencyKey = None
):
    sip = _load(request, id, "next_meeting")
    by_id = {p.public_id: p for p in sip.participants.all()}
    if any(a not in by_id for a in payload.attended):
        raise NotFound("attended", "En deltagare finns inte i den här SIP:en.")
    actions.do_record_next_meeting(
        request.auth,
        sip,
        [by_id[a] for a in payload.attended],
        held_at=payload.held_at,
        submission_key=idempotency_key,
        acting_unit=_unit(payload.unit, "unit"),
    )
    return _out(sip)
