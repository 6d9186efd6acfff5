"""Governance in the JSON API (mounted at `/api/governance` by `samsyn/api.py`): action plans
with their metrics' current values, follow-ups, and the register of governing documents.
No patient data. The same rules as the pages, because both call `governance.actions`;
refusals are `{"errors": [{"field", "code", "message"}]}`. An `Idempotency-Key` header makes a
POST one-time."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from core import submissions
from core.errors import ActionError
from episodes.api.common import IdempotencyKey
from governance import actions, documents
from governance.metrics import metric_row, plan_period_so_far
from governance.models import (
    ActionPlan,
    Assignment,
    Event,
    GoverningDocument,
    Group,
    PlanActivity,
)
from organisations.models import Principal, Unit

router = Router(tags=["governance"])


# -- schemas --------------------------------------------------------------------------------------


class MetricOut(Schema):
    id: UUID
    kind: str
    name: str
    indicator_key: str
    filters: dict[str, str]
    unit: str
    target: float | None
    value: float | None
    previous: float | None
    period_start: dt.date
    period_end: dt.date


class ActivityOut(Schema):
    id: UUID
    text: str
    responsible: str
    state: str | None
    result: str


class SubGoalOut(Schema):
    text: str
    communication_plan: str
    result: str
    activities: list[ActivityOut]
    metrics: list[MetricOut]


class FocusAreaOut(Schema):
    title: str
    sub_goals: list[SubGoalOut]


class PlanSummaryOut(Schema):
    id: UUID
    title: str
    group: str
    group_id: UUID
    period_start: dt.date
    period_end: dt.date


class PlanOut(PlanSummaryOut):
    purpose: str
    target_group: str
    goal: str
    basis: str
    follow_ups_per_year: int
    focus_areas: list[FocusAreaOut]


class ActivityIn(Schema):
    text: str
    responsible_organisation: UUID | None = None
    responsible_role: str = ""
    responsible_person: str = ""


class MetricIn(Schema):
    kind: str
    indicator_key: str = ""
    filters: dict[str, str] | None = None
    name: str = ""
    unit: str = ""
    target: float | None = None


class SubGoalIn(Schema):
    text: str
    communication_plan: str = ""
    result: str = ""
    activities: list[ActivityIn] = []
    metrics: list[MetricIn] = []


class FocusAreaIn(Schema):
    title: str
    sub_goals: list[SubGoalIn] = []


class PlanIn(Schema):
    group: UUID
    title: str
    period_start: dt.date
    period_end: dt.date
    purpose: str = ""
    target_group: str = ""
    goal: str = ""
    basis: str = ""
    follow_ups_per_year: int = 2
    focus_areas: list[FocusAreaIn] = []


class StatusIn(Schema):
    activity: UUID
    state: str
    result: str = ""


class FollowUpIn(Schema):
    held_on: dt.date
    covers_start: dt.date
    covers_end: dt.date
    notes: str = ""
    statuses: list[StatusIn] = []


class FollowUpOut(Schema):
    id: UUID
    held_on: dt.date
    covers_start: dt.date
    covers_end: dt.date


class DocumentOut(Schema):
    id: UUID
    title: str
    kind: str
    version: str
    owner: str
    valid_from: dt.date
    valid_to: dt.date | None
    replaced_by: UUID | None
    in_force: bool
    next_review: dt.date | None
    link: str
    lanes: list[str]
    activity_keys: list[str]
    contact: str
    file: str | None  # the path of the version's file (logged-in users only), or none


class DocumentIn(Schema):
    title: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    version: str = ""
    owner_group: UUID | None = None
    owner_organisation: UUID | None = None
    next_review: dt.date | None = None
    link: str = ""
    summary: str = ""
    lanes: list[str] = []
    activity_keys: list[str] = []
    contact: str = ""
    replaces: UUID | None = None


# -- helpers --------------------------------------------------------------------------------------


def _principal(public_id: UUID | None, field: str) -> Principal | None:
    if public_id is None:
        return None
    found = Principal.objects.filter(public_id=public_id).first()
    if found is None:
        raise ActionError("Okänd organisation.", code="unknown", field=field)
    return found


def _plan_out(plan: ActionPlan) -> dict:
    period = plan_period_so_far(plan)
    latest = {}
    for follow_up in plan.follow_ups.order_by("held_on", "id").prefetch_related("statuses"):
        for status in follow_up.statuses.all():
            latest[status.activity_id] = status
    focus_areas = []
    for focus in plan.focus_areas.prefetch_related("sub_goals__activities", "sub_goals__metrics"):
        sub_goals = []
        for sg in focus.sub_goals.all():
            metrics = []
            for metric in sg.metrics.all():
                row = metric_row(metric, period)
                metrics.append(
                    dict(
                        id=metric.public_id,
                        kind=metric.kind,
                        name=metric.name,
                        indicator_key=metric.indicator_key,
                        filters=metric.filters,
                        unit=metric.unit,
                        target=metric.target,
                        value=row.value,
                        previous=row.previous,
                        period_start=period.start,
                        period_end=period.end,
                    )
                )
            activities = [
                dict(
                    id=a.public_id,
                    text=a.text,
                    responsible=a.responsible,
                    state=latest[a.pk].state if a.pk in latest else None,
                    result=latest[a.pk].result if a.pk in latest else "",
                )
                for a in sg.activities.all()
            ]
            sub_goals.append(
                dict(
                    text=sg.text,
                    communication_plan=sg.communication_plan,
                    result=sg.result,
                    activities=activities,
                    metrics=metrics,
                )
            )
        focus_areas.append(dict(title=focus.title, sub_goals=sub_goals))
    return dict(
        _summary(plan),
        **{
            "purpose": plan.purpose,
            "target_group": plan.target_group,
            "goal": plan.goal,
            "basis": plan.basis,
            "follow_ups_per_year": plan.follow_ups_per_year,
            "focus_areas": focus_areas,
        },
    )


def _summary(plan: ActionPlan) -> dict:
    return dict(
        id=plan.public_id,
        title=plan.title,
        group=plan.group.name,
        group_id=plan.group.public_id,
        period_start=plan.period_start,
        period_end=plan.period_end,
    )


def _document_out(document: GoverningDocument) -> dict:
    return dict(
        id=document.public_id,
        title=document.title,
        kind=document.kind,
        version=document.version,
        owner=document.owner_name,
        valid_from=document.valid_from,
        valid_to=document.valid_to,
        replaced_by=document.replaced_by.public_id if document.replaced_by else None,
        in_force=document.in_force(timezone.localdate()),
        next_review=document.next_review,
        link=document.link,
        lanes=document.lanes,
        activity_keys=document.activity_keys,
        contact=document.contact,
        file=(
            reverse("governance:document_file", args=[document.public_id])
            if document.file
            else None
        ),
    )


# -- plans ----------------------------------------------------------------------------------------


@router.get("/plans", response=list[PlanSummaryOut])
def list_plans(request, group: UUID | None = None):
    """Every action plan (newest period first), or one group's."""
    plans = ActionPlan.objects.select_related("group")
    if group is not None:
        plans = plans.filter(group__public_id=group)
    return [_summary(p) for p in plans]


