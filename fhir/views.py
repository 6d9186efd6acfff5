"""The FHIR endpoints: the CapabilityStatement, and read and search of each resource type.

A search costs the same number of queries however many rows match: the token and the user's
units, the total, the page's ids, the page's rows with their relations (one query per
prefetched relation), and the access log of the page in one statement.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.pages import in_order, page_ids
from episodes.access import care_unit_ids
from fhir import write
from fhir.http import FhirError, answer, media_type, not_found, outcome, token_user
from fhir.registry import TYPES, Context, ResourceType

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Parameters every search takes besides the resource's own.
RESULT_PARAMS = {"_count", "_offset", "_format"}


def fhir_endpoint(view=None, *, methods: tuple[str, ...] = ("GET", "HEAD")):
    """Only `methods`; every refusal answered as an OperationOutcome; the format checked first."""

    def decorate(view):
        @csrf_exempt  # a bearer token, never a cookie: no CSRF to check
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise FhirError(
                        405, "not-supported", _("Metoden stöds inte här; se /fhir/metadata.")
                    )
                media_type(request)
                return view(request, *args, **kwargs)
            except FhirError as error:
                return outcome(request, error)

        return wrapper

    return decorate(view) if view is not None else decorate


# The types that take a create (POST /fhir/<Type>), and the function that does it.
CREATE = {"Communication": write.create_communication}


def _context(request: HttpRequest) -> Context:
    user = token_user(request)
    return Context(request=request, user=user, care_units=care_unit_ids(user))


# -- CapabilityStatement -------------------------------------------------------------------------


def capability_statement(request: HttpRequest) -> dict:
    """What this server implements, exactly: read and search-type per resource type with its
    search parameters, JSON only, bearer tokens."""
    resources = []
    for resource in TYPES.values():
        entry: dict = {
            "type": resource.name,
            "documentation": str(resource.documentation),
            "interaction": [{"code": "read"}, {"code": "search-type"}]
            + ([{"code": "create"}] if resource.name in CREATE else []),
            "versioning": "no-version",
            "readHistory": False,
            "updateCreate": False,
            "searchParam": [
                {"name": name, "type": kind, "documentation": doc}
                for name, (kind, doc) in resource.params.items()
            ],
        }
        if resource.profile:
            entry["supportedProfile"] = [resource.profile]
        resources.append(entry)
    base = request.build_absolute_uri("/fhir/").rstrip("/")
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "Samsyn",
        "kind": "instance",
        "software": {"name": "Samsyn"},
        "implementation": {"description": "Samsyn FHIR R4-gränssnitt", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Läsning och sökning; att skicka ett meddelande "
                "(POST Communication, med Idempotency-Key). Sökresultat pagineras med _count "
                f"(högst {MAX_COUNT}) och _offset; okända parametrar nekas med 400.",
                "security": {
                    "cors": False,
                    "description": "Authorization: Bearer <API-nyckel> (manage.py "
                    "create_api_token). Samma behörighet som JSON-API:t: användaren ser bara "
                    "det som dess enheter deltar i; varje läsning loggas.",
                },
                "resource": resources,
            }
        ],
    }


@fhir_endpoint
def metadata(request: HttpRequest) -> HttpResponse:
    return answer(request, capability_statement(request))


# -- read and search -----------------------------------------------------------------------------


def _search_params(request: HttpRequest, resource: ResourceType) -> dict[str, str]:
    """The resource's search parameters in the query, one value each; 400 for anything
    else (an unknown parameter, a modifier, a repeat, an empty value)."""
    params: dict[str, str] = {}
    for name in request.GET:
        if name in RESULT_PARAMS:
            continue
        if name not in resource.params:
            raise FhirError(
                400,
                "not-supported",
                _("Sökparametern %(name)s stöds inte för %(type)s; stöds: %(known)s.")
                % {"name": name, "type": resource.name, "known": ", ".join(resource.params)},
                expression=name,
            )
        values = request.GET.getlist(name)
        if len(values) != 1 or not values[0].strip():
            raise FhirError(
                400,
                "invalid",
                _("Ange %(name)s en gång, med ett värde (flera värden skiljs med komma).")
                % {"name": name},
                expression=name,
            )
        params[name] = values[0]
    return params


def _number(request: HttpRequest, name: str, default: int, maximum: int | None) -> int:
    text = request.GET.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or (maximum is not None and int(text) > maximum):
        limit = f" (0–{maximum})" if maximum is not None else ""
        raise FhirError(
            400,
            "invalid",
            _("%(name)s ska vara ett heltal%(limit)s.") % {"name": name, "limit": limit},
            expression=name,
        )
    return int(text)


def _page_url(request: HttpRequest, offset: int, count: int) -> str:
    query = [(k, v) for k, v in request.GET.items() if k not in ("_offset", "_count")]
    query += [("_count", str(count)), ("_offset", str(offset))]
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


@fhir_endpoint(methods=("GET", "HEAD", "POST"))
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    """Search (GET), or create (POST) where the type takes one."""
    resource = TYPES[resource_type]
    if request.method == "POST" and resource_type not in CREATE:
        raise FhirError(405, "not-supported", _("Metoden stöds inte här; se /fhir/metadata."))
    context = _context(request)
    if request.method == "POST":
        return CREATE[resource_type](context)
    params = _search_params(request, resource)
    count = _number(request, "_count", DEFAULT_COUNT, MAX_COUNT)
    offset = _number(request, "_offset", 0, None)
    rows = resource.visible(context, params).order_by(*resource.order)
    total = rows.count()
    items = []
    if count and offset < total:
        items = in_order(resource.fetch(rows), page_ids(rows, offset, offset + count))
    resource.log_page(context, items)
    links = [
        {"relation": "self", "url": _page_url(request, offset, count)},
        {"relation": "first", "url": _page_url(request, 0, count)},
    ]
    if count and offset + count < total:
        links.append({"relation": "next", "url": _page_url(request, offset + count, count)})
    if count and offset > 0:
        links.append(
            {"relation": "previous", "url": _page_url(request, max(offset - count, 0), count)}
        )
    base = request.build_absolute_uri(f"/fhir/{resource.name}/")
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{built['id']}",
                "resource": built,
                "search": {"mode": "match"},
            }
            for built in (resource.build(item) for item in items)
        ],
    }
    if not bundle["entry"]:
        del bundle["entry"]
    return answer(request, bundle)


@fhir_endpoint
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    resource = TYPES[resource_type]
    context = _context(request)
    if len(resource_id) > 64:
        raise not_found()
    return answer(request, resource.build(resource.read(context, resource_id)))


@fhir_endpoint
def unknown_type(request: HttpRequest, rest: str) -> HttpResponse:
    name = rest.split("/")[0]
    raise FhirError(
        404,
        "not-supported",
        _("Resurstypen %(name)s finns inte här; se /fhir/metadata.") % {"name": name[:64]},
    )
