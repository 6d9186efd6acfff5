"""An action plan as a PDF in the layout of the seeds' plans (purpose, target group, goal, then
per focus area a table of sub-goal, activity and responsible, follow-up and communication),
through the one PDF helper (`core.pdf`)."""

from __future__ import annotations

from django.utils import timezone

from core.pdf import render_pdf
from governance.models import ActionPlan


def render_plan_pdf(plan: ActionPlan, context: dict) -> bytes:
    """The PDF bytes of `plan`, from the plan page's context (the same figures)."""
    return render_pdf(
        "governance/plan_pdf.html", {**context, "plan": plan, "printed": timezone.localdate()}
    )