@router.get("/plans/{id}", response=PlanOut)
def get_plan(request, id: UUID):
    """A plan with each metric's value for the plan period so far and the period before."""
    plan = get_object_or_404(ActionPlan.objects.select_related("group"), public_id=id)
    return _plan_out(plan)


@router.post("/plans", response={201: PlanOut})
def create_plan(request, payload: PlanIn, idempotency_key: IdempotencyKey = None):
    """A plan with its focus areas, sub-goals, activities and metrics, all or nothing."""
    group = Group.objects.filter(public_id=payload.group).first()
    if group is None:
        raise ActionError("Okänd grupp.", code="unknown", field="group")
    data = actions.PlanInput(
        title=payload.title,
        period_start=payload.period_start,
        period_end=payload.period_end,
        purpose=payload.purpose,
        target_group=payload.target_group,
        goal=payload.goal,
        basis=payload.basis,
        follow_ups_per_year=payload.follow_ups_per_year,
        focus_areas=[
            actions.FocusAreaInput(
                title=f.title,
                sub_goals=[
                    actions.SubGoalInput(
                        text=s.text,
                        communication_plan=s.communication_plan,
                        result=s.result,
                        activities=[
                            actions.ActivityInput(
                                text=a.text,
                                responsible_organisation=_principal(
                                    a.responsible_organisation,
                                    f"focus_areas.{i}.sub_goals.{j}.activities.{k}."
                                    "responsible_organisation",
                                ),
                                responsible_role=a.responsible_role,
                                responsible_person=a.responsible_person,
                            )
                            for k, a in enumerate(s.activities)
                        ],
                        metrics=[actions.MetricInput(**m.dict()) for m in s.metrics],
                    )
                    for j, s in enumerate(f.sub_goals)
                ],
            )
            for i, f in enumerate(payload.focus_areas)
        ],
    )
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        plan = actions.do_create_plan(request.auth, group, data)
    return Status(201, _plan_out(plan))


