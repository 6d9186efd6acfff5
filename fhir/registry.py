"""The resource types this server serves: for each, what a token's user may see, the search
parameters, how one is read (and logged), how a page of a search is logged.

Need-to-know is the JSON API's, through the same loaders: `episodes.access` for a stay, its
individual, its activities and messages; `sip.access` for a SIP and its consent;
`audit.access` for the access log (administrators only). A row that exists but is not the
user's is answered exactly like one that does not exist (404), and the attempt is logged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.access import individual_for_review
from audit.log import log_access, log_access_many, log_individuals_many
from audit.models import AccessLog
from core.errors import ActionError
from core.timerules import start_of_local_day
from episodes.access import (
    get_episode_for_user,
    get_individual_for_user,
    get_message_for_user,
    visible_parties,
)
from episodes.models import Episode, Message
from fhir import build
from fhir.http import FhirError, not_found
from individuals.identifiers import FHIR_SYSTEMS, RESERVNUMMER, parse_identifier
from individuals.models import Individual
from organisations.models import Membership, Principal, Role, Unit, User
from process.models import ActivityStatus, EpisodeActivity
from sip.access import get_sip_for_user, log_list, visible_sips
from sip.models import CONSENTING, PlanAction, PlanVersion, Sip, SipState


@dataclass
class Context:
    """One request's reader: the token's user and the units through which they read."""

    request: HttpRequest
    user: User
    care_units: set[int] = field(default_factory=set)


# -- search parameter values ---------------------------------------------------------------------


def reference_id(value: str, resource_type: str) -> uuid.UUID | None:
    """The id a reference parameter names (`Type/id`, an absolute URL ending so, or a bare
    id), or None when it cannot name a row of `resource_type` (nothing matches then)."""
    text = value.strip()
    if "/" in text:
        parts = text.rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] != resource_type:
            return None
        text = parts[-1]
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def token(value: str) -> tuple[str | None, str]:
    """`system|code`, `|code` (no system) or `code` (any system)."""
    if "|" in value:
        system, _sep, code = value.partition("|")
        return system, code
    return None, value


def codes(value: str) -> list[str]:
    """A comma-separated list of codes (any of them matches)."""
    return [part.strip() for part in value.split(",") if part.strip()]


def unknown_code(name: str, value: str, allowed) -> FhirError:
    return FhirError(
        400,
        "value",
        _("Okänt värde %(value)s för %(name)s; tillåtna: %(allowed)s.")
        % {"value": value, "name": name, "allowed": ", ".join(sorted(allowed))},
        expression=name,
    )


DATE_PREFIXES = ("eq", "gt", "ge", "lt", "le")


def date_filter(name: str, value: str, field_name: str) -> Q:
    """A FHIR date parameter (`ge2026-12-01`, `gt2026-12-01T10:00:00Z`, `2026-12-01`) as a
    filter on `field_name`. A date alone is the Stockholm calendar day; a time must carry its
    offset (or Z). Several values (`_lastUpdated=ge…&…`) are not taken: one range end each."""
    text = value.strip()
    prefix = text[:2] if text[:2] in DATE_PREFIXES else "eq"
    text = text[2:] if text[:2] in DATE_PREFIXES else text
    try:
        if "T" in text:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise ValueError(text)
            start = end = moment
            end_exclusive = False
        else:
            day = dt.date.fromisoformat(text)
            start = start_of_local_day(day)
            end = start_of_local_day(day + dt.timedelta(days=1))
            end_exclusive = True
    except ValueError:
        raise FhirError(
            400,
            "value",
            _(
                "%(name)s ska vara ett datum (ÅÅÅÅ-MM-DD) eller en tidpunkt med tidszon, "
                "med prefixet eq, gt, ge, lt eller le."
            )
            % {"name": name},
            expression=name,
        ) from None
    if prefix == "ge":
        return Q(**{f"{field_name}__gte": start})
    if prefix == "gt":
        return Q(**{f"{field_name}__gte" if end_exclusive else f"{field_name}__gt": end})
    if prefix == "lt":
        return Q(**{f"{field_name}__lt": start})
    if prefix == "le":
        return Q(**{f"{field_name}__lt" if end_exclusive else f"{field_name}__lte": end})
    if end_exclusive:
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return Q(**{field_name: start})


def granting_unit(path: str, context: Context) -> Subquery:
    """The first unit through which the user may see the episode at `path` (for the log)."""
    parties = visible_parties(context.care_units).filter(episode_id=OuterRef(path))
    return Subquery(parties.order_by("id").values("unit_id")[:1])


# -- the resource types --------------------------------------------------------------------------


@dataclass
class ResourceType:
    """One resource type: `visible` (a queryset of what the user may see, already filtered
    by the search), `fetch` (those rows with what `build` reads), `log_page`, `read`."""

    name: str
    documentation: str | Promise
    params: dict[str, tuple[str, str]]  # name -> (FHIR search parameter type, documentation)
    visible: Callable[[Context, dict[str, str]], QuerySet]
    fetch: Callable[[QuerySet], QuerySet]
    build: Callable[..., dict]
    read: Callable[[Context, str], object]
    log_page: Callable[[Context, list], None]
    order: tuple[str, ...] = ("-id",)
    profile: str = ""
    patient_data: bool = True


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise not_found() from None


def _by_id(rows: QuerySet, params: dict[str, str], field_name: str = "public_id") -> QuerySet:
    if "_id" in params:
        ids = [reference_id(v, "") for v in codes(params["_id"])]
        rows = rows.filter(**{f"{field_name}__in": [i for i in ids if i is not None]})
    return rows


# Patient ----------------------------------------------------------------------------------------

PERSON_SYSTEMS = {
    **{system: kind for kind, system in build.SE_IDENTIFIER_SYSTEMS.items()},
    **{system: kind for kind, system in FHIR_SYSTEMS.items()},
    build.local_system("reservnummer"): RESERVNUMMER,
}


def _identifier_number(value: str) -> str | None:
    """The stored identifier a `system|value` names, or None when the system is not one of
    Samsyn's (nothing matches). An identity number that is not valid is refused (400)."""
    system, number = token(value)
    kind = PERSON_SYSTEMS.get(system) if system else None
    if system and kind is None:
        return None
    try:
        return parse_identifier(number, reserve=kind == RESERVNUMMER).number
    except ActionError as exc:
        if system is None:  # no system: perhaps a reserve number as given
            return number.strip().upper() or None
        raise FhirError(400, "value", exc.message, expression="identifier") from None


