"""Min planering: the individual's (or their representative's) own pages, after e-ID login.

Every page loads whom it shows through `portal.access.get_subject` (logged, the same neutral
404 for anything the reader may not see); the actions are `sip.citizen`'s (own words, asking
for a SIP), `portal.actions`' (giving and revoking access) and `process.actions`' (marking
one's own part of the planning done; writing what matters or asking for a SIP completes the
activity the work description names for it, in the same transaction).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionError
from identity.citizen import citizen_required
from portal import actions
from portal.access import (
    Subject,
    actor_for,
    get_subject,
    log_read,
    record_expiry,
    subjects_of,
)
from portal.forms import AskSipForm, GrantForm, OwnWordsForm
from portal.models import DischargeSummary, Representation
from portal.planning import sip_requests_of, sips_of, stay_view, stays_of
from portal.readlog import reads_about
from process import actions as process_actions
from sip import citizen as sip_citizen
from sip.pdf import render_plan_pdf


def _form_error(form, error: ActionError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _base(request, subject: Subject) -> dict:
    return {
        "citizen": request.citizen,
        "subject": subject,
        "individual": subject.individual,
        "several": len(subjects_of(request.citizen)) > 1,
    }


@citizen_required
def home(request):
    """The way in: one's own planning, or the chooser "Du företräder: …" when the citizen may
    see someone else; a neutral page for a login Samsyn knows nothing about."""
    subjects = subjects_of(request.citizen)
    if len(subjects) == 1 and subjects[0].is_self:
        return HttpResponseRedirect(
            reverse("portal:overview", args=[subjects[0].individual.public_id])
        )
    log_read(request, request.citizen, "portal.home", subject=None, detail=f"{len(subjects)} val")
    return render(
        request,
        "portal/citizen_home.html",
        {"citizen": request.citizen, "subjects": subjects},
    )


def _overview(request, subject: Subject, *, bound=None, bound_sip=None, ask=None, status=200):
    individual = subject.individual
    plans = sips_of(individual)
    for plan in plans:
        is_bound = bound is not None and str(plan.sip.public_id) == str(bound_sip)
        plan.form = (  # type: ignore[attr-defined]
            bound
            if is_bound
            else OwnWordsForm(
                auto_id=f"id_{plan.sip.public_id}_%s",
                initial={"text": plan.own_words[0].text if plan.own_words else ""},
            )
        )
    context = {
        **_base(request, subject),
        "stays": [stay_view(episode) for episode in stays_of(individual)],
        "plans": plans,
        "has_open_sip": any(plan.sip.is_open for plan in plans),
        "requests": sip_requests_of(individual),
        "ask_form": ask or AskSipForm(),
    }
    return render(request, "portal/citizen_overview.html", context, status=status)


@citizen_required
def overview(request, public_id):
    subject = get_subject(request, request.citizen, public_id, action="portal.overview")
    return _overview(request, subject)


@citizen_required
@require_POST
def own_words(request, public_id, sip_id):
    subject = get_subject(request, request.citizen, public_id, action="portal.own_words")
    form = OwnWordsForm(request.POST, auto_id=f"id_{sip_id}_%s")
    form.is_valid()
    try:
        sip = sip_citizen.sip_for_citizen(subject.individual.identifier, sip_id)
        with transaction.atomic():
            sip_citizen.record_own_words(
                sip.public_id,
                citizen_identifier=request.citizen.personal_identity_number,
                citizen_name=request.citizen.name,
                as_representative=not subject.is_self,
                text=form.cleaned_data.get("text", ""),
            )
            process_actions.complete_by_citizen_action(
                actor_for(request.citizen, subject), subject.individual, "own_words"
            )
    except ActionError as error:
        if error.code == "not_found":
            raise Http404("not found") from None
        _form_error(form, error)
        return _overview(request, subject, bound=form, bound_sip=sip_id, status=400)
    messages.success(request, _("Tack! Det du skrev är sparat och syns för dem som gör planen."))
    return HttpResponseRedirect(reverse("portal:overview", args=[public_id]) + f"#sip-{sip_id}")


@citizen_required
@require_POST
def ask_sip(request, public_id):
    subject = get_subject(request, request.citizen, public_id, action="portal.ask_sip")
    form = AskSipForm(request.POST)
    form.is_valid()
    try:
        with transaction.atomic():
            sip_citizen.request_sip(
                citizen_identifier=request.citizen.personal_identity_number,
                citizen_name=request.citizen.name,
                as_representative=not subject.is_self,
                individual_identifier=subject.individual.identifier,
                text=form.cleaned_data.get("text", ""),
            )
            process_actions.complete_by_citizen_action(
                actor_for(request.citizen, subject), subject.individual, "ask_sip"
            )
    except ActionError as error:
        _form_error(form, error)
        return _overview(request, subject, ask=form, status=400)
    messages.success(
        request, _("Din begäran om SIP är skickad. Vårdcentralen hör av sig till dig.")
    )
    return HttpResponseRedirect(reverse("portal:overview", args=[public_id]) + "#be-om-sip")


@citizen_required
@require_POST
def mark_done(request, public_id, activity_id):
    """ "Klart": the individual (or a representative with access today) marks a part of their
    own planning done, when the work description lets them."""
    subject = get_subject(request, request.citizen, public_id, action="portal.mark_done")
    try:
        activity = process_actions.do_citizen_check_off(
            actor_for(request.citizen, subject), activity_id, subject.individual
        )
    except ActionError as error:
        if error.code == "not_found":
            raise Http404("not found") from None
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("portal:overview", args=[public_id]))
    messages.success(
        request,
        _("Bra! ”%(title)s” är markerat som klart. Personalen ser det.")
        % {"title": activity.definition.title},
    )
    return HttpResponseRedirect(
        reverse("portal:overview", args=[public_id]) + f"#stay-{activity.episode.public_id}"
    )


@citizen_required
def plan_pdf(request, public_id, sip_id):
    """The SIP's plan as "Min plan" (the SIP module's PDF)."""
    subject = get_subject(request, request.citizen, public_id, action="portal.plan_pdf")
    try:
        sip = sip_citizen.sip_for_citizen(subject.individual.identifier, sip_id)
    except ActionError:
        raise Http404("not found") from None
    version = sip_citizen.current_plan(sip)
    if version is None:
        raise Http404("no plan yet")
    response = HttpResponse(render_plan_pdf(sip, version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="min-plan-{version.number}.pdf"'
    return response


@citizen_required
def summary_pdf(request, public_id, episode_id, number: int):
    """A written summary the individual was given at discharge, exactly as printed."""
    subject = get_subject(request, request.citizen, public_id, action="portal.summary_pdf")
    kept = DischargeSummary.objects.filter(
        episode__public_id=episode_id, episode__individual=subject.individual, number=number
    ).first()
    if kept is None:
        raise Http404("not found")
    response = HttpResponse(bytes(kept.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sammanfattning-{number}.pdf"'
    return response


def _own_subject(request, public_id, action: str) -> Subject:
    """Only the individual themselves manages who may see their planning."""
    subject = get_subject(request, request.citizen, public_id, action=action)
    if not subject.is_self:
        raise Http404("not found")
    return subject


def _access_page(request, subject: Subject, form, *, status=200):
    representations = list(
        Representation.objects.filter(individual=subject.individual)
        .select_related("granted_unit")
        .order_by("-granted_at", "-id")
    )
    for representation in representations:
        record_expiry(representation)  # the history says when it ran out
    context = {
        **_base(request, subject),
        "form": form,
        "representations": representations,
        "latest_end": actions.latest_end(),
        "max_months": actions.GRANT_MAX_MONTHS,
        "today": timezone.localdate(),
    }
    return render(request, "portal/citizen_access.html", context, status=status)


@citizen_required
def access(request, public_id):
    """Who may see my planning: give a person access for a period, see the history."""
    if request.method != "POST":
        subject = _own_subject(request, public_id, "portal.access")
        return _access_page(request, subject, GrantForm(initial={"valid_to": actions.latest_end()}))
    subject = _own_subject(request, public_id, "portal.grant")
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _access_page(request, subject, form, status=400)
    try:
        granted = actions.do_grant_access(
            request.citizen,
            subject.individual,
            actions.GrantInput(
                identifier=form.cleaned_data["identifier"],
                name=form.cleaned_data["name"],
                relation=form.cleaned_data["relation"],
                valid_to=form.cleaned_data["valid_to"],
            ),
        )
    except ActionError as error:
        _form_error(form, error)
        return _access_page(request, subject, form, status=400)
    messages.success(
        request,
        _("%(name)s kan nu se din planering till och med %(day)s.")
        % {"name": granted.representative_name, "day": granted.valid_to.isoformat()},
    )
    return HttpResponseRedirect(reverse("portal:access", args=[public_id]))


@citizen_required
@require_POST
def revoke(request, public_id, representation_id):
    subject = _own_subject(request, public_id, "portal.revoke")
    representation = Representation.objects.filter(
        public_id=representation_id, individual=subject.individual
    ).first()
    if representation is None:
        raise Http404("not found")
    try:
        actions.do_revoke_by_citizen(request.citizen, representation)
    except ActionError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("portal:access", args=[public_id]))
    messages.success(
        request,
        _("%(name)s kan inte längre se din planering.")
        % {"name": representation.representative_name},
    )
    return HttpResponseRedirect(reverse("portal:access", args=[public_id]))


@citizen_required
def read_log(request, public_id):
    """Vem har läst mina uppgifter."""
    subject = get_subject(request, request.citizen, public_id, action="portal.read_log")
    context = {**_base(request, subject), "rows": reads_about(subject.individual)}
    return render(request, "portal/citizen_read_log.html", context)
