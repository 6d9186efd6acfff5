"""Messages: a unit's inbox, reading a message (which marks it read), acknowledging it, and
sending a misdirected message on."""

from uuid import UUID

from django.utils.translation import gettext as _
from ninja.pagination import paginate
from ninja.responses import Status

from audit.log import log_access
from core.errors import ActionError
from episodes import actions
from episodes.access import care_unit_ids, inbox_messages
from episodes.actions.parties import contact_removed
from episodes.api.common import (
    EpisodesRouter,
    IdempotencyKey,
    LoggedPagination,
    action_fields,
    answered_as,
    each,
    load_message,
    messages_out,
    unit_by_id,
)
from episodes.schemas import ForwardIn, MessageOut, message_data

router = EpisodesRouter()


@router.get("/units/{id}/inbox", response=list[MessageOut], summary="Enhetens inkorg")
@answered_as(each(message_data))
@paginate(LoggedPagination)
def inbox(request, id: UUID, unacknowledged: bool = False):
    """Messages to a unit you work at in a care role, newest first, about episodes the unit
    may still see. `unacknowledged=true`: only those still waiting for a kvittens."""
    user = request.auth
    unit = unit_by_id(id, "id")
    if unit.id not in care_unit_ids(user):
        log_access(user, "api.inbox.list", unit_id=unit.id, granted=False, request=request)
        raise ActionError(_("Du arbetar inte på den enheten."), code="forbidden", field="id")
    messages = messages_out(inbox_messages([unit.id], waiting=unacknowledged))
    return messages.only(*INBOX_COLUMNS).order_by("-sent_at", "-id")


# What `MessageOut` and the page's access log read of a message and its relations: a page of
# the inbox decodes these columns only (the episode's and the individual's other ~40 are
# not shown), the same JSON for less Python per row.
_UNIT = ("public_id", "name", "lane", "kind")
USER_NAME = ("first_name", "last_name", "username")  # str(user)
INBOX_COLUMNS = (
    "public_id",
    "episode_id",
    "kind",
    "sent_at",
    "body",
    "data",
    "read_at",
    "acknowledged_at",
    "sender_unit_id",
    "recipient_unit_id",
    "sender_id",
    "acknowledged_by_id",
    "forwarded_to_id",
    "episode__public_id",
    "episode__individual_id",
    *(
        f"episode__individual__{name}"
        for name in (
            "public_id",
            "identifier",
            "identifier_kind",
            "given_name",
            "family_name",
            "protected_identity",
        )
    ),
    *(f"sender_unit__{name}" for name in _UNIT),
    *(f"recipient_unit__{name}" for name in _UNIT),
    *(f"{user}__{name}" for user in ("sender", "acknowledged_by") for name in USER_NAME),
    "forwarded_to__public_id",
)


@router.get("/messages/{id}", response=MessageOut, summary="Ett meddelande (markeras som läst)")
def get_message(request, id: UUID):
    """Opening a message addressed to your unit marks it read for the unit."""
    message = load_message(request, id, "view")
    if message.recipient_unit_id in care_unit_ids(request.auth):
        actions.do_mark_read(request.auth, message)
    # The stored copy is blanked when protection is set; this holds whatever path set it.
    message.data = contact_removed(message.data, message.episode.individual)
    return message


@router.post("/messages/{id}/acknowledge", response=MessageOut, summary="Kvittera ett meddelande")
def acknowledge(request, id: UUID, idempotency_key: IdempotencyKey = None):
    message = load_message(request, id, "acknowledge")
    actions.do_acknowledge(request.auth, message, submission_key=idempotency_key)
    return messages_out().get(pk=message.pk)


@router.post(
    "/messages/{id}/forward",
    response={201: MessageOut},
    summary="Skicka ett felsänt meddelande vidare",
)
def forward(request, id: UUID, payload: ForwardIn, idempotency_key: IdempotencyKey = None):
    """The message goes on to `to_unit`, which takes your unit's place as a unit concerned.
    Answers with the new message."""
    message = load_message(request, id, "forward")
    to_unit = unit_by_id(payload.to_unit, "to_unit")
    with action_fields(units="to_unit", unit="to_unit"):
        copy = actions.do_forward(
            request.auth, message, to_unit, payload.reason, submission_key=idempotency_key
        )
    return Status(201, messages_out().get(pk=copy.pk))
