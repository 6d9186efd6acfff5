"""The plan as a PDF for the individual: "Min plan", in plain Swedish, rendered by WeasyPrint
with Debian's DejaVu fonts (tagged PDF, so screen readers can follow it)."""

from __future__ import annotations

from django.utils import timezone

from core.pdf import render_pdf
from sip.models import PlanVersion, Sip


def render_plan_pdf(sip: Sip, version: PlanVersion) -> bytes:
    """The PDF bytes of `version` of `sip`'s plan, written to the individual ("du")."""
    return render_pdf(
        "sip/min_plan.html",
        {
            "sip": sip,
            "individual": sip.individual,
            "version": version,
            "actions": version.actions.select_related("principal", "unit"),
            "printed": timezone.localdate(),
        },
    )
