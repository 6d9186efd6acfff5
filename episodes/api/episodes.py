"""Episodes: the list and one episode with its timeline (every read logged), and admission
(its preview and the admission itself)."""

from uuid import UUID

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from ninja.pagination import paginate
from ninja.responses import Status

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
    load_episode,
    reloaded,
    unit_by_id,
    units_by_id,
    units_out,
    with_relations,
)
from episodes.models import Episode, EpisodeState, Event
from episodes.schemas import AdmissionIn, AdmissionPreviewOut, EpisodeOut, EventOut
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Area, Unit

router = EpisodesRouter()


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
    return with_relations(episodes).defer(*NOT_SHOWN).order_by("-admitted_at", "-id")


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


@router.post("/episodes", response={201: EpisodeOut}, summary="Skriv in en patient")
def admit(request, payload: AdmissionIn, idempotency_key: IdempotencyKey = None):
    """`episodes.actions.do_admit`. Without `concerned_units` the proposed units take part."""
    ward = unit_by_id(payload.ward, "ward")
    concerned = None
    if payload.concerned_units is not None:
        concerned = units_by_id(payload.concerned_units, "concerned_units")
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
    with action_fields(units="concerned_units", note="notice_note", unit="ward"):
        episode = actions.do_admit(request.auth, ward, data, submission_key=idempotency_key)
    return Status(201, reloaded(load_episode(request, episode.public_id, "create")))
