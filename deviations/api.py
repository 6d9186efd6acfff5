"""Deviation API: report, read, handle and answer deviations, the drafts from missed deadlines,
and the statistics (no patient details). Every refusal is `{"errors": [{field, code,
message}]}`: 400 for bad input, 403 when the user may not take the step, 409 for a step
already taken, 404 for an id the user may not reach (logged)."""

from __future__ import annotations

import datetime as dt
import functools
from uuid import UUID

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from core.errors import ActionError
from deviations import actions, statistics
from deviations.access import get_deviation_for_user, log_deviation_list, readable_deviations
from deviations.candidates import Draft, draft_for_user, drafts_for_user
from deviations.models import Deviation
from deviations.privacy import text_warnings
from episodes.access import get_episode_for_user
from episodes.api.common import IdempotencyKey
from organisations.models import Unit
from process.models import DeviationCandidate

router = Router(tags=["deviations"])

FORBIDDEN = {"forbidden", "not_contact", "not_reporter", "not_a_party"}
CONFLICT = {
    "duplicate_submission",
    "already_acknowledged",
    "already_closed",
    "already_sent_back",
    "already_decided",
    "wrong_state",
    "no_question",
    "not_answered",
    "withdrawn",
}


def _refusals(view):
    """Answer an ActionError as the API's structured error, with this module's statuses."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ActionError as error:
            status = 403 if error.code in FORBIDDEN else 409 if error.code in CONFLICT else 400
            return JsonResponse({"errors": [error.as_dict()]}, status=status)

    return wrapper


def _unit(public_id: UUID | None, field: str) -> Unit | None:
    if public_id is None:
        return None
    unit = Unit.objects.filter(public_id=public_id).select_related("principal", "area").first()
    if unit is None:
        raise ActionError(_("Enheten finns inte."), code="unknown_unit", field=field)
    return unit


class DeviationOut(Schema):
    id: UUID
    episode: UUID | None
    category: str
    category_label: str
    event_date: dt.date
    state: str
    reporting_unit: UUID
    receiving_unit: UUID
    handling_unit: UUID
    what_happened: str
    consequence: str
    reported_at: dt.datetime
    acknowledge_due_at: dt.datetime
    answer_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    answered_at: dt.datetime | None
    acknowledge_missed: bool
    answer_missed: bool
    cause: str
    measures: str
    systemic: bool | None
    question: str
    sent_back_reason: str
    from_candidate: bool


class ReportOut(Schema):
    deviation: DeviationOut
    warnings: list[str]


def _out(d: Deviation) -> DeviationOut:
    return DeviationOut(
        id=d.public_id,
        episode=d.episode.public_id,
        category=d.category.key,
        category_label=d.category.label,
        event_date=d.event_date,
        state=d.state,
        reporting_unit=d.reporting_unit.public_id,
        receiving_unit=d.receiving_unit.public_id,
        handling_unit=d.handling_unit.public_id,
        what_happened=d.what_happened,
        consequence=d.consequence,
        reported_at=d.reported_at,
        acknowledge_due_at=d.acknowledge_due_at,
        answer_due_at=d.answer_due_at,
        acknowledged_at=d.acknowledged_at,
        answered_at=d.answered_at,
        acknowledge_missed=d.acknowledge_missed(),
        answer_missed=d.answer_missed(),
        cause=d.cause,
        measures=d.measures,
        systemic=d.systemic,
        question=d.question,
        sent_back_reason=d.sent_back_reason,
        from_candidate=d.candidate_id is not None,
    )


class ReportIn(Schema):
    episode: UUID
    receiving_unit: UUID | None = None
    category: str = ""
    event_date: dt.date | None = None
    what_happened: str = ""
    consequence: str = ""
    unit: UUID | None = Field(None, description="Rapporterande enhet, om du arbetar på flera")


class CheckTextIn(Schema):
    episode: UUID
    text: str = Field("", max_length=10000)


class TextIn(Schema):
    text: str = ""


class PassOnIn(Schema):
    unit: UUID | None = None
    reason: str = ""


class AnswerIn(Schema):
    cause: str = ""
    measures: str = ""
    systemic: bool | None = None


class DraftOut(Schema):
    candidate: UUID
    rule_key: str
    rule_title: str
    missed_by_unit: UUID
    principal: UUID
    due_at: dt.datetime
    completed_at: dt.datetime | None
    category: str
    event_date: dt.date
    what_happened: str
    reporting_units: list[UUID]


class DraftSendIn(Schema):
    reporting_unit: UUID | None = None
    category: str = ""
    what_happened: str = ""
    consequence: str = ""


class DismissIn(Schema):
    reason: str = ""


def _draft_out(d: Draft) -> DraftOut:
    return DraftOut(
        candidate=d.candidate.public_id,
        rule_key=d.candidate.rule_key,
        rule_title=d.candidate.rule_title,
        missed_by_unit=d.candidate.unit.public_id,
        principal=d.principal.public_id,
        due_at=d.candidate.due_at,
        completed_at=d.candidate.completed_at,
        category=d.category_key,
        event_date=d.event_date,
        what_happened=d.what_happened,
        reporting_units=[u.public_id for u in d.reporting_units],
    )


@router.post("/check-text", response=list[str], summary="Varningar om namn och personnummer")
def check_text(request, payload: CheckTextIn):
    """The warnings a text would get ("Skriv vad som hände, inte vem"); nothing is saved."""
    episode = get_episode_for_user(
        request.user, payload.episode, action="api.deviation.check", request=request
    )
    individual = episode.individual
    return text_warnings(payload.text, names=[individual.given_name, individual.family_name])


@router.post("", response={201: ReportOut}, summary="Rapportera en avvikelse")
@_refusals
def report(request, payload: ReportIn, idempotency_key: IdempotencyKey = None):
    episode = get_episode_for_user(
        request.user, payload.episode, action="api.deviation.report", request=request
    )
    result = actions.do_report(
        request.user,
        episode,
        receiving_unit=_unit(payload.receiving_unit, "receiving_unit"),
        category_key=payload.category,
        event_date=payload.event_date,
        what_happened=payload.what_happened,
        consequence=payload.consequence,
        reporting_unit=_unit(payload.unit, "unit"),
        submission_key=idempotency_key,
    )
    return Status(201, ReportOut(deviation=_out(result.deviation), warnings=result.warnings))


@router.get("", response=list[DeviationOut], summary="Avvikelser du får läsa")
def deviation_list(request, state: str = "", limit: int = 100):
    rows = readable_deviations(request.user).select_related(
        "episode", "category", "reporting_unit", "receiving_unit", "handling_unit"
    )
    if state:
        rows = rows.filter(state=state)
    shown = list(rows.order_by("-reported_at", "-id")[: max(1, min(limit, 500))])
    log_deviation_list(request.user, shown, request=request)
    return [_out(d) for d in shown]


@router.get("/drafts", response=list[DraftOut], summary="Utkast från missade tidsfrister")
def drafts(request):
    return [_draft_out(d) for d in drafts_for_user(request.user)]


def _draft_candidate(request, candidate: UUID) -> DeviationCandidate:
    found = draft_for_user(request.user, candidate)
    if found is None:
        raise Http404("no such draft")
    return found.candidate


@router.post(
    "/drafts/{candidate}/send", response={201: ReportOut}, summary="Skicka utkastet som avvikelse"
)
@_refusals
def send_draft(
    request, candidate: UUID, payload: DraftSendIn, idempotency_key: IdempotencyKey = None
):
    result = actions.do_send_candidate(
        request.user,
        _draft_candidate(request, candidate),
        reporting_unit=_unit(payload.reporting_unit, "reporting_unit"),
        category_key=payload.category,
        what_happened=payload.what_happened,
        consequence=payload.consequence,
        submission_key=idempotency_key,
    )
    return Status(201, ReportOut(deviation=_out(result.deviation), warnings=result.warnings))


@router.post("/drafts/{candidate}/dismiss", response={204: None}, summary="Avfärda utkastet")
@_refusals
def dismiss_draft(
    request, candidate: UUID, payload: DismissIn, idempotency_key: IdempotencyKey = None
):
    actions.do_dismiss_candidate(
        request.user,
        _draft_candidate(request, candidate),
        payload.reason,
        submission_key=idempotency_key,
    )
    return Status(204, None)


class GroupOut(Schema):
    label: str
    count: int
    answered: int
    median_days_to_answer: float | None
    on_time_share: float | None
    systemic_share: float | None


class StatisticsOut(Schema):
    scope: str
    total: GroupOut
    groupings: dict[str, list[GroupOut]]
    trend: list[GroupOut]
    candidates_sent: int
    candidates_dismissed: int


def _group(label: str, f: statistics.Figures) -> GroupOut:
    return GroupOut(
        label=label,
        count=f.count,
        answered=f.answered,
        median_days_to_answer=f.median_days_to_answer,
        on_time_share=f.on_time_share,
        systemic_share=f.systemic_share,
    )


@router.get("/statistics", response=StatisticsOut, summary="Statistik utan patientuppgifter")
@_refusals
def deviation_statistics(request):
    """`?from=YYYY-MM&to=YYYY-MM&category=&area=`; managers their units, process leaders all."""
    scope = statistics.scope_for(request.user)
    if scope is None:
        raise ActionError(_("Statistiken är för chefer och processledare."), code="forbidden")
    filters = statistics.Filters.from_query(request.GET)
    if filters.errors:
        raise ActionError(filters.errors[0], code="invalid_filter", field="from")
    report = statistics.build_report(scope, filters)
    return StatisticsOut(
        scope=str(report.scope.label),
        total=_group("total", report.total),
        groupings={
            str(title): [_group(g.label, g.figures) for g in groups]
            for title, groups in report.groupings
        },
        trend=[_group(month, f) for month, f in report.trend],
        candidates_sent=report.candidates_sent,
        candidates_dismissed=report.candidates_dismissed,
    )


@router.get("/{id}", response=DeviationOut, summary="En avvikelse")
def deviation_detail(request, id: UUID):
    return _out(
        get_deviation_for_user(request.user, id, action="api.deviation.view", request=request)
    )


def _load(request, id: UUID) -> Deviation:
    return get_deviation_for_user(request.user, id, action="api.deviation.act", request=request)


@router.post("/{id}/acknowledge", response=DeviationOut, summary="Kvittera")
@_refusals
def acknowledge(request, id: UUID, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_acknowledge(request.user, _load(request, id), submission_key=idempotency_key)
    )


@router.post("/{id}/question", response=DeviationOut, summary="Fråga rapportören")
@_refusals
def question(request, id: UUID, payload: TextIn, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_ask_question(
            request.user, _load(request, id), payload.text, submission_key=idempotency_key
        )
    )


@router.post("/{id}/reply", response=DeviationOut, summary="Svara på frågan")
@_refusals
def reply(request, id: UUID, payload: TextIn, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_reply(
            request.user, _load(request, id), payload.text, submission_key=idempotency_key
        )
    )


@router.post("/{id}/pass-on", response=DeviationOut, summary="Lämna vidare inom organisationen")
@_refusals
def pass_on(request, id: UUID, payload: PassOnIn, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_pass_on(
            request.user,
            _load(request, id),
            _unit(payload.unit, "unit"),
            payload.reason,
            submission_key=idempotency_key,
        )
    )


@router.post("/{id}/answer", response=DeviationOut, summary="Besvara")
@_refusals
def answer(request, id: UUID, payload: AnswerIn, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_answer(
            request.user,
            _load(request, id),
            cause=payload.cause,
            measures=payload.measures,
            systemic=payload.systemic,
            submission_key=idempotency_key,
        )
    )


@router.post("/{id}/close", response=DeviationOut, summary="Avsluta")
@_refusals
def close(request, id: UUID, payload: TextIn, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_close(
            request.user, _load(request, id), payload.text, submission_key=idempotency_key
        )
    )


@router.post("/{id}/send-back", response=DeviationOut, summary="Skicka tillbaka svaret")
@_refusals
def send_back(request, id: UUID, payload: TextIn, idempotency_key: IdempotencyKey = None):
    return _out(
        actions.do_send_back(
            request.user, _load(request, id), payload.text, submission_key=idempotency_key
        )
    )
