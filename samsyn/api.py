"""The JSON API: django-ninja, OpenAPI at /api/openapi.json, docs at /api/docs.

Authentication: a bearer token (system users; `manage.py create_api_token`) or the browser
session (with CSRF). Every refusal is `{"errors": [{"field", "code", "message"}]}`.
"""

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from core.errors import ActionError
from organisations.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True
            )
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session, CSRF checked. Tried only when there is a session user,
    so a request with a wrong bearer token is answered 401, not a CSRF refusal."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Samsyn API",
    version="1",
    description="In- och utskrivning, meddelanden och kvittenser mellan region och kommun.",
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
)


def _errors(request, status: int, errors: list[dict]):
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request, exc: ActionError):
    status = 403 if exc.code in ("forbidden", "not_a_party", "not_recipient") else 400
    if exc.code in (
        "duplicate_submission",
        "already_acknowledged",
        "already_ready",
        "already_forwarded",
    ):
        status = 409
    return _errors(request, status, [exc.as_dict()])


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        loc = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "payload", "query", "path")
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


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
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
