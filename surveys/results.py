"""Results per measurement period against the baseline, per area or municipality, with
response rates; no group with fewer submitted answers than the threshold is shown.

A group below the threshold is suppressed: no count, no rate, no mean. When exactly one group
of a period is suppressed, the next smallest is suppressed too, so no figure can be worked out
by subtracting the others from the total (complementary suppression).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from organisations.models import Lane
from surveys.models import (
    BASELINE,
    QUARTERS,
    AgeBand,
    Answer,
    Invitation,
    MeasurementPlan,
    QuestionKind,
    Response,
    period_label,
)

# per -> the value of a row that names its group (a foreign key's name, or the field itself)
GROUPINGS = {
    "total": None,
    "area": "area__name",
    "municipality": "municipality__name",
    "lane_pattern": "lane_pattern",
    "age_band": "age_band",
}


@dataclass
class Row:
    period: int
    period_label: str
    group: str  # the area or municipality, or "Alla"
    invitations: int
    responses: int
    suppressed: bool = False
    means: dict[str, float | None] = field(default_factory=dict)
    changes: dict[str, float | None] = field(default_factory=dict)  # mean minus the baseline's

    @property
    def response_rate(self) -> float | None:
        if self.suppressed or not self.invitations:
            return None
        return self.responses / self.invitations


@dataclass
class Report:
    plan: MeasurementPlan
    per: str
    threshold: int
    questions: list[tuple[str, str]]  # (key, text) of the scale questions
    rows: list[Row]

    @property
    def any_suppressed(self) -> bool:
        return any(r.suppressed for r in self.rows)

    def total(self, period: int) -> Row | None:
        return next((r for r in self.rows if r.period == period), None)


def _label(per: str, value: str | None) -> str:
    if per == "lane_pattern":
        return (
            " + ".join(str(Lane(lane).label) for lane in value.split("+"))
            if value
            else str(_("Okänt"))
        )
    if per == "age_band":
        return str(AgeBand(value).label) if value is not None else str(_("Okänt"))
    return value or str(_("Okänt"))


def threshold() -> int:
    """The smallest group shown (SAMSYN_SURVEY_MIN_GROUP, default 5)."""
    return settings.SAMSYN_SURVEY_MIN_GROUP


def _scale_questions(plan: MeasurementPlan) -> list[tuple[str, str]]:
    version = plan.questionnaire.current_version()
    if version is None:
        return []
    return [(q.key, q.text) for q in version.questions.all() if q.kind == QuestionKind.SCALE]


def report(plan: MeasurementPlan, per: str = "total", *, min_group: int | None = None) -> Report:
    """The rows of `plan` for every period, per `per` ("total", "area", "municipality")."""
    if per not in GROUPINGS:
        per = "total"
    limit = threshold() if min_group is None else min_group
    group_field = GROUPINGS[per]
    keys = ["period"] + ([group_field] if group_field else [])

    def group_of(row: dict, prefix: str = "") -> str:
        if not group_field:
            return str(_("Alla"))
        return _label(per, row[prefix + group_field])

    invited = {
        (r["period"], group_of(r)): r["n"]
        for r in Invitation.objects.filter(plan=plan).values(*keys).annotate(n=Count("id"))
    }
    submitted = Response.objects.filter(plan=plan, submitted_at__isnull=False)
    answered = {
        (r["period"], group_of(r)): r["n"] for r in submitted.values(*keys).annotate(n=Count("id"))
    }
    answer_keys = [f"response__{k}" for k in keys] + ["question__key"]
    means: dict[tuple[int, str], dict[str, float]] = {}
    for r in (
        Answer.objects.filter(response__in=submitted, value__isnull=False)
        .values(*answer_keys)
        .annotate(mean=Avg("value"))
    ):
        group = group_of(r, "response__")
        means.setdefault((r["response__period"], group), {})[r["question__key"]] = float(r["mean"])

    questions = _scale_questions(plan)
    rows: list[Row] = []
    for period in range(BASELINE, QUARTERS + 1):
        groups = sorted({g for (p, g) in {**invited, **answered} if p == period})
        period_rows = [
            Row(
                period=period,
                period_label=period_label(period),
                group=g,
                invitations=invited.get((period, g), 0),
                responses=answered.get((period, g), 0),
                means=dict(means.get((period, g), {})),
            )
            for g in groups
        ]
        small = [r for r in period_rows if r.responses < limit]
        for r in small:
            r.suppressed = True
        if len(small) == 1 and len(period_rows) > 1 and per != "total":
            shown = sorted((r for r in period_rows if not r.suppressed), key=lambda r: r.responses)
            shown[0].suppressed = True
        rows.extend(period_rows)
    baseline = {r.group: r for r in rows if r.period == BASELINE and not r.suppressed}
    for r in rows:
        if r.suppressed:
            r.invitations, r.responses, r.means = 0, 0, {}
            continue
        base = baseline.get(r.group)
        for key, _text in questions:
            mean, before = r.means.get(key), base.means.get(key) if base else None
            r.changes[key] = (
                None if r.period == BASELINE or mean is None or before is None else mean - before
            )
    return Report(plan=plan, per=per, threshold=limit, questions=questions, rows=rows)
