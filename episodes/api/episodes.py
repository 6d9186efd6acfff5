"""Episodes: the list and one episode with its timeline (every read logged), and admission
(its preview and the admission itself)."""

from uuid import UUID

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from core import submissions
from core.errors import ActionError
from episodes import actions
from episodes.access import (
    care_unit_ids,
    find_individual_to_admit,
    visible_episodes,
    visible_parties,
)
from episodes.api.common import (
    EpisodesRouter,
    IdempotencyKey,
    LoggedPagination,
    NotFound,
    action_fields,
    answered_as,
    each,
    episodes_data,
    load_episode,
    reloaded,
    unit_by_id,
    units_by_id,
    units_out,
    with_own_relations,
)
from episodes.models import Episode, EpisodeState, Event
from episodes.schemas import (
    AdmissionIn,
    AdmissionPreviewOut,
    EpisodeOut,
    EventOut,
    event_data,
)
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Area, Unit

router = EpisodesRouter()


# -- episodes: reading -----------------------------------------------------------------------------


@router.get("/episodes", response=list[EpisodeOut], summary="Vårdtillfällen du får se")
@answered_as(episodes_data)
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
        unit_row = unit_by_id(unit, "unit")
        # The unit's parties not removed, among its visible ones (exact: whatever the user
        # may see, a party not removed sees as long), so the unit's history is not read.
        taking_part = visible_parties([unit_row.pk]).filter(removed_at__isnull=True)
        episodes = episodes.filter(id__in=taking_part.values("episode_id"))
    if state is not None:
        episodes = episodes.filter(state=state)
    if active is not None:
        live = [EpisodeState.ADMITTED, EpisodeState.READY]
        episodes = episodes.filter(state__in=live) if active else episodes.exclude(state__in=live)
    return with_own_relations(episodes).defer(*NOT_SHOWN).order_by("-admitted_at", "-id")


def _all_but(model, *shown: str) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in ("id", *shown)]


# The related columns `EpisodeOut` does not show, left undecoded on a list page (the same
# JSON for less Python per row): the individual's address and register links (who, never
# where), all of the previous stay but its id, the units' register data.
NOT_SHOWN = [
    *(
        f"individual__{name}"
        for name in _all_but(
            Individual,
            *("public_id", "identifier", "identifier_kind", "given_name", "family_name"),
            "protected_identity",
        )
    ),
    *(f"readmission_of__{name}" for name in _all_but(Episode, "public_id")),
    *(
        f"{unit}__{name}"
        for unit in ("ward", "care_contact_unit")
        for name in _all_but(Unit, "public_id", "name", "lane", "kind")
    ),
]


@router.get("/episodes/{id}", response=EpisodeOut, summary="Ett vårdtillfälle")
def get_episode(request, id: UUID):
    return reloaded(load_episode(request, id, "view"))


@router.get("/episodes/{id}/events", response=list[EventOut], summary="Vårdtillfällets tidslinje")
@answered_as(each(event_data))
def list_events(request, id: UUID):
    episode = load_episode(request, id, "events")
    return list(
        Event.objects.filter(episode=episode)
        .select_related("actor", "actor_unit", "unit", "message")
        .order_by("occurred_at", "id")
    )


# -- episodes: admission ---------------------------------------------------------------------------


def _individual_defaults(residence_area: UUID | None, listed_unit: UUID | None) -> dict:
    """Where a person not yet known lives and is listed (ignored for a known person)."""
    defaults: dict[str, object] = {}
    if residence_area is not None:
        area = Area.objects.select_related("municipality").filter(public_id=residence_area).first()
        if area is None:
            raise NotFound("residence_area", _("Det finns inget område med det id:t."))
        defaults.update(residence_area=area, municipality=area.municipality)
    if listed_unit is not None:
        defaults["listed_unit"] = unit_by_id(listed_unit, "listed_unit")
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
    concerned. For a person not yet known, from `residence_area` and `listed_unit`. Anyone
    who may not admit is refused, and the attempt is logged as refused."""
    parsed = parse_identifier(identifier, reserve=reserve_number)
    individual = find_individual_to_admit(
        request.auth, parsed.number, action="api.admission.lookup", request=request
    )
    basis = individual or Individual(**_individual_defaults(residence_area, listed_unit))
    return {
        "individual": individual,
        "proposed_units": units_out(actions.propose_concerned_units(basis)),
    }


# An admission's refusal names the body field the client sent.
ADMISSION_FIELDS = {"units": "concerned_units", "note": "notice_note", "unit": "ward"}


@router.post("/episodes", response={201: EpisodeOut}, summary="Skriv in en patient")
def admit(request, payload: AdmissionIn, idempotency_key: IdempotencyKey = None):
    """`episodes.actions.do_admit`. Without `concerned_units` the proposed units take part."""
    ward = unit_by_id(payload.ward, "ward")
    concerned = None
    if payload.concerned_units is not None:
        concerned = units_by_id(payload.concerned_units, "concerned_units")
    defaults = _individual_defaults(payload.residence_area, payload.listed_unit)
    data = _admission_input(payload, concerned, defaults)
    with action_fields(**ADMISSION_FIELDS):
        # The creating ward's read of the episode is logged in the action's transaction, and
        # the answer is the episode as the action wrote it: one commit, no second read.
        episode = actions.do_admit(
            request.auth,
            ward,
            data,
            submission_key=idempotency_key,
            log_read_as="api.episode.create",
            request=request,
        )
    return Status(201, episode)


# -- episodes: admissions in a batch (feeds, bulk API) -------------------------------------------

BATCH_MAX = 100


class BatchAdmissionIn(AdmissionIn):
    idempotency_key: str | None = Field(
        None,
        max_length=submissions.KEY_MAX_LENGTH,
        pattern=submissions.KEY_PATTERN,
        description="Ett nytt värde per inskrivning; samma värde igen ger det som skapades.",
    )


class BatchAdmissionsIn(Schema):
    admissions: list[BatchAdmissionIn] = Field(..., min_length=1, max_length=BATCH_MAX)


class BatchErrorOut(Schema):
    field: str | None
    code: str
    message: str


class BatchResultOut(Schema):
    status: int = Field(description="201 inskriven, annars som för en enskild inskrivning")
    episode: EpisodeOut | None = None
    errors: list[BatchErrorOut] = []
    resources: list[str] = Field(
        [], description="Vid 409 för en upprepad nyckel: det som den första skapade"
    )


class BatchAdmissionsOut(Schema):
    results: list[BatchResultOut]


class _Units:
    """The units and areas a batch names, read once for the whole batch."""

    def __init__(self, items: list[BatchAdmissionIn]):
        unit_ids = {item.ward for item in items}
        for item in items:
            unit_ids.update(item.concerned_units or [])
            if item.listed_unit is not None:
                unit_ids.add(item.listed_unit)
        self.units = {
            unit.public_id: unit
            for unit in Unit.objects.select_related("principal", "area").filter(
                public_id__in=unit_ids
            )
        }
        area_ids = {item.residence_area for item in items if item.residence_area is not None}
        self.areas = {
            area.public_id: area
            for area in Area.objects.select_related("municipality").filter(public_id__in=area_ids)
        }

    def unit(self, public_id: UUID, field: str) -> Unit:
        if public_id not in self.units:
            raise NotFound(field, _("Det finns ingen enhet med det id:t."))
        return self.units[public_id]

    def defaults(self, item: BatchAdmissionIn) -> dict:
        """As `_individual_defaults`, from the batch's rows."""
        defaults: dict[str, object] = {}
        if item.residence_area is not None:
            area = self.areas.get(item.residence_area)
            if area is None:
                raise NotFound("residence_area", _("Det finns inget område med det id:t."))
            defaults.update(residence_area=area, municipality=area.municipality)
        if item.listed_unit is not None:
            defaults["listed_unit"] = self.unit(item.listed_unit, "listed_unit")
        return defaults


