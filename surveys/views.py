"""The survey pages. Thin: load (logged), parse, call an action, render.

- The ward's invitation for an episode (patient data: loaded through `episodes.access`).
- The public answer pages: no login, the one-time code, pause and resume.
- Staff's paper answer, and the process leaders' results.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ActionError
from episodes.access import get_episode_for_user
from indicators import charts as charts_module
from indicators.access import require_statistics
from surveys import actions, qr, results
from surveys.models import (
    QUARTERS,
    MeasurementPlan,
    QuestionKind,
    Questionnaire,
    Respondent,
    Response,
    period_label,
)

SESSION_KEY = "survey_response"
PAPER_KEY = "survey_paper"


def _client(request) -> str:
    """The client's address as the login lockout counts it (behind SAMSYN_PROXY_COUNT
    proxies, from X-Forwarded-For), so the code limit is per person, not per proxy."""
    return get_client_ip_address(request) or "unknown"


# -- the ward's invitation ---------------------------------------------------------------------


@login_required
def invite(request, episode_id):
    """GET: the episode and a button; POST: a new code, shown once on a printable page."""
    if request.method == "POST":
        try:
            issued = actions.create_invitation(request.user, episode_id, request=request)
        except ActionError as error:
            return render(
                request,
                "surveys/invite.html",
                {"episode": None, "episode_id": episode_id, "error": error.message},
                status=400,
            )
        link = request.build_absolute_uri(reverse("surveys:start"))
        coded = f"{link}?kod={issued.code}"
        return render(
            request,
            "surveys/invitation_print.html",
            {
                "invitation": issued.invitation,
                "code": actions.format_code(issued.code),
                "link": link,
                "qr": qr.svg(coded),
            },
        )
    episode = get_episode_for_user(
        request.user, episode_id, action="survey.invite", request=request
    )
    plan = actions.plan_on(timezone.localdate())
    return render(request, "surveys/invite.html", {"episode": episode, "plan": plan})


# -- answering ---------------------------------------------------------------------------------


def start(request):
    """The code page: a code opens a new answer or the paused one."""
    error = None
    code = request.GET.get("kod", "")
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            response = actions.open_response(code, client=_client(request))
        except ActionError as refused:
            error = refused.message
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = response.pk
            return HttpResponseRedirect(reverse("surveys:answer"))
    return render(
        request,
        "surveys/start.html",
        {"code": code, "error": error},
        status=400 if error else 200,
    )


def _form_rows(response: Response, values: dict[str, str], errors: dict[str, str]):
    rows = []
    for question in response.version.questions.all():
        rows.append(
            {
                "question": question,
                "value": values.get(question.key, ""),
                "error": errors.get(question.key),
                "options": list(question.scale()) if question.kind == QuestionKind.SCALE else [],
            }
        )
    return rows


def _saved_values(response: Response) -> dict[str, str]:
    values = {}
    for answer in response.answers.select_related("question"):
        values[answer.question.key] = str(answer.value) if answer.value is not None else answer.text
    return values


def answer(request):
    """The questions of the answer opened by a code (in this session); save for later or send."""
    paper = bool(request.session.get(PAPER_KEY)) and request.user.is_authenticated
    response = (
        Response.objects.select_related("version", "plan")
        .filter(pk=request.session.get(SESSION_KEY), submitted_at__isnull=True)
        .first()
    )
    if response is None:
        return HttpResponseRedirect(reverse("surveys:start"))
    if request.method == "GET" and "lattlast" in request.GET:
        response = actions.switch_version(response, request.GET["lattlast"] == "1")
    errors: dict[str, str] = {}
    values = _saved_values(response)
    respondent = response.respondent
    if request.method == "POST":
        keys = [q.key for q in response.version.questions.all()]
        values = {key: request.POST.get(f"q-{key}", "") for key in keys}
        respondent = request.POST.get("respondent", "")
        submit = "send" in request.POST
        try:
            actions.save_answers(response, values, respondent=respondent, submit=submit)
        except ActionError as refused:
            errors[refused.field or "form"] = refused.message
        else:
            if submit:
                request.session.pop(SESSION_KEY, None)
                request.session.pop(PAPER_KEY, None)
                return HttpResponseRedirect(reverse("surveys:thanks"))
            request.session.pop(SESSION_KEY, None)
            return HttpResponseRedirect(reverse("surveys:paused"))
    plan = response.plan
    return render(
        request,
        "surveys/answer.html",
        {
            "response": response,
            "version": response.version,
            "rows": _form_rows(response, values, errors),
            "errors": errors,
            "respondent": respondent,
            "respondents": Respondent.choices,
            "easy_read_available": plan.easy_read_questionnaire_id is not None,
            "paper": paper,
        },
        status=400 if errors else 200,
    )


def paused(request):
    return render(request, "surveys/paused.html")


def thanks(request):
    return render(request, "surveys/thanks.html")


@login_required
def paper(request):
    """Staff type in a paper answer: the form's code first, then the same questions."""
    if not actions.may_enter_paper(request.user):
        raise PermissionDenied(_("Pappersenkäter matas in av personal."))
    error = None
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            response = actions.open_response(code, client=_client(request), channel="paper")
        except ActionError as refused:
            error = refused.message
        else:
            request.session[SESSION_KEY] = response.pk
            request.session[PAPER_KEY] = True
            return HttpResponseRedirect(reverse("surveys:answer"))
    return render(
        request,
        "surveys/paper.html",
        {"code": code, "error": error},
        status=400 if error else 200,
    )


