"""The deviation pages. Thin: load for the user (logged), parse, call an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.log import log_access
from core.errors import ActionError
from deviations import actions, exports, statistics
from deviations.access import (
    contact_unit_ids,
    get_deviation_for_user,
    is_contact_for,
    log_deviation_list,
    manager_unit_ids,
    member_unit_ids,
    readable_deviations,
    sees_episode,
)
from deviations.candidates import draft_for_user, drafts_for_user
from deviations.forms import AnswerForm, DismissForm, DraftForm, PassOnForm, ReportForm, TextForm
from deviations.models import OPEN_STATES, RECEIVER_STATES, Deviation, DeviationState
from deviations.privacy import text_warnings
from episodes.access import get_episode_for_user
from process.models import DeviationCandidate


def _apply_error(form, error: ActionError) -> None:
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def _list(queryset, limit: int = 200) -> list[Deviation]:
    return list(
        queryset.select_related(
            "episode", "category", "reporting_unit", "receiving_unit", "handling_unit"
        ).order_by("-reported_at", "-id")[:limit]
    )


@login_required
def overview(request):
    """The user's deviations: to handle as a contact, reported by their units, drafts from
    missed deadlines, and (managers) their units' deviations — never patient details."""
    user = request.user
    handled = _list(
        Deviation.objects.filter(handling_unit_id__in=contact_unit_ids(user), state__in=OPEN_STATES)
    )
    reported = _list(Deviation.objects.filter(reporting_unit_id__in=member_unit_ids(user)))
    managed_ids = manager_unit_ids(user)
    managed = (
        _list(
            readable_deviations(user).filter(reporting_unit_id__in=managed_ids)
            | readable_deviations(user).filter(receiving_unit_id__in=managed_ids)
        )
        if managed_ids
        else []
    )
    seen: dict[int, Deviation] = {d.pk: d for d in [*handled, *reported, *managed]}
    log_deviation_list(user, list(seen.values()), request=request)
    return render(
        request,
        "deviations/overview.html",
        {
            "handled": handled,
            "reported": reported,
            "managed": managed,
            "drafts": drafts_for_user(user),
            "now": timezone.now(),
            "is_statistics_user": statistics.may_see_statistics(user),
        },
    )


def _report_context(request, episode, form, warnings):
    return {"episode": episode, "form": form, "warnings": warnings}


@login_required
def report(request, episode_id):
    """Report a deviation from the episode page: episode, event date and the receiving party
    (the ward, for a unit outside it) are filled in."""
    episode = get_episode_for_user(
        request.user, episode_id, action="deviation.report", request=request
    )
    units = actions.reporting_units(request.user, episode)
    if not units:
        raise PermissionDenied
    proposed = actions.proposed_receiving_units(episode, units[0])
    warnings: list[str] = []
    if request.method == "POST":
        form = ReportForm(request.POST, proposed=proposed)
        if form.is_valid():
            data = form.cleaned_data
            individual = episode.individual
            if "check" in request.POST:
                warnings = text_warnings(
                    f"{data['what_happened']}\n{data['consequence']}",
                    names=[individual.given_name, individual.family_name],
                )
                if not warnings:
                    messages.info(request, _("Texten ser bra ut: inga namn eller personnummer."))
                return render(
                    request,
                    "deviations/report.html",
                    _report_context(request, episode, form, warnings),
                )
            try:
                result = actions.do_report(
                    request.user,
                    episode,
                    receiving_unit=data["receiving_unit"],
                    category_key=data["category"],
                    event_date=data["event_date"],
                    what_happened=data["what_happened"],
                    consequence=data["consequence"],
                    submission_key=data["submission_key"],
                )
            except ActionError as error:
                _apply_error(form, error)
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    _("Avvikelsen är skickad till %(unit)s.")
                    % {"unit": result.deviation.receiving_unit.name},
                )
                return HttpResponseRedirect(
                    reverse("deviations:detail", args=[result.deviation.public_id])
                )
        messages.error(request, _("Avvikelsen skickades inte. Rätta felen nedan."))
        return render(
            request,
            "deviations/report.html",
            _report_context(request, episode, form, warnings),
            status=400,
        )
    initial = {
        "event_date": timezone.localdate(),
        "receiving_unit": proposed[0].pk if proposed else None,
    }
    form = ReportForm(initial=initial, proposed=proposed)
    return render(
        request, "deviations/report.html", _report_context(request, episode, form, warnings)
    )


ACTION_FORMS = {
    "acknowledge": None,
    "question": (TextForm, gettext_lazy("Din fråga till rapportören")),
    "reply": (TextForm, gettext_lazy("Ditt svar på frågan")),
    "pass_on": (PassOnForm, None),
    "answer": (AnswerForm, None),
    "close": (TextForm, gettext_lazy("Kommentar (valfritt)")),
    "send_back": (TextForm, gettext_lazy("Varför skickas svaret tillbaka?")),
}


def _action_form(name: str, deviation: Deviation, data=None):
    """The form of one action, prefixed by its name (several share a page)."""
    spec = ACTION_FORMS[name]
    if spec is None:
        return TextForm(data, prefix=name)
    form_class, label = spec
    if form_class is PassOnForm:
        return PassOnForm(data, prefix=name, principal_id=deviation.receiving_principal_id)
    if form_class is TextForm:
        return TextForm(data, prefix=name, label=str(label))
    return form_class(data, prefix=name)