def _patients(context: Context, params: dict[str, str]) -> QuerySet:
    visible = Episode.objects.filter(
        id__in=visible_parties(context.care_units).values("episode_id")
    ).values("individual_id")
    rows = _by_id(Individual.objects.filter(id__in=visible), params)
    if "identifier" in params:
        number = _identifier_number(params["identifier"])
        rows = rows.filter(identifier=number) if number else rows.none()
    if "family" in params:
        # A FHIR string search: the start of the name, whatever the case.
        rows = rows.filter(family_name__istartswith=params["family"].strip())
    return rows


def _log_patients(context: Context, items: list) -> None:
    request = context.request
    if items:
        log_individuals_many(
            context.user,
            "fhir.patient.search",
            [i.pk for i in items],
            request=request,
            detail="FHIR Patient-sökning",
        )
    elif "identifier" in request.GET:
        # A search for an identity number that found nobody is recorded too.
        _system, number = token(request.GET["identifier"])
        log_access(
            context.user,
            "fhir.patient.search",
            granted=False,
            request=request,
            detail=f"sökning {number.strip()[:8]}…",
        )


def _read_patient(context: Context, public_id: str) -> Individual:
    try:
        return get_individual_for_user(
            context.user,
            _uuid_or_404(public_id),
            action="fhir.patient.read",
            request=context.request,
        )
    except Http404:
        raise not_found() from None


