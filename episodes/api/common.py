"""What the endpoints of the episode API share: the router class, id resolution, loading an
episode or message for the user, the opening of every step, and the logged pagination.

Nothing here is an endpoint; the endpoint modules (`register`, `episodes`, `steps`,
`messages`) build on it.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any, TypedDict
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.pagination import PageNumberPagination
from ninja.renderers import JSONRenderer
from ninja.responses import Status

from audit.log import log_access_many
from core import submissions
from core.errors import ActionError
from core.pages import in_order, page_ids
from episodes.access import acting_membership, get_episode_for_user, get_message_for_user
from episodes.models import Episode, Message, Party
from episodes.rules import Step
from episodes.schemas import PARTY_COLUMNS, ActingIn, episode_data
from organisations.models import Unit

RENDERER = JSONRenderer()
RENDERER_CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


class EpisodesRouter(Router):
    """A router whose operations keep the OpenAPI `operationId` they had when the whole API
    was the one module `episodes.api` (`episodes_api_<function>`): generated clients name
    their methods after it, so splitting the code into modules must not rename them."""

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **kwargs):
        operation_id = operation_id or f"episodes_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


def answered_as(data: Callable[[list], list[dict]]):
    """Decorate a list endpoint (above `@paginate`, if paginated) so that its rows are
    answered as `data(rows)` builds them (`episodes_data`, `each(schemas.message_data)`),
    rendered as the API renders (ninja's JSON renderer, which `samsyn.api` keeps) without
    ninja's per-attribute validation: the same bytes, and the operation keeps its declared
    `response` in the OpenAPI description. A page is
    `{"items": [...], "count": n}` as ninja's pagination answers it."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            result = view(request, *args, **kwargs)
            if isinstance(result, dict):
                body: Any = {
                    "items": data(result["items"]),
                    "count": result["count"],
                }
            else:
                body = data(list(result))
            content = RENDERER.render(request, body, response_status=200)
            return HttpResponse(content, content_type=RENDERER_CONTENT_TYPE)

        return wrapper

    return decorate


def each(data: Callable[[Any], dict]) -> Callable[[list], list[dict]]:
    """`answered_as` for rows built one by one."""
    return lambda rows: [data(row) for row in rows]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=submissions.KEY_MAX_LENGTH,
        pattern=submissions.KEY_PATTERN,
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


def answer_not_found(view):
    """Decorate an endpoint so that `NotFound` is answered 404 naming the field."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            error = {"field": exc.field, "code": "not_found", "message": exc.message}
            return JsonResponse({"errors": [error]}, status=404)

    return wrapper


@contextmanager
def action_fields(**renames: str):
    """Name an action's refusal after the body field the client sent (`units` → `to_units`)."""
    try:
        yield
    except ActionError as exc:
        if exc.field in renames:
            exc.field = renames[exc.field]
        raise


# -- resolving ids -------------------------------------------------------------------------------


def unit_by_id(public_id: UUID, field: str) -> Unit:
    """The unit with this public id (with what `UnitOut` reads), else 404 on `field`."""
    unit = Unit.objects.select_related("principal", "area").filter(public_id=public_id).first()
    if unit is None:
        raise NotFound(field, _("Det finns ingen enhet med det id:t."))
    return unit


def units_by_id(public_ids: Iterable[UUID], field: str) -> list[Unit]:
    """The units named, in the order given (duplicates once); one unknown id refuses all."""
    wanted = list(dict.fromkeys(public_ids))
    found = {u.public_id: u for u in Unit.objects.filter(public_id__in=wanted)}
    if len(found) != len(wanted):
        raise NotFound(field, _("Det finns ingen enhet med det id:t."))
    return [found[public_id] for public_id in wanted]


def units_out(units: Iterable[Unit]) -> list[Unit]:
    """`units` read again with everything `UnitOut` reads."""
    return list(
        Unit.objects.select_related("principal", "area").filter(pk__in=[u.pk for u in units])
    )


# -- loading with relations ----------------------------------------------------------------------


def with_own_relations(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """What `EpisodeOut` reads but the parties, in the episodes' own query."""
    return episodes.select_related("individual", "ward", "care_contact_unit", "readmission_of")


def with_relations(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Everything `EpisodeOut` reads, in a fixed number of queries however many rows."""
    return with_own_relations(episodes).prefetch_related(Prefetch("parties", queryset=PARTIES))


# The parties as `EpisodeOut` shows them, in order.
PARTIES = Party.objects.select_related("unit").order_by("added_at", "id")


def episodes_data(episodes: list[Episode]) -> list[dict]:
    """A page of episodes (`with_own_relations`) as `EpisodeOut` data; their parties in one
    query, read as values (a page's hundreds of parties and units never become models)."""
    parties: dict[int, list[dict]] = {episode.pk: [] for episode in episodes}
    for party in PARTIES.filter(episode__in=list(parties)).values(*PARTY_COLUMNS):
        parties[party["episode_id"]].append(party)
    return [episode_data(episode, parties[episode.pk]) for episode in episodes]


def messages_out(messages: QuerySet[Message] | None = None) -> QuerySet[Message]:
    """`messages` (all by default) with everything `MessageOut` reads."""
    return (Message.objects.all() if messages is None else messages).select_related(
        "episode__individual",
        "sender_unit",
        "recipient_unit",
        "sender",
        "acknowledged_by",
        "forwarded_to",
    )


def created_messages(messages: list[Message]) -> Status:
    """The answer of a step that sends messages: 201 with them, as `MessageOut`."""
    return Status(201, list(messages_out().filter(pk__in=[m.pk for m in messages]).order_by("id")))


def load_episode(request, public_id: UUID, action: str) -> Episode:
    """The episode if this user may see it (logged as `api.episode.<action>` either way),
    else 404 on `id`."""
    try:
        return get_episode_for_user(
            request.auth, public_id, action=f"api.episode.{action}", request=request
        )
    except Http404:
        raise NotFound(
            "id", _("Vårdtillfället finns inte eller är inte tillgängligt för dig.")
        ) from None


def reloaded(episode: Episode) -> Episode:
    """The episode read once more after an action, with relations; the read itself was
    logged on loading."""
    return with_relations(Episode.objects.filter(pk=episode.pk)).get()


def load_message(request, public_id: UUID, action: str) -> Message:
    """A message this user may read (see `access.get_message_for_user`), else 404 on `id`."""
    message = get_message_for_user(
        request.auth, public_id, action=f"api.message.{action}", request=request
    )
    if message is None:
        raise NotFound("id", _("Meddelandet finns inte eller är inte tillgängligt för dig."))
    return message  # read with every relation `MessageOut` needs


# -- the opening of every step -------------------------------------------------------------------


class ActingOptions(TypedDict):
    """What every episode action takes besides its own input (`actions.do_xxx(..., **acting)`)."""

    submission_key: str | None
    acting_unit: Unit | None


def acting_unit(request, episode: Episode, step: Step, payload: ActingIn) -> Unit | None:
    """The acting unit the client named, checked; None lets the action choose.

    Without a named unit the action acts through the user's first unit that is a party and
    may take the step. A named unit must be one of the user's, a party, and allowed the step.
    """
    if payload.unit is None:
        return None
    unit = unit_by_id(payload.unit, "unit")
    try:
        acting_membership(request.auth, episode, step, unit=unit)
    except ActionError as exc:
        exc.field = "unit"
        raise
    return unit


def acting_options(
    request, episode: Episode, step: Step, payload: ActingIn, idempotency_key: str | None
) -> ActingOptions:
    """The checked acting unit (refused on `unit`) and the idempotency key, as the action
    takes them."""
    unit = acting_unit(request, episode, step, payload)
    return ActingOptions(submission_key=idempotency_key, acting_unit=unit)


def open_step(
    request,
    public_id: UUID,
    step: Step,
    payload: ActingIn,
    idempotency_key: str | None,
    *,
    log_as: str,
) -> tuple[Episode, ActingOptions]:
    """The opening every step endpoint shares: the episode if this user may see it (logged as
    `api.episode.<log_as>`, else 404 on `id`), then `acting_options`. An endpoint that
    resolves ids of its body between the two calls `load_episode` and `acting_options`."""
    episode = load_episode(request, public_id, log_as)
    return episode, acting_options(request, episode, step, payload, idempotency_key)


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
        count = self._items_count(queryset)
        # A page past the last is refused before any OFFSET reaches the database (a huge page
        # number would not even fit its integer).
        if pagination.page > 1 and offset >= count:
            raise NotFound("page", _("Sidan finns inte: listan har inte så många sidor."))
        items = in_order(queryset, page_ids(queryset, offset, offset + page_size))
        _log_page(request, items)
        return {self.items_attribute: items, "count": count}


def _log_page(request, items: list) -> None:
    reads = [
        # granting_unit_id is a queryset annotation (episodes/api/episodes.py), unseen by the stubs
        (item, item.granting_unit_id)  # type: ignore[attr-defined]
        if isinstance(item, Episode)
        else (item.episode, item.recipient_unit_id)
        for item in items
    ]
    action = "api.episode.list" if items and isinstance(items[0], Episode) else "api.inbox.list"
    log_access_many(request.auth, action, reads, request=request)