def _admission_input(item: AdmissionIn, concerned: list[Unit] | None, defaults: dict):
    return actions.AdmissionInput(
        identifier=item.identifier,
        given_name=item.given_name,
        family_name=item.family_name,
        reserve_number=item.reserve_number,
        admitted_at=item.admitted_at,
        may_need_help=item.may_need_help,
        help_assessed_at=item.help_assessed_at,
        estimated_discharge_date=item.estimated_discharge_date,
        is_compulsory_care=item.is_compulsory_care,
        concerned_units=concerned,
        send_admission_notice=item.send_admission_notice,
        notice_note=item.notice_note,
        individual_defaults=defaults,
    )


def _refusal(request, error: ActionError, key: str | None) -> dict:
    """One admission's refusal as `POST /episodes` answers it (status, errors, resources)."""
    error.field = ADMISSION_FIELDS.get(error.field or "", error.field)
    result: dict = {"status": error.http_status, "errors": [error.as_dict()]}
    if error.code == "duplicate_submission":
        created = submissions.resource_of(key, request.auth)
        result["resources"] = created.split() if created else []
    return result


@router.post(
    "/admissions/batch",
    response=BatchAdmissionsOut,
    summary="Skriv in flera patienter på en gång",
)
def admit_many(request, payload: BatchAdmissionsIn):
    """Up to 100 admissions in one request, for a feed or a bulk transfer: each one as
    `POST /episodes` would make it (the same checks, rules and process), in the order given,
    with its own `idempotency_key` in the body. Each admission stands on its own: a refused
    one changes nothing and does not stop the others. The answer (200) has one result per
    admission, in the same order: `status` 201 with the episode, or the refusal's status and
    `errors` as for one admission; a key already used answers 409 `duplicate_submission` with
    what the first request created in `resources`, and admits nobody twice. A body that does
    not follow the schema is refused as a whole (422) and changes nothing."""
    user = request.auth
    items = payload.admissions
    found = _Units(items)
    results: list[dict | None] = [None] * len(items)
    by_ward: dict[int, list[tuple[int, actions.BatchAdmission]]] = {}
    wards: dict[int, Unit] = {}
    for index, item in enumerate(items):
        try:
            ward = found.unit(item.ward, "ward")
            concerned = None
            if item.concerned_units is not None:
                concerned = [
                    found.unit(public_id, "concerned_units")
                    for public_id in dict.fromkeys(item.concerned_units)
                ]
            data = _admission_input(item, concerned, found.defaults(item))
        except NotFound as exc:
            error = {"field": exc.field, "code": "not_found", "message": exc.message}
            results[index] = {"status": 404, "errors": [error]}
            continue
        wards[ward.pk] = ward
        by_ward.setdefault(ward.pk, []).append(
            (index, actions.BatchAdmission(data, item.idempotency_key))
        )
    # One transaction for the batch (each admission its own savepoint inside it), so the keys'
    # record of what they created commits with the admissions.
    with transaction.atomic():
        for ward_id, batch in by_ward.items():
            admitted = actions.do_admit_many(
                user,
                wards[ward_id],
                [admission for _index, admission in batch],
                log_read_as="api.episode.create",
                request=request,
            )
            for (index, admission), outcome in zip(batch, admitted, strict=True):
                if isinstance(outcome, ActionError):
                    results[index] = _refusal(request, outcome, admission.submission_key)
                    continue
                submissions.remember_resource(
                    admission.submission_key, user, f"/api/episodes/{outcome.public_id}"
                )
                results[index] = {"status": 201, "episode": outcome}
    return {"results": results}
