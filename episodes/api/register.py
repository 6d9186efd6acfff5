"""Who am I, the unit register, and looking up individuals (through the loaders of
`episodes.access`, which log every read)."""

from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _

from episodes import actions
from episodes.access import find_individual_for_user, get_individual_for_user
from episodes.api.common import EpisodesRouter, NotFound, unit_by_id, units_out
from episodes.schemas import IndividualOut, MeOut, UnitOut
from individuals.identifiers import parse_identifier
from organisations.models import Area, Lane, Unit, UnitKind

router = EpisodesRouter()


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
    return unit_by_id(id, "id")


# -- individuals -----------------------------------------------------------------------------------


@router.get("/individuals", response=list[IndividualOut], summary="Sök person på personnummer")
def search_individuals(request, identifier: str, reserve_number: bool = False):
    """At most one person: the one with this identifier, among the individuals of episodes
    you may see. The search is logged whether it finds someone or not."""
    parsed = parse_identifier(identifier, reserve=reserve_number)
    individual = find_individual_for_user(request.auth, parsed.number, request=request)
    return [individual] if individual else []


def _individual(request, public_id: UUID, action: str):
    """The individual if this user may see them (logged either way), else 404 on `id`."""
    try:
        return get_individual_for_user(
            request.auth, public_id, action=f"api.individual.{action}", request=request
        )
    except Http404:
        raise NotFound("id", _("Personen finns inte eller är inte tillgänglig för dig.")) from None


@router.get("/individuals/{id}", response=IndividualOut, summary="En person")
def get_individual(request, id: UUID):
    return _individual(request, id, "view")


@router.get(
    "/individuals/{id}/proposed-units", response=list[UnitOut], summary="Föreslagna berörda enheter"
)
def proposed_units(request, id: UUID):
    """The units normally responsible after discharge: home municipality's needs assessment
    and home health care, and the health centre where the person is listed."""
    individual = _individual(request, id, "proposed_units")
    return units_out(actions.propose_concerned_units(individual))