PATIENT = ResourceType(
    name="Patient",
    documentation=_lazy("Den enskilde (SEBasePatient); skyddad identitet utan adress och telefon."),
    params={
        "_id": ("token", "Resursens id"),
        "identifier": ("token", "personnummer, samordningsnummer eller reservnummer: system|värde"),
        "family": ("string", "Början av efternamnet, oavsett skiftläge"),
    },
    visible=_patients,
    fetch=lambda rows: rows.select_related("listed_unit"),
    build=build.patient,
    read=_read_patient,
    log_page=_log_patients,
    order=("family_name", "given_name", "id"),
    profile=build.SE_BASE_PATIENT,
)


# Encounter --------------------------------------------------------------------------------------

ENCOUNTER_STATUSES = {"in-progress", "finished", "entered-in-error"}


def _episode_filters(rows: QuerySet, params: dict[str, str], prefix: str = "") -> QuerySet:
    if "patient" in params or "subject" in params:
        value = params.get("patient") or params["subject"]
        individual_id = reference_id(value, "Patient")
        rows = (
            rows.filter(**{f"{prefix}individual__public_id": individual_id})
            if individual_id
            else rows.none()
        )
    if "encounter" in params:
        episode_id = reference_id(params["encounter"], "Encounter")
        rows = rows.filter(**{f"{prefix}public_id": episode_id}) if episode_id else rows.none()
    return rows


def _encounter_status_filter(value: str) -> Q:
    wanted = codes(value)
    for code in wanted:
        if code not in ENCOUNTER_STATUSES:
            raise unknown_code("status", code, ENCOUNTER_STATUSES)
    query = Q(pk__in=[])
    if "in-progress" in wanted:
        query |= Q(state__in=["admitted", "ready"])
    if "finished" in wanted:
        query |= Q(state="discharged") | (Q(state="exited") & ~Q(exit_reason="cancelled"))
    if "entered-in-error" in wanted:
        query |= Q(state="exited", exit_reason="cancelled")
    return query


def _encounters(context: Context, params: dict[str, str]) -> QuerySet:
    rows = Episode.objects.filter(id__in=visible_parties(context.care_units).values("episode_id"))
    rows = _episode_filters(_by_id(rows, params), params)
    if "status" in params:
        rows = rows.filter(_encounter_status_filter(params["status"]))
    if "_lastUpdated" in params:
        rows = rows.filter(date_filter("_lastUpdated", params["_lastUpdated"], "updated_at"))
    return rows.annotate(granting_unit_id=granting_unit("pk", context))


def _read_encounter(context: Context, public_id: str) -> Episode:
    try:
        return get_episode_for_user(
            context.user,
            _uuid_or_404(public_id),
            action="fhir.encounter.read",
            request=context.request,
        )
    except Http404:
        raise not_found() from None


ENCOUNTER = ResourceType(
    name="Encounter",
    documentation=_lazy("Vårdtillfället: status från förloppet, period, vårdande avdelning."),
    params={
        "_id": ("token", "Resursens id"),
        "patient": ("reference", "Patient/id"),
        "subject": ("reference", "Patient/id"),
        "status": ("token", "in-progress | finished | entered-in-error"),
        "_lastUpdated": ("date", "Senast ändrad (ge, gt, le, lt, eq)"),
    },
    visible=_encounters,
    fetch=lambda rows: rows.select_related("individual", "ward"),
    build=build.encounter,
    read=_read_encounter,
    log_page=lambda context, items: log_access_many(
        context.user,
        "fhir.encounter.search",
        [(e, e.granting_unit_id) for e in items],
        request=context.request,
    ),
    order=("-admitted_at", "-id"),
)


# Task -------------------------------------------------------------------------------------------

TASK_STATUSES = {
    "ready": [ActivityStatus.OPEN, ActivityStatus.OVERDUE],
    "completed": [ActivityStatus.DONE],
    "cancelled": [ActivityStatus.NOT_APPLICABLE],
}