@router.post("/plans/{id}/follow-ups", response={201: FollowUpOut})
def hold_follow_up(request, id: UUID, payload: FollowUpIn, idempotency_key: IdempotencyKey = None):
    """A follow-up: each activity's status and result; the metrics' values are kept with it."""
    plan = get_object_or_404(ActionPlan.objects.select_related("group"), public_id=id)
    by_public_id = {
        a.public_id: a.pk for a in PlanActivity.objects.filter(sub_goal__focus_area__plan=plan)
    }
    statuses = []
    for i, status in enumerate(payload.statuses):
        if status.activity not in by_public_id:
            raise ActionError(
                "Aktiviteten hör inte till planen.",
                code="unknown_activity",
                field=f"statuses.{i}.activity",
            )
        statuses.append(
            actions.StatusInput(by_public_id[status.activity], status.state, status.result)
        )
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        follow_up = actions.do_hold_follow_up(
            request.auth,
            plan,
            actions.FollowUpInput(
                held_on=payload.held_on,
                covers_start=payload.covers_start,
                covers_end=payload.covers_end,
                notes=payload.notes,
                statuses=statuses,
            ),
        )
    return Status(
        201,
        dict(
            id=follow_up.public_id,
            held_on=follow_up.held_on,
            covers_start=follow_up.covers_start,
            covers_end=follow_up.covers_end,
        ),
    )


# -- governing documents --------------------------------------------------------------------------


@router.get("/documents", response=list[DocumentOut])
def list_documents(request, q: str = "", all: bool = False):
    """The documents in force today (with `all`, outdated and replaced ones too), searched."""
    return [_document_out(d) for d in documents.search(q[:200], include_outdated=all)]


@router.get("/documents/{id}", response=DocumentOut)
def get_document(request, id: UUID):
    document = get_object_or_404(
        GoverningDocument.objects.select_related("owner_group", "owner_organisation"),
        public_id=id,
    )
    return _document_out(document)


@router.post("/documents", response={201: DocumentOut})
def register_document(request, payload: DocumentIn, idempotency_key: IdempotencyKey = None):
    """A document in the register; `replaces` marks the earlier version replaced by it."""
    owner_group = None
    if payload.owner_group is not None:
        owner_group = Group.objects.filter(public_id=payload.owner_group).first()
        if owner_group is None:
            raise ActionError("Okänd grupp.", code="unknown", field="owner_group")
    replaces = None
    if payload.replaces is not None:
        replaces = GoverningDocument.objects.filter(public_id=payload.replaces).first()
        if replaces is None:
            raise ActionError("Okänt dokument.", code="unknown", field="replaces")
    data = actions.DocumentInput(
        title=payload.title,
        kind=payload.kind,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        version=payload.version,
        owner_group=owner_group,
        owner_organisation=_principal(payload.owner_organisation, "owner_organisation"),
        next_review=payload.next_review,
        link=payload.link,
        summary=payload.summary,
        lanes=payload.lanes,
        activity_keys=payload.activity_keys,
        contact=payload.contact,
        replaces=replaces,
    )
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        document = actions.do_register_document(request.auth, data)
    return Status(201, _document_out(document))


# -- assignments ----------------------------------------------------------------------------------


class ReportBackOut(Schema):
    due_on: dt.date
    submitted: bool
    answers: list[str]


class AssignmentOut(Schema):
    id: UUID
    title: str
    group: str
    version: int
    previous: UUID | None
    decided_on: dt.date | None
    sections: dict[str, str]
    report_questions: list[str]
    documents: list[UUID]
    report_backs: list[ReportBackOut]


class ReportBackIn(Schema):
    due_on: dt.date
    answers: list[str]