# -- results -----------------------------------------------------------------------------------


def _report(request):
    require_statistics(request.user)
    plans = list(MeasurementPlan.objects.order_by("-baseline_start"))
    wanted = request.GET.get("plan")
    plan = next((p for p in plans if str(p.public_id) == wanted), plans[0] if plans else None)
    if plan is None:
        return plans, None
    return plans, results.report(plan, request.GET.get("per", "total"))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _decimal(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    return (f"{value:+.1f}" if signed else f"{value:.1f}").replace(".", ",").replace("-", "−")


@login_required
def results_page(request):
    """Results per quarter against the baseline, with a chart per question and its table."""
    plans, report = _report(request)
    charts = []
    table = []
    if report is not None:
        totals = results.report(report.plan, "total", min_group=report.threshold)
        for index, (key, text) in enumerate(report.questions):
            base = totals.total(0)
            baseline = base.means.get(key) if base and not base.suppressed else None
            points = []
            for period in range(1, QUARTERS + 1):
                row = totals.total(period)
                value = row.means.get(key) if row and not row.suppressed else None
                points.append(
                    charts_module.Point(
                        label=period_label(period),
                        value=value,
                        text=_decimal(value) if value is not None else _("visas ej"),
                    )
                )
            charts.append(
                {
                    "text": text,
                    "svg": charts_module.bar_chart(
                        f"chart-{index}",
                        _("Medelvärde per kvartal: %(q)s") % {"q": text},
                        points,
                        limit=baseline,
                        limit_label=_("Baslinje %(v)s") % {"v": _decimal(baseline)},
                    ),
                }
            )
        for row in report.rows:
            table.append(
                {
                    "row": row,
                    "rate": _percent(row.response_rate),
                    "cells": [
                        (_decimal(row.means.get(k)), _decimal(row.changes.get(k), True))
                        for k, _t in report.questions
                    ],
                }
            )
    return render(
        request,
        "surveys/results.html",
        {
            "plans": plans,
            "report": report,
            "charts": charts,
            "table": table,
            "per": report.per if report else "total",
            "query": request.GET.urlencode(),
        },
    )


@login_required
def results_csv(request):
    """The results table as CSV (semicolon, UTF-8 with BOM for Excel); suppressed groups say so."""
    _plans, report = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="samsyn-enkat-resultat.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    if report is None:
        return response
    writer.writerow(
        [_("Period"), _("Grupp"), _("Inbjudna"), _("Svar"), _("Svarsfrekvens")]
        + [f"{text} ({_('medel')})" for _k, text in report.questions]
        + [f"{text} ({_('mot baslinjen')})" for _k, text in report.questions]
    )
    for row in report.rows:
        if row.suppressed:
            note = _("färre än %(n)s svar – visas inte") % {"n": report.threshold}
            writer.writerow([row.period_label, row.group, note])
            continue
        writer.writerow(
            [
                row.period_label,
                row.group,
                row.invitations,
                row.responses,
                _percent(row.response_rate),
            ]
            + [_decimal(row.means.get(k)) for k, _t in report.questions]
            + [_decimal(row.changes.get(k), True) for k, _t in report.questions]
        )
    return response


# -- setting up: questionnaires and plans ------------------------------------------------------


@login_required
def setup(request):
    """Process leaders: the questionnaires with their versions, and the measurement plans; a
    new plan is made here (a baseline, then quarterly for 24 months)."""
    if not actions.may_define(request.user):
        raise PermissionDenied(_("Enkäter läggs upp av processledare och administratörer."))
    questionnaires = list(Questionnaire.objects.prefetch_related("versions").order_by("name"))
    error = None
    if request.method == "POST":
        data = request.POST
        chosen = {str(q.public_id): q for q in questionnaires}
        try:
            start, end = (dt.date.fromisoformat(data.get(k, "")) for k in ("start", "end"))
        except ValueError:
            error = _("Ange baslinjens första och sista dag som datum.")
        else:
            try:
                actions.create_plan(
                    request.user,
                    name=data.get("name", "").strip() or _("Mätplan"),
                    questionnaire=chosen[data.get("questionnaire", "")],
                    easy_read_questionnaire=chosen.get(data.get("easy_read", "")),
                    baseline_start=start,
                    baseline_end=end,
                )
            except KeyError:
                error = _("Välj ett frågeformulär.")
            except ActionError as refused:
                error = refused.message
            else:
                return HttpResponseRedirect(reverse("surveys:setup"))
    return render(
        request,
        "surveys/setup.html",
        {
            "questionnaires": questionnaires,
            "plans": MeasurementPlan.objects.select_related("questionnaire").order_by(
                "-baseline_start"
            ),
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@login_required
def questionnaire_edit(request, key):
    """A questionnaire as data (JSON): a change while answers exist becomes a new version."""
    if not actions.may_define(request.user):
        raise PermissionDenied(_("Enkäter läggs upp av processledare och administratörer."))
    questionnaire = Questionnaire.objects.filter(key=key).first()
    version = questionnaire.current_version() if questionnaire else None
    error = None
    if request.method == "POST":
        text = request.POST.get("definition", "")
        try:
            definition = json.loads(text)
            if not isinstance(definition, dict):
                raise ValueError
        except ValueError:
            error = _("Texten är inte giltig JSON med rubrik och frågor.")
        else:
            try:
                saved = actions.save_questionnaire(request.user, key, definition)
            except ActionError as refused:
                error = refused.message
            else:
                messages.success(request, _("Sparat som version %(n)s.") % {"n": saved.number})
                return HttpResponseRedirect(reverse("surveys:setup"))
    else:
        text = json.dumps(_definition(version), ensure_ascii=False, indent=2) if version else ""
    return render(
        request,
        "surveys/questionnaire_edit.html",
        {"key": key, "version": version, "text": text, "error": error},
        status=400 if error else 200,
    )


def _definition(version) -> dict:
    questions = []
    for q in version.questions.all():
        row = {"key": q.key, "text": q.text, "kind": q.kind, "required": q.required}
        if q.kind == QuestionKind.SCALE:
            row.update(
                scale_min=q.scale_min,
                scale_max=q.scale_max,
                min_label=q.min_label,
                max_label=q.max_label,
            )
        questions.append(row)
    return {
        "title": version.title,
        "introduction": version.introduction,
        "easy_read": version.easy_read,
        "questions": questions,
    }