def _tasks(context: Context, params: dict[str, str]) -> QuerySet:
    rows = EpisodeActivity.objects.filter(
        episode_id__in=visible_parties(context.care_units).values("episode_id")
    )
    rows = _episode_filters(_by_id(rows, params), params, prefix="episode__")
    if "status" in params:
        wanted = codes(params["status"])
        statuses: list[str] = []
        for code in wanted:
            if code not in TASK_STATUSES:
                raise unknown_code("status", code, TASK_STATUSES)
            statuses += TASK_STATUSES[code]
        rows = rows.filter(status__in=statuses)
    if "owner" in params:
        unit_id = reference_id(params["owner"], "Organization")
        rows = rows.filter(unit__public_id=unit_id) if unit_id else rows.none()
    if "_lastUpdated" in params:
        rows = rows.filter(date_filter("_lastUpdated", params["_lastUpdated"], "updated_at"))
    return rows.annotate(granting_unit_id=granting_unit("episode_id", context))


def _read_task(context: Context, public_id: str) -> EpisodeActivity:
    activity = (
        EpisodeActivity.objects.select_related("definition", "unit", "episode__individual")
        .filter(public_id=_uuid_or_404(public_id))
        .first()
    )
    if activity is None:
        log_access(
            context.user,
            "fhir.task.read",
            granted=False,
            request=context.request,
            detail=f"okänd Task {public_id}"[:300],
        )
        raise not_found()
    try:
        get_episode_for_user(
            context.user,
            activity.episode.public_id,
            action="fhir.task.read",
            request=context.request,
        )
    except Http404:
        raise not_found() from None
    return activity


TASK = ResourceType(
    name="Task",
    documentation=_lazy(
        "Arbetsbeskrivningens aktiviteter för vårdtillfället, med status och tidpunkt."
    ),
    params={
        "_id": ("token", "Resursens id"),
        "encounter": ("reference", "Encounter/id"),
        "patient": ("reference", "Patient/id"),
        "subject": ("reference", "Patient/id"),
        "status": ("token", "ready | completed | cancelled"),
        "owner": ("reference", "Organization/id: enheten som utför"),
        "_lastUpdated": ("date", "Senast ändrad (ge, gt, le, lt, eq)"),
    },
    visible=_tasks,
    fetch=lambda rows: rows.select_related("definition", "unit", "episode__individual"),
    build=build.task,
    read=_read_task,
    log_page=lambda context, items: log_access_many(
        context.user,
        "fhir.task.search",
        [(a.episode, a.granting_unit_id) for a in items],
        request=context.request,
    ),
    order=("episode_id", "definition__order", "id"),
)


# Communication ----------------------------------------------------------------------------------


def _communications(context: Context, params: dict[str, str]) -> QuerySet:
    units = context.care_units
    rows = Message.objects.filter(
        Q(sender_unit_id__in=units) | Q(recipient_unit_id__in=units),
        episode_id__in=visible_parties(units).values("episode_id"),
    )
    rows = _episode_filters(_by_id(rows, params), params, prefix="episode__")
    for name, path in (("recipient", "recipient_unit"), ("sender", "sender_unit")):
        if name in params:
            unit_id = reference_id(params[name], "Organization")
            rows = rows.filter(**{f"{path}__public_id": unit_id}) if unit_id else rows.none()
    if "sent" in params:
        rows = rows.filter(date_filter("sent", params["sent"], "sent_at"))
    return rows


def _log_communications(context: Context, items: list) -> None:
    units = context.care_units
    log_access_many(
        context.user,
        "fhir.communication.search",
        [
            (m.episode, m.recipient_unit_id if m.recipient_unit_id in units else m.sender_unit_id)
            for m in items
        ],
        request=context.request,
    )


def _read_communication(context: Context, public_id: str) -> Message:
    # Reading through FHIR does not mark the message read: that is a person opening it.
    message = get_message_for_user(
        context.user,
        _uuid_or_404(public_id),
        action="fhir.communication.read",
        request=context.request,
    )
    if message is None:
        raise not_found()
    return message


COMMUNICATION = ResourceType(
    name="Communication",
    documentation=_lazy("Meddelanden mellan enheter om ett vårdtillfälle."),
    params={
        "_id": ("token", "Resursens id"),
        "encounter": ("reference", "Encounter/id"),
        "patient": ("reference", "Patient/id"),
        "subject": ("reference", "Patient/id"),
        "recipient": ("reference", "Organization/id"),
        "sender": ("reference", "Organization/id"),
        "sent": ("date", "Skickat (ge, gt, le, lt, eq)"),
    },
    visible=_communications,
    fetch=lambda rows: rows.select_related("episode__individual", "sender_unit", "recipient_unit"),
    build=build.communication,
    read=_read_communication,
    log_page=_log_communications,
    order=("-sent_at", "-id"),
)


