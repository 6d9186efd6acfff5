"""Training in the JSON API: courses, coverage (the same `competence.coverage` functions as the
pages), the priority list, one's own modules, and recording a completion. No patient data."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from ninja import Router, Schema

from competence import coverage as cov
from competence import imports
from competence.access import may_manage, may_view_coverage
from competence.actions import do_record_completion
from competence.filters import parse_day, parse_filters
from competence.models import Course, Module
from core.errors import ActionError
from episodes.api.common import IdempotencyKey, NotFound
from organisations.models import User

router = Router(tags=["competence"])


class ModuleOut(Schema):
    code: str
    title: str
    part: int
    lane: str
    required_for: list[dict[str, str]]


class CourseOut(Schema):
    id: str
    name: str
    kind: str
    modules: list[ModuleOut]


class FigureOut(Schema):
    staff: int
    covered: int
    share: float | None


class GroupOut(Schema):
    key: str | None
    label: str
    figure: FigureOut


class CoverageOut(Schema):
    day: dt.date
    total: FigureOut
    by: str
    groups: list[GroupOut]
    over_time: list[dict]


class PriorityOut(Schema):
    unit: str
    unit_name: str
    figure: FigureOut
    missed_deadlines: int
    score: float


class StatusOut(Schema):
    module: str
    title: str
    completed_on: dt.date | None


class CompletionIn(Schema):
    person: str  # user name or HSA id
    module: str  # module code
    completed_on: dt.date


class CompletionOut(Schema):
    person: str
    module: str
    completed_on: dt.date


def _check(request) -> None:
    if not may_view_coverage(request.auth):
        raise ActionError(
            "Utbildningstäckningen är till för chefer och processledare.", code="forbidden"
        )


def _figure(figure: cov.Figure) -> dict:
    return {"staff": figure.staff, "covered": figure.covered, "share": figure.share}


def _query(**values) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


@router.get("/courses", response=list[CourseOut], summary="Kurser, moduler och krav per simbana")
def list_courses(request):
    _check(request)
    return [
        {
            "id": str(course.public_id),
            "name": course.name,
            "kind": course.kind,
            "modules": [
                {
                    "code": m.code,
                    "title": m.title,
                    "part": m.part,
                    "lane": m.lane,
                    "required_for": [
                        {"lane": r.lane, "role": r.role} for r in m.requirements.all()
                    ],
                }
                for m in course.modules.all()
            ],
        }
        for course in Course.objects.prefetch_related("modules__requirements")
    ]


@router.get("/coverage", response=CoverageOut, summary="Utbildningstäckning för ett urval")
def coverage(
    request,
    principal: str | None = None,
    unit: str | None = None,
    area: str | None = None,
    lane: str | None = None,
    role: str | None = None,
    day: str | None = None,
    by: str = "principal",
):
    _check(request)
    query = _query(principal=principal, unit=unit, area=area, lane=lane, role=role, day=day)
    filters, on = parse_filters(query), parse_day(query)
    if by not in cov.GROUPINGS:
        raise ActionError(
            "Fördelning kan vara principal, unit, area, lane eller role.",
            code="invalid",
            field="by",
        )
    return {
        "day": on,
        "total": _figure(cov.coverage(filters, on)),
        "by": by,
        "groups": [
            {
                "key": None if g.key is None else str(g.key),
                "label": g.label,
                "figure": _figure(g.figure),
            }
            for g in cov.breakdown(by, filters, on)
        ],
        "over_time": [
            {"day": end.isoformat(), **_figure(figure)}
            for end, figure in cov.over_time(filters, on)
        ],
    }


@router.get(
    "/priority",
    response=list[PriorityOut],
    summary="Enheter att utbilda först (prioriteringslista)",
)
def priority(
    request,
    principal: str | None = None,
    area: str | None = None,
    lane: str | None = None,
    day: str | None = None,
):
    _check(request)
    query = _query(principal=principal, area=area, lane=lane, day=day)
    return [
        {
            "unit": str(row.unit.public_id),
            "unit_name": row.unit.name,
            "figure": _figure(row.figure),
            "missed_deadlines": row.missed,
            "score": row.score,
        }
        for row in cov.priority(parse_filters(query), parse_day(query))
    ]


@router.get("/me", response=list[StatusOut], summary="Modulerna min simbana kräver och mina klara")
def my_modules(request):
    return [
        {"module": s.module.code, "title": s.module.title, "completed_on": s.completed_on}
        for s in cov.status_for(request.auth)
    ]


@router.post(
    "/completions",
    response={201: CompletionOut},
    summary="Registrera att en person har genomfört en modul",
)
def record_completion(request, payload: CompletionIn, idempotency_key: IdempotencyKey = None):
    if not may_manage(request.auth):
        raise ActionError(
            "Bara processledare och administratörer registrerar genomförda moduler.",
            code="forbidden",
        )
    person = (
        User.objects.filter(is_active=True, username__iexact=payload.person).first()
        or User.objects.filter(is_active=True, hsa_id=payload.person).exclude(hsa_id="").first()
    )
    if person is None:
        raise NotFound("person", f"Okänd person ”{payload.person}”.")
    module = Module.objects.filter(code__iexact=payload.module).first()
    if module is None:
        raise NotFound("module", f"Okänd modul ”{payload.module}”.")
    completion = do_record_completion(
        request.auth,
        person=person,
        module=module,
        completed_on=payload.completed_on,
        submission_key=idempotency_key,
    )
    return 201, {
        "person": person.username,
        "module": module.code,
        "completed_on": completion.completed_on,
    }


class ImportIn(Schema):
    filename: str = "import.csv"
    content: str  # the CSV text with its header row
    delimiter: str = ";"
    person_column: str | None = None  # guessed from the header names when left out
    module_column: str | None = None
    date_column: str | None = None
    dry_run: bool = False


class RefusedRowOut(Schema):
    line: int
    message: str


class ImportOut(Schema):
    id: str | None
    dry_run: bool
    person_column: str
    module_column: str
    date_column: str
    new: int
    existing: int
    refused: list[RefusedRowOut]


@router.post(
    "/imports",
    response={200: ImportOut, 201: ImportOut},
    summary="Importera en lärplattforms CSV-export (eller förhandsgranska med dry_run)",
)
def import_csv(request, payload: ImportIn, idempotency_key: IdempotencyKey = None):
    """Good rows are imported in one transaction, rows already registered are skipped, and
    refused rows are answered with their line number; with `dry_run` nothing is kept."""
    with transaction.atomic():
        batch = imports.do_upload(
            request.auth,
            filename=payload.filename,
            raw=payload.content.encode(),
            delimiter=payload.delimiter,
            submission_key=None if payload.dry_run else idempotency_key,
        )
        imports.do_map_columns(
            request.auth,
            batch,
            person_column=payload.person_column or batch.person_column,
            module_column=payload.module_column or batch.module_column,
            date_column=payload.date_column or batch.date_column,
        )
        if payload.dry_run:
            result = imports.preview(batch)
            transaction.set_rollback(True)
        else:
            result = imports.do_import(request.auth, batch)
    answer = {
        "id": None if payload.dry_run else str(batch.public_id),
        "dry_run": payload.dry_run,
        "person_column": batch.person_column,
        "module_column": batch.module_column,
        "date_column": batch.date_column,
        "new": len(result.new),
        "existing": len(result.existing),
        "refused": [{"line": r.line, "message": r.message} for r in result.refused],
    }
    return (200 if payload.dry_run else 201), answer
