"""The one write: `POST /fhir/Communication`, a free message from the user's unit to another
unit taking part in the stay, through `episodes.actions.do_send_free_message` (the same action
as the pages and `POST /api/episodes/{id}/messages`), in one transaction, exactly once per
`Idempotency-Key`.

The body is parsed and validated by `fhir.resources` (R4B Communication) first; what Samsyn
needs of it is then checked: one `encounter`, exactly one `recipient` (an Organization: one
message per receiving unit, as Samsyn stores them), one text `payload`, and optionally the
`sender` (the user's unit to act through) and the `subject` (which must be the stay's patient).
"""

from __future__ import annotations

import json
import re

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from pydantic import ValidationError

from core import submissions
from core.errors import ActionError
from core.text import fields_with_control_characters
from episodes import actions
from episodes.access import get_episode_for_user
from episodes.models import Message
from fhir import build
from fhir.http import FhirError, answer, not_found
from fhir.registry import Context, reference_id
from fhir.resources.R4B.communication import Communication
from organisations.models import Unit

ACCEPTED_BODY_TYPES = {"application/fhir+json", "application/json", "application/json+fhir"}


def _invalid(message: str, expression: str = "") -> FhirError:
    return FhirError(400, "invalid", message, expression=expression)


def _parsed_body(request: HttpRequest) -> dict:
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_BODY_TYPES:
        raise FhirError(
            415, "not-supported", _("Skicka resursen som application/fhir+json."), expression=""
        )
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise FhirError(400, "structure", _("Innehållet är inte läsbar JSON.")) from None
    if not isinstance(data, dict):
        raise FhirError(400, "structure", _("Innehållet ska vara en FHIR-resurs (ett objekt)."))
    fields = list(fields_with_control_characters(data))
    if fields:
        raise _invalid(
            _("Texten innehåller otillåtna kontrolltecken (t.ex. ett nolltecken)."),
            fields[0] or "Communication",
        )
    if data.get("resourceType") != "Communication":
        raise _invalid(_("Resursen ska vara en Communication."), "resourceType")
    try:
        Communication.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error.get("loc", ()))
        raise FhirError(
            400,
            "structure",
            _("Resursen följer inte FHIR: %(where)s: %(why)s")
            % {"where": where, "why": error.get("msg", "")},
            expression=where or "Communication",
        ) from None
    return data


def _one_reference(data: dict, name: str, resource_type: str, *, many: bool = False):
    value = data.get(name)
    if many:
        if not isinstance(value, list) or len(value) != 1:
            raise _invalid(
                _("Ange exakt en mottagare (%(type)s); ett meddelande per mottagande enhet.")
                % {"type": resource_type},
                name,
            )
        value = value[0]
    reference = (value or {}).get("reference", "") if isinstance(value, dict) else ""
    found = reference_id(reference, resource_type) if reference else None
    if found is None:
        raise _invalid(
            _("%(name)s ska vara en referens till %(type)s/id.")
            % {"name": name, "type": resource_type},
            name,
        )
    return found


def _body(data: dict) -> str:
    texts = [p.get("contentString") for p in data.get("payload") or []]
    if len(texts) != 1 or not isinstance(texts[0], str) or not texts[0].strip():
        raise _invalid(_("Ange meddelandet som en payload med contentString."), "payload")
    return texts[0]


def _unit(public_id, name: str) -> Unit:
    unit = Unit.objects.filter(public_id=public_id).first()
    if unit is None:
        raise _invalid(_("Det finns ingen enhet med det id:t."), name)
    return unit


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if len(key) > submissions.KEY_MAX_LENGTH or not re.match(submissions.KEY_PATTERN, key):
        raise _invalid(_("Idempotency-Key ska vara 1–64 synliga ASCII-tecken."), "Idempotency-Key")
    return key


def create_communication(context: Context) -> HttpResponse:
    """Send the message; 201 with the Communication and its Location. Refusals change
    nothing: 400 bad input, 403 a unit or role that may not send, 404 a stay the user may not
    see (as a missing one), 409 an Idempotency-Key used before (with the Location of what the
    first request created)."""
    request = context.request
    data = _parsed_body(request)
    key = _idempotency_key(request)
    if data.get("status") != "completed":
        # The library checks the form of a code, not its value set; a message is sent at once.
        raise _invalid(
            _("status ska vara completed: meddelandet skickas när det tas emot."), "status"
        )
    episode_id = _one_reference(data, "encounter", "Encounter")
    recipient = _unit(_one_reference(data, "recipient", "Organization", many=True), "recipient")
    sender = None
    if data.get("sender") is not None:
        sender = _unit(_one_reference(data, "sender", "Organization"), "sender")
    body = _body(data)
    try:
        episode = get_episode_for_user(
            context.user, episode_id, action="fhir.communication.create", request=request
        )
    except Http404:
        raise not_found() from None
    if data.get("subject") is not None:
        if _one_reference(data, "subject", "Patient") != episode.individual.public_id:
            raise _invalid(_("subject är inte vårdtillfällets patient."), "subject")
    try:
        with transaction.atomic():
            (message,) = actions.do_send_free_message(
                context.user, episode, [recipient], body, submission_key=key, acting_unit=sender
            )
            location = f"Communication/{message.public_id}"
            submissions.remember_resource(key, context.user, location)
    except ActionError as exc:
        raise _refusal(exc, key, context) from None
    created = Message.objects.select_related(
        "episode__individual", "sender_unit", "recipient_unit"
    ).get(pk=message.pk)
    response = answer(request, build.communication(created), status=201)
    response["Location"] = request.build_absolute_uri(f"/fhir/{location}")
    return response


def _refusal(exc: ActionError, key: str | None, context: Context) -> FhirError:
    if exc.code == "duplicate_submission":
        created = submissions.resource_of(key, context.user)
        request = context.request
        return FhirError(
            409,
            "duplicate",
            exc.message,
            expression="Idempotency-Key",
            location=request.build_absolute_uri(f"/fhir/{created}") if created else "",
        )
    if exc.http_status == 403:
        return FhirError(403, "forbidden", exc.message, expression=exc.field or "")
    field = {"units": "recipient", "body": "payload", "unit": "sender"}.get(
        exc.field or "", exc.field or ""
    )
    return FhirError(400, "business-rule", exc.message, expression=field)
