"""The JSON API of the care-episode core: individuals, episodes, events, messages, inboxes.

Every endpoint is thin: it parses, resolves public ids to rows (an unknown id answers 404
naming the field), reaches patient data only through `episodes.access` (which logs every
read, granted or not), calls the action of `episodes.actions`, and serialises. Refusals are
`{"errors": [{"field", "code", "message"}]}` (see `samsyn/api.py` for the status codes).

An `Idempotency-Key` header on a POST is handed to the action as its submission key: the same
key a second time is refused with 409 `duplicate_submission` and changes nothing.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from functools import wraps
from typing import Annotated
from uuid import UUID

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from core.errors import ActionError
from core.pages import in_order, page_ids
from episodes import actions
from episodes.access import (
    acting_membership,
    care_unit_ids,
    find_individual_for_user,
    get_episode_for_user,
    get_individual_for_user,
    get_message_for_user,
    inbox_messages,
    log_access,
    log_access_many,
    visible_episodes,
    visible_parties,
)
from episodes.models import Episode, EpisodeState, Event, Message, Party
from episodes.rules import Step, may
from episodes.schemas import (
    ActingIn,
    AdmissionCorrectionIn,
    AdmissionIn,
    AdmissionPreviewOut,
    CareContactIn,
    CareRequestIn,
    DischargeIn,
    EpisodeOut,
    EstimatedDateIn,
    EventOut,
    ExitIn,
    ForwardIn,
    FreeMessageIn,
    HelpNeedIn,
    IndividualOut,
    MeOut,
    MessageOut,
    MomentNoteIn,
    NoteIn,
    PartiesIn,
    PlanningIn,
    ReadyNoticeIn,
    ReasonIn,
    SipInvitationIn,
    SipNeedIn,
    SipOfferIn,
    UnitOut,
)
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Area, Lane, Unit, UnitKind

router = Router(tags=["episodes"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=64,
        description="Ett nytt värde (t.ex. ett UUID) per avsedd ändring; samma värde igen nekas.",
    ),
]


# -- refusals that name a field ------------------------------------------------------------------


class NotFound(Exception):
    """An id that names nothing this user may reach: answered 404 with the field it came in."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _answer_not_found(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            error = {"field": exc.field, "code": "not_found", "message": exc.message}
            return JsonResponse({"errors": [error]}, status=404)

    return wrapper


router.add_decorator(_answer_not_found)


@contextmanager
def _fields(**renames: str):
    """Name an action's refusal after the body field the client sent (`units` → `to_units`)."""
    try:
        yield
    except ActionError as exc:
        if exc.field in renames:
            exc.field = renames[exc.field]
        raise


# -- resolving ids -------------------------------------------------------------------------------


def _unit(public_id: UUID, field: str) -> Unit:
    unit = Unit.objects.select_related("principal", "area").filter(public_id=public_id).first()
    if unit is None:
        raise NotFound(field, _("Det finns ingen enhet med det id:t."))
    return unit


def _units(public_ids: Iterable[UUID], field: str) -> list[Unit]:
    """The units named, in the order given (duplicates once); one unknown id refuses all."""
    wanted = list(dict.fromkeys(public_ids))
    found = {u.public_id: u for u in Unit.objects.filter(public_id__in=wanted)}
    if len(found) != len(wanted):
        raise NotFound(field, _("Det finns ingen enhet med det id:t."))
    return [found[public_id] for public_id in wanted]