# CarePlan and Consent (the SIP) -----------------------------------------------------------------

CAREPLAN_STATUSES = set(build.CAREPLAN_STATUS.values())
CONSENT_STATUSES = {"active", "inactive", "rejected"}


def _sips(context: Context, params: dict[str, str]) -> QuerySet:
    rows = _by_id(visible_sips(context.user), params)
    if "patient" in params or "subject" in params:
        individual_id = reference_id(params.get("patient") or params["subject"], "Patient")
        rows = rows.filter(individual__public_id=individual_id) if individual_id else rows.none()
    if "encounter" in params:
        episode_id = reference_id(params["encounter"], "Encounter")
        rows = rows.filter(episode__public_id=episode_id) if episode_id else rows.none()
    return rows


def _care_plans(context: Context, params: dict[str, str]) -> QuerySet:
    rows = _sips(context, params)
    if "status" in params:
        wanted = codes(params["status"])
        for code in wanted:
            if code not in CAREPLAN_STATUSES:
                raise unknown_code("status", code, CAREPLAN_STATUSES)
        rows = rows.filter(state__in=[s for s, c in build.CAREPLAN_STATUS.items() if c in wanted])
    if "_lastUpdated" in params:
        rows = rows.filter(date_filter("_lastUpdated", params["_lastUpdated"], "updated_at"))
    return rows


def _consents(context: Context, params: dict[str, str]) -> QuerySet:
    rows = _sips(context, params).exclude(consent="")
    if "status" in params:
        wanted = codes(params["status"])
        query = Q(pk__in=[])
        for code in wanted:
            if code not in CONSENT_STATUSES:
                raise unknown_code("status", code, CONSENT_STATUSES)
        consenting = Q(consent__in=list(CONSENTING))
        if "active" in wanted:
            query |= consenting & ~Q(state=SipState.STOPPED)
        if "inactive" in wanted:
            query |= consenting & Q(state=SipState.STOPPED)
        if "rejected" in wanted:
            query |= ~consenting
        rows = rows.filter(query)
    return rows


def _fetch_sips(rows: QuerySet) -> QuerySet:
    versions = PlanVersion.objects.order_by("number").prefetch_related(
        Prefetch(
            "actions",
            queryset=PlanAction.objects.select_related("unit", "principal").order_by("position"),
        )
    )
    return rows.select_related("individual", "episode", "started_unit").prefetch_related(
        "participants__unit", Prefetch("versions", queryset=versions)
    )


def _plan_in_force(sip: Sip):
    return next((v for v in sip.versions.all() if v.number == sip.plan_version), None)


def _read_sip(action: str, *, with_consent: bool = False):
    def read(context: Context, public_id: str) -> Sip:
        try:
            sip = get_sip_for_user(
                context.user, _uuid_or_404(public_id), action=action, request=context.request
            )
        except Http404:
            raise not_found() from None
        if with_consent and not sip.consent:
            raise not_found()
        return _fetch_sips(Sip.objects.filter(pk=sip.pk)).get()

    return read


CARE_PLAN = ResourceType(
    name="CarePlan",
    documentation=_lazy("SIP (samordnad individuell plan) med gällande planversion och insatser."),
    params={
        "_id": ("token", "Resursens id"),
        "patient": ("reference", "Patient/id"),
        "subject": ("reference", "Patient/id"),
        "encounter": ("reference", "Encounter/id"),
        "status": ("token", "draft | active | completed | revoked"),
        "_lastUpdated": ("date", "Senast ändrad (ge, gt, le, lt, eq)"),
    },
    visible=_care_plans,
    fetch=_fetch_sips,
    build=lambda sip: build.care_plan(sip, _plan_in_force(sip)),
    read=_read_sip("fhir.careplan.read"),
    log_page=lambda context, items: log_list(
        context.user, "fhir.careplan.search", items, request=context.request
    ),
    order=("-started_at", "-id"),
)

