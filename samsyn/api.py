"""The JSON API: django-ninja, OpenAPI at /api/openapi.json, docs at /api/docs.

Authentication: a bearer token (system users; `manage.py create_api_token`) or the browser
session (with CSRF). Every refusal is `{"errors": [{"field", "code", "message"}]}`.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from core import submissions
from core.errors import ActionError
from core.text import fields_with_control_characters
from episodes.api.common import NotFound
from organisations.models import ApiToken
from samsyn.security.docs import docs_behind_login


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.user_for_key(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session, CSRF checked. Tried only when there is a session user,
    so a request with a wrong bearer token is answered 401, not a CSRF refusal."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().__call__(request)


class ControlCharacters(Exception):
    """Decoded input holds a control character (`core.text`): refused 400 on each field."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


class CheckedParser(Parser):
    """Ninja's JSON parser, refusing control characters in the body and the query string
    (a NUL byte cannot be stored in PostgreSQL; the others hide what a reader sees)."""

    def parse_body(self, request):
        data = json.loads(request.body)
        fields = list(fields_with_control_characters(data))
        if fields:
            # Ninja turns any exception of parse_body into its own 400; `on_http_error` reads
            # the fields from here to answer the control-character refusal instead.
            request.control_character_fields = fields
            raise ControlCharacters(fields)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        refuse_control_characters(result)
        return result


def refuse_control_characters(data) -> None:
    fields = list(fields_with_control_characters(data))
    if fields:
        raise ControlCharacters(fields)


# The refusals any operation may answer, with the shape they have (`{"errors": [...]}`).
ERROR_RESPONSES = {
    "400": "Ogiltig förfrågan: oläslig JSON, otillåtna kontrolltecken eller en vägrad åtgärd.",
    "401": "Inloggning eller giltig token krävs.",
    "403": "Åtgärden är inte tillåten för dig (eller CSRF-kontrollen misslyckades).",
    "404": "Det som id:t eller sidan pekar på finns inte eller är inte tillgängligt för dig.",
    "409": "Redan gjort: samma Idempotency-Key igen, eller steget är redan taget.",
    "413": "Förfrågans innehåll är för stort.",
    "422": "Ett fält har fel form eller saknas.",
}
ERRORS_SCHEMA = {
    "title": "Errors",
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
        "resources": {
            "description": "Vid 409 för en upprepad Idempotency-Key: det som den första skapade.",
            "type": "array",
            "items": {"type": "string"},
        },
    },
}


def created_resources(path: str, data) -> list[str]:
    """The API paths of what a successful POST to `path` answered with: each message of a
    list, else the episode or message in the answer (`/api/<collection>/<id>`)."""
    parts = path.strip("/").split("/")
    collection = parts[1] if len(parts) > 1 else ""
    if isinstance(data, list):
        return [f"/api/messages/{item['id']}" for item in data if isinstance(item, dict)]
    if isinstance(data, dict) and "id" in data and collection in ("episodes", "messages"):
        return [f"/api/{collection}/{data['id']}"]
    return [path]


class SamsynAPI(NinjaAPI):
    """The API whose OpenAPI description names every refusal each operation may answer,
    and which remembers what an idempotent request created (for the 409 of a repeat)."""

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        key = request.headers.get("Idempotency-Key")
        if key and request.method == "POST" and 200 <= response.status_code < 300:
            user = getattr(request, "auth", None)
            if user is not None:
                submissions.remember_resource(
                    key, user, " ".join(created_resources(request.path, data))
                )
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERRORS_SCHEMA
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Errors"}
                                }
                            },
                        },
                    )
        return schema


api = SamsynAPI(
    title="Samsyn API",
    version="1",
    description="In- och utskrivning, meddelanden och kvittenser mellan region och kommun.",
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    parser=CheckedParser(),
    docs_decorator=docs_behind_login,
)


def _errors(request, status: int, errors: list[dict]):
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request, exc: ActionError):
    status = exc.http_status
    body: dict = {"errors": [exc.as_dict()]}
    response_headers = {}
    if exc.code == "duplicate_submission":
        # The repeat of an idempotent request names what the first one created.
        created = submissions.resource_of(
            request.headers.get("Idempotency-Key"), getattr(request, "auth", None)
        )
        if created:
            body["resources"] = created.split()
            response_headers["Location"] = body["resources"][0]
    response = api.create_response(request, body, status=status)
    for name, value in response_headers.items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        loc = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "payload", "query", "path", "header")
        ]
        errors.append(
            {
                "field": ".".join(loc) or None,
                "code": error.get("type", "invalid"),
                "message": error.get("msg", "Ogiltigt värde"),
            }
        )
    return _errors(request, 422, errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _errors(
        request, 404, [{"field": None, "code": "not_found", "message": "Hittades inte."}]
    )


@api.exception_handler(NotFound)
def on_not_found_field(request, exc: NotFound):
    return _errors(
        request, 404, [{"field": exc.field, "code": "not_found", "message": exc.message}]
    )


@api.exception_handler(ControlCharacters)
def on_control_characters(request, exc: ControlCharacters):
    message = (
        "Texten innehåller otillåtna kontrolltecken (t.ex. ett nolltecken). Inget har ändrats."
    )
    return _errors(
        request,
        400,
        [
            {"field": field or None, "code": "control_character", "message": message}
            for field in exc.fields
        ],
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _errors(
        request,
        413,
        [
            {
                "field": None,
                "code": "too_large",
                "message": "Förfrågan är för stor. Inget har ändrats.",
            }
        ],
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if getattr(request, "control_character_fields", None):
        return on_control_characters(request, ControlCharacters(request.control_character_fields))
    message = str(exc)
    code = {403: "csrf_failed" if "CSRF" in message else "forbidden", 400: "malformed_body"}.get(
        exc.status_code, "http_error"
    )
    text = {
        "csrf_failed": "CSRF-kontrollen misslyckades. Inget har ändrats.",
        "malformed_body": "Förfrågan kunde inte läsas (ogiltig JSON). Inget har ändrats.",
    }.get(code, message)
    return _errors(request, exc.status_code, [{"field": None, "code": code, "message": text}])


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _errors(
        request,
        401,
        [
            {
                "field": None,
                "code": "unauthenticated",
                "message": "Inloggning eller giltig token krävs.",
            }
        ],
    )


api.add_router("/", "episodes.api.router")
api.add_router("/process", "process.api.router")
api.add_router("/statistics", "indicators.api.router")
api.add_router("/sip", "sip.api.router")
api.add_router("/deviations", "deviations.api.router")
api.add_router("/competence", "competence.api.router")
api.add_router("/surveys", "surveys.api.router")
api.add_router("/governance", "governance.api.router")