def _assignment_out(assignment: Assignment) -> dict:
    reported = {r.due_on.isoformat(): r for r in assignment.reports.all()}
    return dict(
        id=assignment.public_id,
        title=assignment.title,
        group=assignment.group.name,
        version=assignment.version,
        previous=assignment.previous.public_id if assignment.previous else None,
        decided_on=assignment.decided_on,
        sections={k: getattr(assignment, k) for k in actions.ASSIGNMENT_TEXTS},
        report_questions=assignment.report_questions,
        documents=[d.public_id for d in assignment.documents.all()],
        report_backs=[
            dict(
                due_on=dt.date.fromisoformat(d),
                submitted=d in reported,
                answers=reported[d].answers if d in reported else [],
            )
            for d in assignment.report_due_dates
        ],
    )


@router.get("/assignments/{id}", response=AssignmentOut)
def get_assignment(request, id: UUID):
    assignment = get_object_or_404(
        Assignment.objects.select_related("group", "previous"), public_id=id
    )
    return _assignment_out(assignment)


@router.post("/assignments/{id}/report-backs", response={201: AssignmentOut})
def report_back(request, id: UUID, payload: ReportBackIn, idempotency_key: IdempotencyKey = None):
    """The responsible group's report-back for one due date, answering every question."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("group", "previous"), public_id=id
    )
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        actions.do_report_back(
            request.auth, assignment, due_on=payload.due_on, answers=payload.answers
        )
    return Status(201, _assignment_out(assignment))


class AssignmentIn(Schema):
    group: UUID
    title: str
    sections: dict[str, str] = {}
    report_questions: list[str] = []
    report_due_dates: list[dt.date] = []
    documents: list[UUID] = []


class AssignmentChangeIn(Schema):
    title: str
    sections: dict[str, str] = {}
    report_questions: list[str] = []
    report_due_dates: list[dt.date] = []
    documents: list[UUID] = []


class DecisionIn(Schema):
    decided_on: dt.date


def _assignment_input(payload) -> actions.AssignmentInput:
    found = {
        d.public_id: d for d in GoverningDocument.objects.filter(public_id__in=payload.documents)
    }
    for i, public_id in enumerate(payload.documents):
        if public_id not in found:
            raise ActionError("Okänt dokument.", code="unknown", field=f"documents.{i}")
    return actions.AssignmentInput(
        title=payload.title,
        texts=payload.sections,
        report_questions=payload.report_questions,
        report_due_dates=payload.report_due_dates,
        documents=[found[p] for p in payload.documents],
    )


def _group(public_id: UUID, field: str = "group") -> Group:
    group = Group.objects.filter(public_id=public_id).first()
    if group is None:
        raise ActionError("Okänd grupp.", code="unknown", field=field)
    return group


@router.post("/assignments", response={201: AssignmentOut})
def create_assignment(request, payload: AssignmentIn, idempotency_key: IdempotencyKey = None):
    """A draft assignment to a group, in the seed's sections."""
    group = _group(payload.group)
    data = _assignment_input(payload)
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        assignment = actions.do_create_assignment(request.auth, group, data)
    return Status(201, _assignment_out(assignment))


@router.post("/assignments/{id}", response=AssignmentOut)
def edit_assignment(request, id: UUID, payload: AssignmentChangeIn):
    """Changes a draft; a decided assignment is refused (`decided`): post a new version."""
    assignment = get_object_or_404(Assignment.objects.select_related("group"), public_id=id)
    data = _assignment_input(payload)
    with transaction.atomic():
        assignment = actions.do_edit_assignment(request.auth, assignment, data)
    return _assignment_out(assignment)


@router.post("/assignments/{id}/versions", response={201: AssignmentOut})
def new_assignment_version(
    request, id: UUID, payload: AssignmentChangeIn, idempotency_key: IdempotencyKey = None
):
    """A new, undecided version of a decided assignment."""
    assignment = get_object_or_404(Assignment.objects.select_related("group"), public_id=id)
    data = _assignment_input(payload)
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        new = actions.do_new_assignment_version(request.auth, assignment, data)
    return Status(201, _assignment_out(new))


@router.post("/assignments/{id}/decision", response=AssignmentOut)
def decide_assignment(request, id: UUID, payload: DecisionIn):
    assignment = get_object_or_404(Assignment.objects.select_related("group"), public_id=id)
    with transaction.atomic():
        assignment = actions.do_decide_assignment(request.auth, assignment, payload.decided_on)
    return _assignment_out(assignment)


# -- events ---------------------------------------------------------------------------------------


class ParticipationIO(Schema):
    organisation: UUID | None = None
    unit: UUID | None = None
    registered: int = 0
    attended: int = 0


class EventIn(Schema):
    title: str
    kind: str
    held_on: dt.date
    place: str = ""
    description: str = ""
    participants: list[ParticipationIO] = []


