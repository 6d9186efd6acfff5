"""What every FHIR answer shares: the media type and `_format`, the bearer token, and the
refusals as OperationOutcome with their HTTP status.

Every body leaves through `answer`, which validates it with `fhir.resources` first: a resource
the library refuses is a defect here, never something a client receives.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fhir.resources.R4B import get_fhir_model_class
from organisations.models import ApiToken, User

FHIR_JSON = "application/fhir+json"
# What `_format` or Accept may name; each is answered with FHIR JSON, `application/json` under
# its own name (a client that asked for plain JSON gets that header back).
JSON_FORMATS = {
    "json": FHIR_JSON,
    FHIR_JSON: FHIR_JSON,
    "application/json": "application/json",
    "application/json+fhir": FHIR_JSON,  # the DSTU2 name, still sent by older clients
}


class FhirError(Exception):
    """A refusal, answered as an OperationOutcome with `status`.

    `code` is the OperationOutcome issue type (http://hl7.org/fhir/issue-type): `login`,
    `forbidden`, `not-found`, `not-supported`, `invalid`, `value`, `processing`.
    """

    def __init__(
        self, status: int, code: str, message: str, *, expression: str = "", location: str = ""
    ):
        super().__init__(message)
        self.location = location
        self.status = status
        self.code = code
        self.message = message
        self.expression = expression


def not_found() -> FhirError:
    # One wording for "does not exist" and "exists but is not yours": existence is not leaked.
    return FhirError(404, "not-found", _("Resursen finns inte eller är inte tillgänglig för dig."))


def media_type(request: HttpRequest) -> str:
    """The media type to answer with, from `_format` (which wins) or Accept; FhirError 406
    for XML or anything else this server does not write."""
    wanted = request.GET.get("_format", "").strip()
    if wanted:
        base = wanted.split(";")[0].strip().lower()
        if base in JSON_FORMATS:
            return JSON_FORMATS[base]
        raise FhirError(
            406,
            "not-supported",
            _("Formatet %(format)s stöds inte; servern svarar bara med JSON.") % {"format": wanted},
            expression="_format",
        )
    accept = request.headers.get("Accept", "")
    offered = [part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()]
    for name in offered:
        if name in JSON_FORMATS:
            return JSON_FORMATS[name]
    if not offered or any(name in ("*/*", "application/*") for name in offered):
        return FHIR_JSON
    raise FhirError(
        406, "not-supported", _("Servern svarar bara med JSON (application/fhir+json).")
    )


def validated(data: dict):
    """`data` as a validated `fhir.resources` (R4B) model; raises the library's
    ValidationError for anything the model refuses."""
    model = get_fhir_model_class(data["resourceType"])
    return model.model_validate(data)


def answer(request: HttpRequest, data: dict, *, status: int = 200) -> HttpResponse:
    """`data` validated by the library and written as JSON in the media type asked for."""
    try:
        content_type = media_type(request)
    except FhirError:
        content_type = FHIR_JSON  # the 406 itself is written in the one format there is
    body = validated(data).model_dump_json(exclude_none=True, by_alias=True)
    response = HttpResponse(body, status=status, content_type=f"{content_type}; charset=utf-8")
    return response


def outcome(request: HttpRequest, error: FhirError) -> HttpResponse:
    issue: dict = {
        "severity": "error",
        "code": error.code,
        "diagnostics": error.message,
        "details": {"text": error.message},
    }
    if error.expression:
        issue["expression"] = [error.expression]
    response = answer(
        request, {"resourceType": "OperationOutcome", "issue": [issue]}, status=error.status
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="samsyn-fhir"'
    if error.location:  # a repeated Idempotency-Key: where the first request's resource is
        response["Location"] = error.location
    return response


def token_user(request: HttpRequest) -> User:
    """The active user whose API token (`Authorization: Bearer <key>`) the request carries,
    the same tokens and the same test as the JSON API's (`samsyn.api.TokenAuth`); FhirError
    401 without one, or for a revoked, unknown or inactive one."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise FhirError(401, "login", _("En giltig API-nyckel (Bearer-token) krävs."))
    user = ApiToken.user_for_key(key)
    if user is None:
        raise FhirError(
            401, "login", _("API-nyckeln är okänd, spärrad eller tillhör ingen aktiv användare.")
        )
    request.user = user
    return user