def _forms_for(user, deviation: Deviation, bound: tuple[str, object] | None = None) -> dict:
    """The action forms the user may use on the deviation now."""
    contact = is_contact_for(user, deviation.handling_unit)
    reporter = actions.may_act_as_reporter(user, deviation)
    state = deviation.state
    offered = []
    if contact and state in RECEIVER_STATES:
        if state == DeviationState.REPORTED:
            offered.append("acknowledge")
        offered += ["answer", "question", "pass_on"]
    if reporter and state == DeviationState.QUESTION:
        offered.append("reply")
    if reporter and state == DeviationState.ANSWERED:
        offered.append("close")
        if deviation.sent_back_at is None:
            offered.append("send_back")
    forms: dict = {}
    for name in offered:
        if bound and bound[0] == name:
            forms[name] = bound[1]
        else:
            forms[name] = _action_form(name, deviation)
    return forms


def _render_detail(request, deviation: Deviation, bound=None, status: int = 200):
    user = request.user
    shows_episode = sees_episode(user, deviation.episode)
    return render(
        request,
        "deviations/detail.html",
        {
            "deviation": deviation,
            "events": deviation.events.select_related("actor", "actor_unit"),
            "forms": _forms_for(user, deviation, bound),
            "shows_episode": shows_episode,
            "individual": deviation.episode.individual if shows_episode else None,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def detail(request, public_id):
    deviation = get_deviation_for_user(request.user, public_id, request=request)
    return _render_detail(request, deviation)


@login_required
@require_POST
def act(request, public_id, name):
    if name not in ACTION_FORMS:
        raise Http404("unknown action")
    user = request.user
    deviation = get_deviation_for_user(user, public_id, action="deviation.act", request=request)
    form = _action_form(name, deviation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        key = data.get("submission_key")
        try:
            if name == "acknowledge":
                actions.do_acknowledge(user, deviation, submission_key=key)
            elif name == "question":
                actions.do_ask_question(user, deviation, data["text"], submission_key=key)
            elif name == "reply":
                actions.do_reply(user, deviation, data["text"], submission_key=key)
            elif name == "pass_on":
                actions.do_pass_on(user, deviation, data["unit"], data["text"], submission_key=key)
            elif name == "answer":
                actions.do_answer(
                    user,
                    deviation,
                    cause=data["cause"],
                    measures=data["measures"],
                    systemic=form.systemic_value(),
                    submission_key=key,
                )
            elif name == "close":
                actions.do_close(user, deviation, data["text"], submission_key=key)
            elif name == "send_back":
                actions.do_send_back(user, deviation, data["text"], submission_key=key)
        except ActionError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Klart."))
            return HttpResponseRedirect(reverse("deviations:detail", args=[deviation.public_id]))
    messages.error(request, _("Det sparades inte. Rätta felen nedan."))
    deviation.refresh_from_db()
    return _render_detail(request, deviation, bound=(name, form), status=400)


@login_required
def draft(request, candidate_id):
    """A prepared draft from a missed deadline: send it as a deviation, or dismiss it."""
    found = draft_for_user(request.user, candidate_id)
    if found is None:
        raise Http404("no such draft")
    # The draft shows no patient details, but it is about a person's care: logged.
    log_access(
        request.user,
        "deviation.draft",
        episode=found.candidate.episode,
        request=request,
        detail=f"utkast {candidate_id}",
    )
    form = DraftForm(
        initial={
            "reporting_unit": found.reporting_units[0].pk if found.reporting_units else None,
            "category": found.category_key,
            "what_happened": found.what_happened,
        },
        units=found.reporting_units,
    )
    dismiss = DismissForm(prefix="dismiss")
    status = 200
    if request.method == "POST":
        candidate = DeviationCandidate.objects.get(pk=found.candidate.pk)
        if "dismiss" in request.POST:
            dismiss = DismissForm(request.POST, prefix="dismiss")
            if dismiss.is_valid():
                try:
                    actions.do_dismiss_candidate(
                        request.user,
                        candidate,
                        dismiss.cleaned_data["reason"],
                        submission_key=dismiss.cleaned_data["submission_key"],
                    )
                except ActionError as error:
                    _apply_error(dismiss, error)
                else:
                    messages.success(request, _("Utkastet är avfärdat."))
                    return HttpResponseRedirect(reverse("deviations:overview"))
        else:
            form = DraftForm(request.POST, units=found.reporting_units)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    result = actions.do_send_candidate(
                        request.user,
                        candidate,
                        reporting_unit=data["reporting_unit"],
                        category_key=data["category"],
                        what_happened=data["what_happened"],
                        consequence=data["consequence"],
                        submission_key=data["submission_key"],
                    )
                except ActionError as error:
                    _apply_error(form, error)
                else:
                    for warning in result.warnings:
                        messages.warning(request, warning)
                    messages.success(
                        request,
                        _("Avvikelsen är skickad till %(unit)s.")
                        % {"unit": result.deviation.receiving_unit.name},
                    )
                    return HttpResponseRedirect(
                        reverse("deviations:detail", args=[result.deviation.public_id])
                    )
        messages.error(request, _("Det sparades inte. Rätta felen nedan."))
        status = 400
    return render(
        request,
        "deviations/draft.html",
        {"draft": found, "form": form, "dismiss": dismiss},
        status=status,
    )


@login_required
def statistics_page(request):
    """Statistics without patient details: managers their own units, process leaders all."""
    scope = statistics.scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    filters = statistics.Filters.from_query(request.GET)
    report = statistics.build_report(scope, filters)
    return render(
        request,
        "deviations/statistics.html",
        {
            "report": report,
            "filters": filters,
            "choices": statistics.filter_choices(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def statistics_export(request, fmt: str):
    scope = statistics.scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    filters = statistics.Filters.from_query(request.GET)
    report = statistics.build_report(scope, filters)
    if fmt == "pdf":
        response = HttpResponse(exports.learning_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            exports.workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    name = f"avvikelser-larande-{filters.quarter_label}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