def _with_relations(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Everything `EpisodeOut` reads, in a fixed number of queries however many rows."""
    parties = Party.objects.select_related("unit").order_by("added_at", "id")
    return episodes.select_related(
        "individual", "ward", "care_contact_unit", "readmission_of"
    ).prefetch_related(Prefetch("parties", queryset=parties))


def _messages(messages: QuerySet[Message] | None = None) -> QuerySet[Message]:
    """`messages` (all by default) with everything `MessageOut` reads."""
    return (Message.objects.all() if messages is None else messages).select_related(
        "episode__individual",
        "sender_unit",
        "recipient_unit",
        "sender",
        "acknowledged_by",
        "forwarded_to",
    )


def _episode(request, public_id: UUID, action: str) -> Episode:
    """The episode if this user may see it (logged either way), else 404 on `id`."""
    try:
        return get_episode_for_user(
            request.auth, public_id, action=f"api.episode.{action}", request=request
        )
    except Http404:
        raise NotFound(
            "id", _("Vårdtillfället finns inte eller är inte tillgängligt för dig.")
        ) from None


def _reloaded(episode: Episode) -> Episode:
    # Read once more after an action, with relations; the read itself was logged on loading.
    return _with_relations(Episode.objects.filter(pk=episode.pk)).get()


def _message(request, public_id: UUID, action: str) -> Message:
    """A message this user may read (see `access.get_message_for_user`), else 404 on `id`."""
    message = get_message_for_user(
        request.auth, public_id, action=f"api.message.{action}", request=request
    )
    if message is None:
        raise NotFound("id", _("Meddelandet finns inte eller är inte tillgängligt för dig."))
    return message  # read with every relation `MessageOut` needs


def _acting_unit(request, episode: Episode, step: Step, payload: ActingIn) -> Unit | None:
    """The acting unit the client named, checked; None lets the action choose.

    Without a named unit the action acts through the user's first unit that is a party and
    may take the step. A named unit must be one of the user's, a party, and allowed the step.
    """
    if payload.unit is None:
        return None
    unit = _unit(payload.unit, "unit")
    try:
        acting_membership(request.auth, episode, step, unit=unit)
    except ActionError as exc:
        exc.field = "unit"
        raise
    return unit


# -- pagination that logs what it shows ----------------------------------------------------------


class LoggedPagination(PageNumberPagination):
    """Ninja's page-number pagination; every episode on the page gets an access-log row.

    The rows are written in one statement so a page costs the same number of queries
    whatever its length.
    """

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=200, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        # The page's ids first, from the filter and order alone (the plan stays an index walk
        # over the visible rows), then those rows with their relations.
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        items = in_order(queryset, page_ids(queryset, offset, offset + page_size))
        _log_page(request, items)
        return {self.items_attribute: items, "count": self._items_count(queryset)}


def _log_page(request, items: list) -> None:
    reads = [
        (item, item.granting_unit_id)
        if isinstance(item, Episode)
        else (item.episode, item.recipient_unit_id)
        for item in items
    ]
    action = "api.episode.list" if items and isinstance(items[0], Episode) else "api.inbox.list"
    log_access_many(request.auth, action, reads, request=request)


# -- who am I, the register ------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="Inloggad användare och dess uppdrag")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "title": user.title,
        "hsa_id": user.hsa_id,
        "memberships": list(user.active_memberships().order_by("unit__name", "role")),
    }


@router.get("/units", response=list[UnitOut], summary="Enhetsregistret")
def list_units(
    request,
    lane: Lane | None = None,
    kind: UnitKind | None = None,
    area: UUID | None = None,
    include_inactive: bool = False,
):
    units = Unit.objects.select_related("principal", "area").order_by("name")
    if lane:
        units = units.filter(lane=lane)
    if kind:
        units = units.filter(kind=kind)
    if area:
        area_row = Area.objects.filter(public_id=area).first()
        if area_row is None:
            raise NotFound("area", _("Det finns inget område med det id:t."))
        units = units.filter(area=area_row)
    if not include_inactive:
        units = units.filter(is_active=True)
    return units


@router.get("/units/{id}", response=UnitOut, summary="En enhet")
def get_unit(request, id: UUID):
    return _unit(id, "id")


# -- individuals -----------------------------------------------------------------------------------


@router.get("/individuals", response=list[IndividualOut], summary="Sök person på personnummer")
def search_individuals(request, identifier: str, reserve_number: bool = False):
    """At most one person: the one with this identifier, among the individuals of episodes
    you may see. The search is logged whether it finds someone or not."""
    parsed = parse_identifier(identifier, reserve=reserve_number)
    individual = find_individual_for_user(request.auth, parsed.number, request=request)
    return [individual] if individual else []


@router.get("/individuals/{id}", response=IndividualOut, summary="En person")
def get_individual(request, id: UUID):
    try:
        return get_individual_for_user(
            request.auth, id, action="api.individual.view", request=request
        )
    except Http404:
        raise NotFound("id", _("Personen finns inte eller är inte tillgänglig för dig.")) from None


@router.get(
    "/individuals/{id}/proposed-units", response=list[UnitOut], summary="Föreslagna berörda enheter"
)
def proposed_units(request, id: UUID):
    """The units normally responsible after discharge: home municipality's needs assessment
    and home health care, and the health centre where the person is listed."""
    try:
        individual = get_individual_for_user(
            request.auth, id, action="api.individual.proposed_units", request=request
        )
    except Http404:
        raise NotFound("id", _("Personen finns inte eller är inte tillgänglig för dig.")) from None
    units = actions.propose_concerned_units(individual)
    return list(
        Unit.objects.select_related("principal", "area").filter(pk__in=[u.pk for u in units])
    )


# -- episodes: reading -----------------------------------------------------------------------------


@router.get("/episodes", response=list[EpisodeOut], summary="Vårdtillfällen du får se")
@paginate(LoggedPagination)
def list_episodes(
    request, unit: UUID | None = None, state: EpisodeState | None = None, active: bool | None = None
):
    """Newest admission first. `unit`: only episodes where that unit takes part now;
    `active`: only episodes not yet discharged or ended."""
    user = request.auth
    granting = visible_parties(care_unit_ids(user)).filter(episode=OuterRef("pk"))
    episodes = visible_episodes(user).annotate(
        granting_unit_id=Subquery(granting.order_by("id").values("unit_id")[:1])
    )
    if unit is not None:
        unit_row = _unit(unit, "unit")
        episodes = episodes.filter(parties__unit=unit_row, parties__removed_at__isnull=True)
    if state is not None:
        episodes = episodes.filter(state=state)
    if active is not None:
        live = [EpisodeState.ADMITTED, EpisodeState.READY]
        episodes = episodes.filter(state__in=live) if active else episodes.exclude(state__in=live)
    return _with_relations(episodes).order_by("-admitted_at", "-id")


@router.get("/episodes/{id}", response=EpisodeOut, summary="Ett vårdtillfälle")
def get_episode(request, id: UUID):
    return _reloaded(_episode(request, id, "view"))


@router.get("/episodes/{id}/events", response=list[EventOut], summary="Vårdtillfällets tidslinje")
def list_events(request, id: UUID):
    episode = _episode(request, id, "events")
    return list(
        Event.objects.filter(episode=episode)
        .select_related("actor", "actor_unit", "unit", "message")
        .order_by("occurred_at", "id")
    )


# -- episodes: admission ---------------------------------------------------------------------------


def _individual_defaults(residence_area: UUID | None, listed_unit: UUID | None) -> dict:
    """Where a person not yet known lives and is listed (ignored for a known person)."""
    defaults = {}
    if residence_area is not None:
        area = Area.objects.select_related("municipality").filter(public_id=residence_area).first()
        if area is None:
            raise NotFound("residence_area", _("Det finns inget område med det id:t."))
        defaults.update(residence_area=area, municipality=area.municipality)
    if listed_unit is not None:
        defaults["listed_unit"] = _unit(listed_unit, "listed_unit")
    return defaults


@router.get(
    "/admissions/proposed-units",
    response=AdmissionPreviewOut,
    summary="Förhandsvisa en inskrivning",
)
def preview_admission(
    request,
    identifier: str,
    reserve_number: bool = False,
    residence_area: UUID | None = None,
    listed_unit: UUID | None = None,
):
    """For a ward about to admit: the person if already known (reading them starts the
    ward's need-to-know and is logged as `api.admission.lookup`) and the units that would be
    concerned. For a person not yet known, from `residence_area` and `listed_unit`."""
    user = request.auth
    if not any(may(Step.ADMIT, m.unit.lane, m.role) for m in user.active_memberships()):
        raise ActionError(_("Bara vårdavdelningar registrerar inskrivningar."), code="forbidden")
    parsed = parse_identifier(identifier, reserve=reserve_number)
    individual = Individual.objects.filter(identifier=parsed.number).first()
    if individual is not None:
        log_access(user, "api.admission.lookup", individual=individual, request=request)
        basis = individual
    else:
        basis = Individual(**_individual_defaults(residence_area, listed_unit))
    units = actions.propose_concerned_units(basis)
    return {
        "individual": individual,
        "proposed_units": list(
            Unit.objects.select_related("principal", "area").filter(pk__in=[u.pk for u in units])
        ),
    }


@router.post("/episodes", response={201: EpisodeOut}, summary="Skriv in en patient")
def admit(request, payload: AdmissionIn, idempotency_key: IdempotencyKey = None):
    """`episodes.actions.do_admit`. Without `concerned_units` the proposed units take part."""
    ward = _unit(payload.ward, "ward")
    concerned = None
    if payload.concerned_units is not None:
        concerned = _units(payload.concerned_units, "concerned_units")
    data = actions.AdmissionInput(
        identifier=payload.identifier,
        given_name=payload.given_name,
        family_name=payload.family_name,
        reserve_number=payload.reserve_number,
        admitted_at=payload.admitted_at,
        may_need_help=payload.may_need_help,
        help_assessed_at=payload.help_assessed_at,
        estimated_discharge_date=payload.estimated_discharge_date,
        is_compulsory_care=payload.is_compulsory_care,
        concerned_units=concerned,
        send_admission_notice=payload.send_admission_notice,
        notice_note=payload.notice_note,
        individual_defaults=_individual_defaults(payload.residence_area, payload.listed_unit),
    )
    with _fields(units="concerned_units", note="notice_note", unit="ward"):
        episode = actions.do_admit(request.auth, ward, data, submission_key=idempotency_key)
    return Status(201, _reloaded(_episode(request, episode.public_id, "create")))


# -- episodes: one POST per action ---------------------------------------------------------------


def _messages_out(messages: list[Message]):
    return Status(201, list(_messages().filter(pk__in=[m.pk for m in messages]).order_by("id")))


@router.post(
    "/episodes/{id}/admission-notice",
    response={201: list[MessageOut]},
    summary="Skicka inskrivningsmeddelande",
)
def send_admission_notice(
    request, id: UUID, payload: NoteIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "admission_notice")
    acting = _acting_unit(request, episode, Step.SEND_ADMISSION_NOTICE, payload)
    messages = actions.do_send_admission_notice(
        request.auth, episode, note=payload.note, submission_key=idempotency_key, acting_unit=acting
    )
    return _messages_out(messages)


@router.post(
    "/episodes/{id}/estimated-discharge-date",
    response=EpisodeOut,
    summary="Sätt eller flytta beräknat utskrivningsdatum",
)
def set_estimated_date(
    request, id: UUID, payload: EstimatedDateIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "estimated_date")
    acting = _acting_unit(request, episode, Step.SET_ESTIMATED_DATE, payload)
    with _fields(estimated_discharge_date="date"):
        actions.do_set_estimated_date(
            request.auth, episode, payload.date, submission_key=idempotency_key, acting_unit=acting
        )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/parties", response=EpisodeOut, summary="Lägg till eller ta bort berörda enheter"
)
def edit_parties(request, id: UUID, payload: PartiesIn, idempotency_key: IdempotencyKey = None):
    episode = _episode(request, id, "parties")
    add = _units(payload.add, "add")
    remove = _units(payload.remove, "remove")
    acting = _acting_unit(request, episode, Step.EDIT_PARTIES, payload)
    with _fields(units="add"):
        actions.do_edit_parties(
            request.auth,
            episode,
            add=add,
            remove=remove,
            submission_key=idempotency_key,
            acting_unit=acting,
        )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/planning-messages",
    response={201: list[MessageOut]},
    summary="Skicka planeringsmeddelande",
)
def send_planning_message(
    request, id: UUID, payload: PlanningIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "planning_message")
    acting = _acting_unit(request, episode, Step.SEND_PLANNING_MESSAGE, payload)
    data = actions.PlanningInput(
        status=payload.status,
        remaining_needs=payload.remaining_needs,
        planned_actions=payload.planned_actions,
    )
    messages = actions.do_send_planning_message(
        request.auth, episode, data, submission_key=idempotency_key, acting_unit=acting
    )
    return _messages_out(messages)


@router.post(
    "/episodes/{id}/care-requests", response={201: list[MessageOut]}, summary="Skicka vårdbegäran"
)
def send_care_request(
    request, id: UUID, payload: CareRequestIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "care_request")
    to_unit = _unit(payload.to_unit, "to_unit")
    acting = _acting_unit(request, episode, Step.SEND_CARE_REQUEST, payload)
    with _fields(unit="to_unit"):
        message = actions.do_send_care_request(
            request.auth,
            episode,
            to_unit,
            payload.body,
            submission_key=idempotency_key,
            acting_unit=acting,
        )
    return _messages_out([message])


@router.post(
    "/episodes/{id}/messages", response={201: list[MessageOut]}, summary="Skicka fritt meddelande"
)
def send_free_message(
    request, id: UUID, payload: FreeMessageIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "free_message")
    to_units = _units(payload.to_units, "to_units")
    acting = _acting_unit(request, episode, Step.SEND_FREE_MESSAGE, payload)
    with _fields(units="to_units"):
        messages = actions.do_send_free_message(
            request.auth,
            episode,
            to_units,
            payload.body,
            submission_key=idempotency_key,
            acting_unit=acting,
        )
    return _messages_out(messages)


@router.post("/episodes/{id}/care-contact", response=EpisodeOut, summary="Utse fast vårdkontakt")
def appoint_care_contact(
    request, id: UUID, payload: CareContactIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "care_contact")
    acting = _acting_unit(request, episode, Step.APPOINT_CARE_CONTACT, payload)
    actions.do_appoint_care_contact(
        request.auth, episode, payload.name, submission_key=idempotency_key, acting_unit=acting
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/help-need",
    response=EpisodeOut,
    summary="Bedöm behov av insatser efter utskrivning",
)
def assess_help_need(
    request, id: UUID, payload: HelpNeedIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "help_need")
    acting = _acting_unit(request, episode, Step.ASSESS_HELP_NEED, payload)
    with _fields(help_assessed_at="assessed_at"):
        actions.do_assess_help_need(
            request.auth,
            episode,
            payload.may_need_help,
            assessed_at=payload.assessed_at,
            submission_key=idempotency_key,
            acting_unit=acting,
        )
    return _reloaded(episode)


@router.post("/episodes/{id}/sip-need", response=EpisodeOut, summary="Bedöm behov av SIP")
def assess_sip_need(request, id: UUID, payload: SipNeedIn, idempotency_key: IdempotencyKey = None):
    episode = _episode(request, id, "sip_need")
    acting = _acting_unit(request, episode, Step.ASSESS_SIP_NEED, payload)
    actions.do_assess_sip_need(
        request.auth,
        episode,
        payload.needed,
        payload.note,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/sip-offer", response=EpisodeOut, summary="Registrera erbjudande om SIP"
)
def record_sip_offer(
    request, id: UUID, payload: SipOfferIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "sip_offer")
    acting = _acting_unit(request, episode, Step.RECORD_SIP_OFFER, payload)
    actions.do_record_sip_offer(
        request.auth,
        episode,
        payload.consent,
        payload.consent_by,
        payload.note,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/sip-invitation",
    response={201: list[MessageOut]},
    summary="Skicka kallelse till SIP",
)
def send_sip_invitation(
    request, id: UUID, payload: SipInvitationIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "sip_invitation")
    acting = _acting_unit(request, episode, Step.RECORD_SIP_INVITATION, payload)
    messages = actions.do_record_sip_invitation(
        request.auth,
        episode,
        payload.meeting_at,
        payload.note,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _messages_out(messages)


@router.post(
    "/episodes/{id}/ready-notice",
    response=EpisodeOut,
    summary="Skicka meddelande om utskrivningsklar",
)
def send_ready_notice(
    request, id: UUID, payload: ReadyNoticeIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "ready_notice")
    acting = _acting_unit(request, episode, Step.SEND_READY_NOTICE, payload)
    actions.do_send_ready_notice(
        request.auth,
        episode,
        occurred_at=payload.occurred_at,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/ready-notice/revoke", response=EpisodeOut, summary="Återta utskrivningsklar"
)
def revoke_ready_notice(
    request, id: UUID, payload: ReasonIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "ready_notice_revoke")
    acting = _acting_unit(request, episode, Step.REVOKE_READY_NOTICE, payload)
    actions.do_revoke_ready_notice(
        request.auth, episode, payload.reason, submission_key=idempotency_key, acting_unit=acting
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/information-transfer",
    response=EpisodeOut,
    summary="Registrera informationsöverföring",
)
def record_information_transfer(
    request, id: UUID, payload: MomentNoteIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "information_transfer")
    acting = _acting_unit(request, episode, Step.RECORD_INFORMATION_TRANSFER, payload)
    actions.do_record_information_transfer(
        request.auth,
        episode,
        payload.note,
        occurred_at=payload.occurred_at,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/summary", response=EpisodeOut, summary="Registrera skriftlig sammanfattning"
)
def record_summary(
    request, id: UUID, payload: MomentNoteIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "summary")
    acting = _acting_unit(request, episode, Step.RECORD_SUMMARY, payload)
    actions.do_record_summary(
        request.auth,
        episode,
        payload.note,
        occurred_at=payload.occurred_at,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post("/episodes/{id}/discharge", response=EpisodeOut, summary="Skriv ut patienten")
def discharge(request, id: UUID, payload: DischargeIn, idempotency_key: IdempotencyKey = None):
    episode = _episode(request, id, "discharge")
    acting = _acting_unit(request, episode, Step.DISCHARGE, payload)
    actions.do_discharge(
        request.auth,
        episode,
        payload.destination,
        discharged_at=payload.discharged_at,
        note=payload.note,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post("/episodes/{id}/exit", response=EpisodeOut, summary="Avbryt processen")
def exit_process(request, id: UUID, payload: ExitIn, idempotency_key: IdempotencyKey = None):
    episode = _episode(request, id, "exit")
    acting = _acting_unit(request, episode, Step.EXIT, payload)
    actions.do_exit(
        request.auth,
        episode,
        payload.reason,
        payload.note,
        occurred_at=payload.occurred_at,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


@router.post(
    "/episodes/{id}/admission-correction", response=EpisodeOut, summary="Rätta inskrivningstid"
)
def correct_admission(
    request, id: UUID, payload: AdmissionCorrectionIn, idempotency_key: IdempotencyKey = None
):
    episode = _episode(request, id, "admission_correction")
    acting = _acting_unit(request, episode, Step.CORRECT_ADMISSION, payload)
    actions.do_correct_admission(
        request.auth,
        episode,
        payload.admitted_at,
        payload.reason,
        submission_key=idempotency_key,
        acting_unit=acting,
    )
    return _reloaded(episode)


# -- inboxes and messages -------------------------------------------------------------------------


@router.get("/units/{id}/inbox", response=list[MessageOut], summary="Enhetens inkorg")
@paginate(LoggedPagination)
def inbox(request, id: UUID, unacknowledged: bool = False):
    """Messages to a unit you work at in a care role, newest first, about episodes the unit
    may still see. `unacknowledged=true`: only those still waiting for a kvittens."""
    user = request.auth
    unit = _unit(id, "id")
    if unit.id not in care_unit_ids(user):
        log_access(user, "api.inbox.list", unit_id=unit.id, granted=False, request=request)
        raise ActionError(_("Du arbetar inte på den enheten."), code="forbidden", field="id")
    messages = _messages(inbox_messages([unit.id], waiting=unacknowledged))
    return messages.order_by("-sent_at", "-id")


@router.get("/messages/{id}", response=MessageOut, summary="Ett meddelande (markeras som läst)")
def get_message(request, id: UUID):
    """Opening a message addressed to your unit marks it read for the unit."""
    message = _message(request, id, "view")
    if message.recipient_unit_id in care_unit_ids(request.auth):
        actions.do_mark_read(request.auth, message)
    return message


@router.post("/messages/{id}/acknowledge", response=MessageOut, summary="Kvittera ett meddelande")
def acknowledge(request, id: UUID, idempotency_key: IdempotencyKey = None):
    message = _message(request, id, "acknowledge")
    actions.do_acknowledge(request.auth, message, submission_key=idempotency_key)
    return _messages().get(pk=message.pk)


@router.post(
    "/messages/{id}/forward",
    response={201: MessageOut},
    summary="Skicka ett felsänt meddelande vidare",
)
def forward(request, id: UUID, payload: ForwardIn, idempotency_key: IdempotencyKey = None):
    """The message goes on to `to_unit`, which takes your unit's place as a unit concerned.
    Answers with the new message."""
    message = _message(request, id, "forward")
    to_unit = _unit(payload.to_unit, "to_unit")
    with _fields(units="to_unit", unit="to_unit"):
        copy = actions.do_forward(
            request.auth, message, to_unit, payload.reason, submission_key=idempotency_key
        )
    return Status(201, _messages().get(pk=copy.pk))
