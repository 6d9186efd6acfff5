"""The written summary at discharge (for the ward) and the information brochure (public)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.configuration import MissingConfiguration, regional_count
from core.errors import ActionError
from core.pdf import render_pdf
from episodes.access import get_episode_for_user
from episodes.rules import Step, available_steps
from portal.forms import SummaryForm
from portal.models import DischargeSummary
from portal.summary import (
    VARIANT_LANGUAGE,
    care_contact_phone,
    facts,
    give_summary,
    missing,
    render_body,
)


def _summary_page(request, episode, form, *, preview=None, gaps=(), status=200):
    may_give = bool(available_steps(request.user, episode, [Step.RECORD_SUMMARY]))
    context = {
        "episode": episode,
        "individual": episode.individual,
        "form": form,
        "may_give": may_give,
        "gaps": gaps,
        "preview": preview,
        "kept": episode.discharge_summaries.select_related("created_by", "created_unit").order_by(
            "-number"
        ),
    }
    return render(request, "portal/summary_page.html", context, status=status)


@login_required
def summary(request, public_id):
    """GET: the form and the kept copies. POST `preview`: the summary as it will read, or what
    is missing. POST `give`: the PDF is made, kept and the summary recorded as given."""
    if request.method != "POST":
        episode = get_episode_for_user(
            request.user, public_id, action="summary.view", request=request
        )
        initial = {"contact_reach": care_contact_phone(episode)}
        if episode.estimated_discharge_date:
            initial["discharge_date"] = episode.estimated_discharge_date
        return _summary_page(request, episode, SummaryForm(episode=episode, initial=initial))
    giving = "give" in request.POST
    episode = get_episode_for_user(
        request.user,
        public_id,
        action="summary.give" if giving else "summary.preview",
        request=request,
    )
    form = SummaryForm(request.POST, episode=episode)
    if not form.is_valid():
        return _summary_page(request, episode, form, status=400)
    given = form.nurse_input()
    gaps = missing(episode, given)
    if gaps:
        for gap in gaps:
            if gap.field in form.fields:
                form.add_error(gap.field, gap.message)
        return _summary_page(request, episode, form, gaps=gaps, status=400)
    if not giving:
        language = VARIANT_LANGUAGE[given.variant]
        with translation.override(language):
            # Rendered apart, so that only the summary, not the page around it, is in English.
            body = render_to_string(
                f"portal/summary/{given.variant}.html",
                render_body(given.variant, facts(request.user, episode, given)),
            )
        return _summary_page(request, episode, form, preview={"body": body, "language": language})
    try:
        kept = give_summary(request.user, episode, given)
    except ActionError as error:
        form.add_error(None, error.message)
        return _summary_page(request, episode, form, status=400)
    messages.success(
        request,
        _(
            "Sammanfattningen är skapad och en kopia sparad. "
            "Skriv ut den och ge den till den enskilde."
        ),
    )
    return HttpResponseRedirect(
        reverse("portal:summary", args=[episode.public_id]) + f"#kopia-{kept.number}"
    )


@login_required
def summary_pdf(request, public_id, number: int):
    """A kept summary, exactly as it was given."""
    episode = get_episode_for_user(request.user, public_id, action="summary.pdf", request=request)
    kept = DischargeSummary.objects.filter(episode=episode, number=number).first()
    if kept is None:
        raise Http404("no such summary")
    response = HttpResponse(bytes(kept.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sammanfattning-{number}.pdf"'
    return response


def _brochure_context() -> dict:
    """The region's count in force today for the admission notice (the brochure names it)."""
    try:
        hours = regional_count("admission_notice_hours", timezone.localdate())
    except MissingConfiguration:
        hours = None
    return {"notice_hours": hours}


def brochure(request):
    """The information brochure about the stay and the way home: no patient data, public."""
    return render(request, "portal/brochure.html", _brochure_context())


def brochure_pdf(request):
    response = HttpResponse(
        render_pdf("portal/brochure_pdf.html", _brochure_context()),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'inline; filename="fran-sjukhus-till-hemmet.pdf"'
    return response
