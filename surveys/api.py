"""The survey in the JSON API: questionnaires (as data), plans and results.

Results are the same computation as the page (`surveys.results.report`): anonymous groups of
at least the threshold; a suppressed group says so and carries no figure. Answering is done on
the public page only, never through the API (it needs no token and is rate-limited there).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Router, Schema

from core.errors import ActionError
from indicators.access import may_view_statistics
from surveys import actions, results
from surveys.models import MeasurementPlan

router = Router(tags=["surveys"])


class QuestionIn(Schema):
    key: str
    text: str
    kind: str
    scale_min: int | None = None
    scale_max: int | None = None
    min_label: str = ""
    max_label: str = ""
    required: bool = False


class QuestionnaireIn(Schema):
    title: str
    introduction: str = ""
    easy_read: bool = False
    questions: list[QuestionIn]


class VersionOut(Schema):
    key: str
    number: int
    title: str
    easy_read: bool
    questions: list[str]


class PlanOut(Schema):
    id: str
    name: str
    questionnaire: str
    baseline_start: dt.date
    baseline_end: dt.date
    end: dt.date


class RowOut(Schema):
    period: int
    period_label: str
    group: str
    suppressed: bool
    invitations: int | None
    responses: int | None
    response_rate: float | None
    means: dict[str, float | None]
    changes_from_baseline: dict[str, float | None]


class ResultsOut(Schema):
    plan: str
    per: str
    threshold: int
    questions: dict[str, str]
    rows: list[RowOut]


def _require_statistics(request) -> None:
    if not may_view_statistics(request.user):
        raise ActionError(
            "Statistiken är till för chefer, processledare och administratörer.", code="forbidden"
        )


@router.post("/questionnaires/{key}", response=VersionOut)
def save_questionnaire(request, key: str, payload: QuestionnaireIn):
    """Create or change a questionnaire; while answers exist a change makes a new version."""
    definition: dict[str, Any] = payload.dict()
    for question in definition["questions"]:
        for bound in ("scale_min", "scale_max"):
            if question[bound] is None:
                question.pop(bound)
    version = actions.save_questionnaire(request.user, key, definition)
    return {
        "key": key,
        "number": version.number,
        "title": version.title,
        "easy_read": version.easy_read,
        "questions": [q.key for q in version.questions.all()],
    }


@router.get("/plans", response=list[PlanOut])
def plans(request):
    _require_statistics(request)
    return [
        {
            "id": str(p.public_id),
            "name": p.name,
            "questionnaire": p.questionnaire.key,
            "baseline_start": p.baseline_start,
            "baseline_end": p.baseline_end,
            "end": p.end(),
        }
        for p in MeasurementPlan.objects.select_related("questionnaire").order_by("baseline_start")
    ]


@router.get("/results", response=ResultsOut)
def results_of(request, plan: str, per: str = "total"):
    """Results of `plan` per period (0 is the baseline), per `per`: total, area, municipality,
    lane_pattern or age_band."""
    _require_statistics(request)
    if per not in results.GROUPINGS:
        raise ActionError(
            "Välj total, area, municipality, lane_pattern eller age_band.",
            code="invalid",
            field="per",
        )
    try:
        found = MeasurementPlan.objects.filter(public_id=uuid.UUID(plan)).first()
    except ValueError:
        found = None
    if found is None:
        raise ActionError("Okänd mätplan.", code="unknown", field="plan")
    report = results.report(found, per)
    return {
        "plan": str(found.public_id),
        "per": report.per,
        "threshold": report.threshold,
        "questions": dict(report.questions),
        "rows": [
            {
                "period": r.period,
                "period_label": r.period_label,
                "group": r.group,
                "suppressed": r.suppressed,
                "invitations": None if r.suppressed else r.invitations,
                "responses": None if r.suppressed else r.responses,
                "response_rate": r.response_rate,
                "means": r.means,
                "changes_from_baseline": r.changes,
            }
            for r in report.rows
        ],
    }