class EventOut(Schema):
    id: UUID
    group: UUID
    title: str
    kind: str
    held_on: dt.date
    place: str
    participants: list[ParticipationIO]
    attended: int


def _event_out(event: Event) -> dict:
    rows = list(event.participations.select_related("organisation", "unit"))
    return dict(
        id=event.public_id,
        group=event.group.public_id,
        title=event.title,
        kind=event.kind,
        held_on=event.held_on,
        place=event.place,
        participants=[
            dict(
                organisation=r.organisation.public_id,
                unit=r.unit.public_id if r.unit else None,
                registered=r.registered,
                attended=r.attended,
            )
            for r in rows
        ],
        attended=sum(r.attended for r in rows),
    )


def _participants(rows: list[ParticipationIO]) -> list[actions.ParticipationInput]:
    result = []
    for i, row in enumerate(rows):
        organisation = _principal(row.organisation, f"participants.{i}.organisation")
        unit = None
        if row.unit is not None:
            unit = Unit.objects.select_related("principal").filter(public_id=row.unit).first()
            if unit is None:
                raise ActionError("Okänd enhet.", code="unknown", field=f"participants.{i}.unit")
        result.append(actions.ParticipationInput(organisation, unit, row.registered, row.attended))
    return result


@router.get("/groups/{id}/events", response=list[EventOut])
def list_events(request, id: UUID):
    group = get_object_or_404(Group, public_id=id)
    return [_event_out(e) for e in group.events.select_related("group").order_by("-held_on")]


@router.post("/groups/{id}/events", response={201: EventOut})
def create_event(request, id: UUID, payload: EventIn, idempotency_key: IdempotencyKey = None):
    """An event the group held, with its participants by organisation or unit."""
    group = get_object_or_404(Group, public_id=id)
    data = actions.EventInput(
        title=payload.title,
        kind=payload.kind,
        held_on=payload.held_on,
        place=payload.place,
        description=payload.description,
        participants=_participants(payload.participants),
    )
    with transaction.atomic():
        submissions.claim(idempotency_key, request.auth)
        event = actions.do_create_event(request.auth, group, data)
    return Status(201, _event_out(event))


@router.post("/events/{id}/participants", response=EventOut)
def record_participants(request, id: UUID, payload: list[ParticipationIO]):
    """The event's participants and attendance, replacing what was recorded."""
    event = get_object_or_404(Event.objects.select_related("group"), public_id=id)
    rows = _participants(payload)
    with transaction.atomic():
        event = actions.do_record_participants(request.auth, event, rows)
    return _event_out(event)


# -- annual reports -------------------------------------------------------------------------------


class AnnualGroupOut(Schema):
    group: UUID
    name: str
    text: str
    activities_done: list[str]
    activities_not_done: list[str]
    events: list[str]
    participants: int


class AnnualReportOut(Schema):
    year: int
    group: UUID | None
    published_at: dt.datetime | None
    introduction: str
    challenges: list[str]
    groups: list[AnnualGroupOut]
    deviations: int
    deviations_by_category: dict[str, int]
    training_coverage_percent: int | None


@router.get("/annual-reports/{year}", response=AnnualReportOut)
def get_annual_report(request, year: int, group: UUID | None = None):
    """The year's report of a group (and the groups reporting to it) or of the whole area,
    compiled now from what Samsyn holds."""
    from governance.annual import compile_report

    if not 2000 <= year <= timezone.localdate().year:
        raise ActionError(
            "En årsrapport skrivs för ett år som har börjat.", code="invalid_year", field="year"
        )
    chosen = _group(group) if group is not None else None
    data = compile_report(chosen, year)
    return dict(
        year=year,
        group=chosen.public_id if chosen else None,
        published_at=data.report.published_at,
        introduction=data.report.introduction,
        challenges=data.challenges,
        groups=[
            dict(
                group=s.group.public_id,
                name=s.group.name,
                text=s.text,
                activities_done=[line.activity.text for p in s.plans for line in p.done],
                activities_not_done=[line.activity.text for p in s.plans for line in p.not_done],
                events=[e.event.title for e in s.events],
                participants=sum(e.attended for e in s.events),
            )
            for s in data.sections
        ],
        deviations=data.deviation_total,
        deviations_by_category=dict(data.deviations_by_category),
        training_coverage_percent=data.training.percent,
    )