CONSENT = ResourceType(
    name="Consent",
    documentation=_lazy(
        "Svaret på erbjudandet om SIP: samtycke till plan och informationsdelning."
    ),
    params={
        "_id": ("token", "Resursens id"),
        "patient": ("reference", "Patient/id"),
        "status": ("token", "active | inactive | rejected"),
    },
    visible=_consents,
    fetch=_fetch_sips,
    build=build.consent,
    read=_read_sip("fhir.consent.read", with_consent=True),
    log_page=lambda context, items: log_list(
        context.user, "fhir.consent.search", items, request=context.request
    ),
    order=("-started_at", "-id"),
)


# AuditEvent -------------------------------------------------------------------------------------


def _reviewed_individual(context: Context, params: dict[str, str]) -> Individual | None:
    """The individual whose log is asked for, through `audit.access.individual_for_review`
    (administrators only; the review is logged, a refusal too), or None for nobody known."""
    if "patient" in params:
        individual_id = reference_id(params["patient"], "Patient")
        found = (
            Individual.objects.filter(public_id=individual_id).first() if individual_id else None
        )
        identifier = found.identifier if found else ""
    elif "patient.identifier" in params:
        identifier = _identifier_number(params["patient.identifier"]) or ""
    else:
        raise FhirError(
            400,
            "required",
            _("Ange patient eller patient.identifier: loggen visas per person."),
            expression="patient",
        )
    if not identifier and not context.user.is_administrator:
        log_access(
            context.user,
            "auditlog.individual",
            granted=False,
            request=context.request,
            detail="FHIR AuditEvent: okänd patient",
        )
        raise forbidden_log()
    if not identifier:
        return None
    try:
        return individual_for_review(context.user, identifier, request=context.request)
    except PermissionDenied:
        raise forbidden_log() from None


def forbidden_log() -> FhirError:
    return FhirError(403, "forbidden", _("Bara administratörer granskar åtkomstloggen."))


def _audit_events(context: Context, params: dict[str, str]) -> QuerySet:
    individual = _reviewed_individual(context, params)
    if individual is None:
        return AccessLog.objects.none()
    rows = AccessLog.objects.filter(individual=individual)
    if "_id" in params:
        rows = rows.filter(pk__in=[int(v) for v in codes(params["_id"]) if v.isdigit()])
    return rows


def _read_audit_event(context: Context, row_id: str) -> AccessLog:
    row = (
        AccessLog.objects.select_related("user", "unit", "individual", "episode")
        .filter(pk=int(row_id) if row_id.isdigit() else 0)
        .first()
    )
    if not context.user.is_administrator:
        log_access(
            context.user,
            "auditlog.individual",
            individual=row.individual if row else None,
            granted=False,
            request=context.request,
            detail=f"FHIR AuditEvent {row_id}"[:300],
        )
        raise forbidden_log()
    if row is None:
        raise not_found()
    log_access(
        context.user,
        "auditlog.individual",
        individual=row.individual,
        episode=row.episode,
        request=context.request,
        detail=f"FHIR AuditEvent {row_id}"[:300],
    )
    return row


AUDIT_EVENT = ResourceType(
    name="AuditEvent",
    documentation=_lazy("Åtkomstloggen per person, för administratörer (logggranskning)."),
    params={
        "_id": ("token", "Loggradens nummer"),
        "patient": ("reference", "Patient/id (krävs, eller patient.identifier)"),
        "patient.identifier": ("token", "personnummer: system|värde"),
    },
    visible=_audit_events,
    fetch=lambda rows: rows.select_related("user", "unit", "individual", "episode"),
    build=build.audit_event,
    read=_read_audit_event,
    # The search itself logged the review of this individual (one row, `auditlog.individual`).
    log_page=lambda context, items: None,
    order=("-at", "-id"),
)


# Organization and PractitionerRole (the register: no patient data) -------------------------------


