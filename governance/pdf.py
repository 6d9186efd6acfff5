"""An action plan as a PDF in the layout of the seeds' plans (purpose, target group, goal, then
per focus area a table of sub-goal, activity and responsible, follow-up and communication),
rendered by WeasyPrint with Debian's DejaVu fonts (tagged PDF)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from governance.models import ActionPlan


def render_plan_pdf(plan: ActionPlan, context: dict) -> bytes:
    """The PDF bytes of `plan`, from the plan page's context (the same figures)."""
    from weasyprint import HTML

    html = render_to_string(
        "governance/plan_pdf.html", {**context, "plan": plan, "printed": timezone.localdate()}
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