def _organizations(context: Context, params: dict[str, str]) -> QuerySet:
    rows = _by_id(Unit.objects.all(), params)
    if "identifier" in params:
        system, value = token(params["identifier"])
        if system and system != build.HSA_SYSTEM:
            return rows.none()
        rows = rows.filter(hsa_id=value)
    if "name" in params:
        rows = rows.filter(name__icontains=params["name"].strip())
    if "active" in params:
        if params["active"] not in ("true", "false"):
            raise unknown_code("active", params["active"], {"true", "false"})
        rows = rows.filter(is_active=params["active"] == "true")
    if "partof" in params:
        principal_id = reference_id(params["partof"], "Organization")
        rows = rows.filter(principal__public_id=principal_id) if principal_id else rows.none()
    return rows


def _read_organization(context: Context, public_id: str) -> Unit | Principal:
    key = _uuid_or_404(public_id)
    unit = Unit.objects.select_related("principal").filter(public_id=key).first()
    if unit is not None:
        return unit
    principal = Principal.objects.filter(public_id=key).first()
    if principal is None:
        raise not_found()
    return principal


ORGANIZATION = ResourceType(
    name="Organization",
    documentation=_lazy(
        "Enheter ur registret (sökning) och huvudmän (läsning via partOf), med HSA-id."
    ),
    params={
        "_id": ("token", "Resursens id"),
        "identifier": ("token", f"HSA-id: {build.HSA_SYSTEM}|värde"),
        "name": ("string", "Del av namnet"),
        "active": ("token", "true | false"),
        "partof": ("reference", "Organization/id: huvudmannen"),
    },
    visible=_organizations,
    fetch=lambda rows: rows.select_related("principal"),
    build=build.organization,
    read=_read_organization,
    log_page=lambda context, items: None,
    order=("name", "id"),
    patient_data=False,
)


def _practitioner_roles(context: Context, params: dict[str, str]) -> QuerySet:
    rows = Membership.objects.filter(user__is_active=True)
    if "_id" in params:
        rows = rows.filter(pk__in=[int(v) for v in codes(params["_id"]) if v.isdigit()])
    if "organization" in params:
        unit_id = reference_id(params["organization"], "Organization")
        rows = rows.filter(unit__public_id=unit_id) if unit_id else rows.none()
    if "role" in params:
        system, value = token(params["role"])
        if value not in Role.values or (system and system != build.local_system("role")):
            raise unknown_code("role", params["role"], Role.values)
        rows = rows.filter(role=value)
    if "practitioner.identifier" in params:
        system, value = token(params["practitioner.identifier"])
        rows = (
            rows.filter(user__hsa_id=value) if system in (None, build.HSA_SYSTEM) else rows.none()
        )
    return rows


def _read_practitioner_role(context: Context, row_id: str) -> Membership:
    found = (
        Membership.objects.select_related("user", "unit")
        .filter(pk=int(row_id) if row_id.isdigit() else 0, user__is_active=True)
        .first()
    )
    if found is None:
        raise not_found()
    return found


PRACTITIONER_ROLE = ResourceType(
    name="PractitionerRole",
    documentation=_lazy("Uppdrag: användaren arbetar på enheten i rollen, under perioden."),
    params={
        "_id": ("token", "Uppdragets nummer"),
        "organization": ("reference", "Organization/id"),
        "role": ("token", "rollkod, t.ex. nurse"),
        "practitioner.identifier": ("token", f"HSA-id: {build.HSA_SYSTEM}|värde"),
    },
    visible=_practitioner_roles,
    fetch=lambda rows: rows.select_related("user", "unit"),
    build=build.practitioner_role,
    read=_read_practitioner_role,
    log_page=lambda context, items: None,
    order=("unit__name", "user__username", "id"),
    patient_data=False,
)


TYPES: dict[str, ResourceType] = {
    t.name: t
    for t in (
        PATIENT,
        ENCOUNTER,
        TASK,
        CARE_PLAN,
        COMMUNICATION,
        CONSENT,
        AUDIT_EVENT,
        ORGANIZATION,
        PRACTITIONER_ROLE,
    )
}
