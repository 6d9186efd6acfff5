"""The SIP pages: "Mina SIP", starting a SIP (in a stay or outside one), the SIP page with
its steps, plan versions and the printable plan. Thin: load for the user (logged), parse,
call an action, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import submissions
from core.errors import ActionError
from episodes.access import care_unit_ids, get_episode_for_user
from organisations.models import CARE_ROLES, UnitKind
from sip import actions, forms
from sip.access import (
    find_individual_to_start,
    get_sip_for_user,
    log_list,
    visible_sips,
    waiting_notices,
)
from sip.models import OPEN_STATES, Participant, PlanVersion, Sip, SipState
from sip.rules import STARTING_LANES, SipStep, steps_allowed


@dataclass(frozen=True)
class StepPage:
    title: Promise
    submit: Promise
    form: type[forms.SipForm]
    call: Callable[[Any, Sip, Any, str | None], Any]
    versioned: bool = False


STEP_PAGES: dict[SipStep, StepPage] = {
    SipStep.RECORD_CONSENT: StepPage(
        gettext_lazy("Erbjud SIP och registrera samtycke"),
        gettext_lazy("Spara svaret"),
        forms.ConsentForm,
        lambda user, sip, f, key: actions.do_record_consent(
            user,
            sip,
            f.cleaned_data["consent"],
            scope=f.cleaned_data["scope"],
            relatives_may_take_part=f.cleaned_data["relatives_may_take_part"],
            relative=f.cleaned_data["relative"],
            note=f.cleaned_data["note"],
            submission_key=key,
        ),
    ),
    SipStep.INVITE: StepPage(
        gettext_lazy("Kalla till SIP-möte"),
        gettext_lazy("Skicka kallelsen"),
        forms.InviteForm,
        lambda user, sip, f, key: actions.do_invite(user, sip, f.input(), submission_key=key),
    ),
    SipStep.RECORD_MEETING: StepPage(
        gettext_lazy("Registrera SIP-mötet"),
        gettext_lazy("Mötet är hållet"),
        forms.MeetingRecordForm,
        lambda user, sip, f, key: actions.do_record_meeting(
            user, sip, list(f.cleaned_data["attended"]), submission_key=key
        ),
    ),
    SipStep.SAVE_PLAN: StepPage(
        gettext_lazy("Skriv planen"),
        gettext_lazy("Spara planen som ny version"),
        forms.PlanForm,
        lambda user, sip, f, key: actions.do_save_plan(
            user, sip, f.input(), base_version=f.cleaned_data["base_version"], submission_key=key
        ),
        versioned=True,
    ),
    SipStep.FOLLOW_UP: StepPage(
        gettext_lazy("Följ upp planen"),
        gettext_lazy("Spara uppföljningen"),
        forms.FollowUpForm,
        lambda user, sip, f, key: actions.do_follow_up(
            user,
            sip,
            f.statuses(),
            base_version=f.cleaned_data["base_version"],
            next_date=f.cleaned_data["next_date"],
            close_reason=f.cleaned_data["close_reason"],
            note=f.cleaned_data["note"],
            submission_key=key,
        ),
        versioned=True,
    ),
    SipStep.CLOSE: StepPage(
        gettext_lazy("Avsluta SIP"),
        gettext_lazy("Avsluta"),
        forms.CloseForm,
        lambda user, sip, f, key: actions.do_close(
            user, sip, f.cleaned_data["reason"], f.cleaned_data["note"], submission_key=key
        ),
    ),
    SipStep.WITHDRAW_CONSENT: StepPage(
        gettext_lazy("Samtycket återtas"),
        gettext_lazy("Stoppa SIP:en och meddela deltagarna"),
        forms.WithdrawForm,
        lambda user, sip, f, key: actions.do_withdraw_consent(
            user, sip, f.cleaned_data["note"], submission_key=key
        ),
    ),
    SipStep.ADD_PARTICIPANTS: StepPage(
        gettext_lazy("Bjud in fler deltagare"),
        gettext_lazy("Bjud in"),
        forms.ParticipantsForm,
        lambda user, sip, f, key: actions.do_add_participants(
            user, sip, f.input(), submission_key=key
        ),
    ),
    SipStep.SCHEDULE_MEETING: StepPage(
        gettext_lazy("Boka ett nytt SIP-möte"),
        gettext_lazy("Skicka kallelsen"),
        forms.NewMeetingForm,
        lambda user, sip, f, key: actions.do_schedule_meeting(
            user, sip, f.input(), submission_key=key
        ),
    ),
    SipStep.RECORD_NEXT_MEETING: StepPage(
        gettext_lazy("Registrera det nya mötet"),
        gettext_lazy("Mötet är hållet"),
        forms.NextMeetingRecordForm,
        lambda user, sip, f, key: actions.do_record_next_meeting(
            user, sip, list(f.cleaned_data["attended"]), submission_key=key
        ),
    ),
}


def current_version(sip: Sip) -> PlanVersion | None:
    return (
        sip.versions.select_related("lead_principal", "saved_by", "saved_unit")
        .prefetch_related("actions__principal", "actions__unit")
        .order_by("-number")
        .first()
    )


def user_lanes(user, sip: Sip) -> set[str]:
    unit_ids = set(
        Participant.objects.filter(
            sip=sip, unit__isnull=False, removed_at__isnull=True
        ).values_list("unit_id", flat=True)
    )
    return {
        m.unit.lane
        for m in user.active_memberships()
        if m.unit_id in unit_ids and m.unit_id in care_unit_ids(user)
    }


def _step_form(step: SipStep, sip: Sip, version: PlanVersion | None, data=None):
    spec = STEP_PAGES[step]
    # Several step forms share a page: each its own ids, so every label names its own field.
    kwargs: dict = {"sip": sip, "auto_id": f"id_{step.value}_%s"}
    if spec.versioned:
        kwargs["version"] = version
    return spec.form(data, **kwargs) if data is not None else spec.form(**kwargs)


def _render_sip(request, sip: Sip, *, bound=None, status: int = 200):
    version = current_version(sip)
    steps = steps_allowed(sip, user_lanes(request.user, sip))
    if bound and bound[0] not in steps:
        steps.insert(0, bound[0])
    step_forms = []
    for step in steps:
        spec = STEP_PAGES[step]
        form = bound[1] if bound and bound[0] == step else _step_form(step, sip, version)
        step_forms.append(
            {
                "step": step.value,
                "title": spec.title,
                "submit": spec.submit,
                "form": form,
                "open": bool(bound and bound[0] == step),
                "template": "sip/_plan_form.html" if step == SipStep.SAVE_PLAN else None,
            }
        )
    context = {
        "sip": sip,
        "individual": sip.individual,
        "version": version,
        "participants": sip.participants.select_related("unit__principal").order_by("id"),
        "events": sip.events.select_related("actor", "actor_unit"),
        "follow_ups": sip.follow_ups.select_related("by", "unit").order_by("-held_at"),
        "versions": sip.versions.select_related("saved_by", "saved_unit").order_by("-number"),
        "forms": step_forms,
        "overdue": sip.follow_up_overdue(),
        "own_words": list(sip.own_words.order_by("-number")),
        "meetings": sip.meetings.select_related("scheduled_unit").prefetch_related(
            "attended__unit"
        ),
    }
    return render(request, "sip/detail.html", context, status=status)


@login_required
def sip_detail(request, public_id):
    sip = get_sip_for_user(request.user, public_id, request=request)
    return _render_sip(request, sip)


@login_required
@require_POST
def sip_step(request, public_id, step):
    try:
        step = SipStep(step)
    except ValueError:
        raise Http404("unknown step") from None
    sip = get_sip_for_user(request.user, public_id, action="sip.act", request=request)
    spec = STEP_PAGES[step]
    version = current_version(sip)
    form = _step_form(step, sip, version, data=request.POST)
    if form.is_valid():
        try:
            spec.call(request.user, sip, form, form.cleaned_data.get("submission_key"))
        except ActionError as error:
            form.add_action_error(error)
        else:
            messages.success(request, _("Klart: %(what)s.") % {"what": spec.title})
            return HttpResponseRedirect(reverse("sip_detail", args=[sip.public_id]))
    messages.error(request, _("%(what)s sparades inte. Rätta felen nedan.") % {"what": spec.title})
    sip.refresh_from_db()
    return _render_sip(request, sip, bound=(step, form), status=400)


@login_required
def sip_version(request, public_id, number: int):
    sip = get_sip_for_user(request.user, public_id, action="sip.version", request=request)
    version = (
        sip.versions.select_related("lead_principal", "saved_by", "saved_unit")
        .prefetch_related("actions__principal", "actions__unit")
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404("no such version")
    return render(
        request,
        "sip/version.html",
        {"sip": sip, "individual": sip.individual, "version": version},
    )


@login_required
def sip_list(request):
    """ "Mina SIP": the user's open SIPs, overdue follow-ups first, then by follow-up date;
    the SIP notices waiting at the user's units."""
    user = request.user
    today = timezone.localdate()
    sips = list(
        visible_sips(user)
        .filter(state__in=OPEN_STATES)
        .select_related("individual", "episode", "started_unit")
        .order_by("follow_up_date", "started_at")[:200]
    )
    rows = [{"sip": s, "overdue": s.follow_up_overdue(today)} for s in sips]
    rows.sort(key=lambda r: (not r["overdue"], r["sip"].state != SipState.ACTIVE))
    notices = list(waiting_notices(user).order_by("-sent_at")[:50])
    for notice in notices:
        notice.submission_key = submissions.new_key()
    log_list(user, "sip.list", sips + [n.sip for n in notices], request=request)
    sip_requests = _request_rows(user, request)
    return render(
        request,
        "sip/list.html",
        {
            "rows": rows,
            "notices": notices,
            "requests": sip_requests,
            "overdue_count": sum(1 for r in rows if r["overdue"]),
        },
    )


def _request_rows(user, request) -> list[dict]:
    """The requests on "Mina SIP": open ones sent to or by the user's units, and those
    answered in the last two weeks, newest first; each individual shown is logged."""
    import datetime as dt

    from django.db.models import Q

    from sip.inbox import log_requests, visible_requests
    from sip.models import OPEN_REQUEST_STATES

    unit_ids = care_unit_ids(user)
    recent = timezone.now() - dt.timedelta(days=14)
    found = list(
        visible_requests(user)
        .filter(Q(state__in=OPEN_REQUEST_STATES) | Q(answered_at__gte=recent))
        .select_related("individual", "from_unit")
        .prefetch_related("recipients__unit")
        .order_by("-sent_at")[:100]
    )
    log_requests(user, "sip.requests", found, request=request)
    rows = []
    for req in found:
        recipients = list(req.recipients.all())
        mine = [r for r in recipients if r.unit_id in unit_ids]
        rows.append(
            {
                "req": req,
                "to": ", ".join(r.unit.name for r in recipients),
                "incoming": bool(mine),
                "waiting": req.is_open and any(r.acknowledged_at is None for r in mine),
            }
        )
    return rows


@login_required
def sip_start(request):
    """Start a SIP outside a stay."""
    form = forms.StartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                from individuals.identifiers import parse_identifier

                try:
                    number = parse_identifier(data["identifier"]).number
                except ValueError as error:
                    raise ActionError(
                        str(error), code="invalid_identifier", field="identifier"
                    ) from None
                individual = find_individual_to_start(request.user, number, request=request)
                sip = actions.do_start_sip(
                    request.user,
                    individual=individual,
                    identifier=data["identifier"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    requested_by=data["requested_by"],
                    note=data["note"],
                    submission_key=data.get("submission_key"),
                )
            except ActionError as error:
                form.add_action_error(error)
            else:
                messages.success(request, _("SIP:en är startad."))
                return HttpResponseRedirect(reverse("sip_detail", args=[sip.public_id]))
        messages.error(request, _("SIP:en startades inte. Rätta felen nedan."))
        status = 400
    return render(request, "sip/start.html", {"form": form}, status=status)


@login_required
@require_POST
def sip_start_in_stay(request, episode_id):
    episode = get_episode_for_user(request.user, episode_id, action="sip.start", request=request)
    form = forms.StartInStayForm(request.POST)
    if form.is_valid():
        try:
            sip = actions.do_start_sip(
                request.user,
                episode=episode,
                note=form.cleaned_data["note"],
                submission_key=form.cleaned_data.get("submission_key"),
            )
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("SIP:en är startad."))
            return HttpResponseRedirect(reverse("sip_detail", args=[sip.public_id]))
    return HttpResponseRedirect(reverse("episode", args=[episode.public_id]))


@login_required
@require_POST
def notice_acknowledge(request, public_id):
    notice = waiting_notices(request.user).filter(public_id=public_id).select_related("sip").first()
    if notice is None:
        raise Http404("no such notice")
    form = forms.AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        actions.do_acknowledge_notice(
            request.user, notice, submission_key=form.cleaned_data.get("submission_key")
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Kvitterat."))
    return HttpResponseRedirect(reverse("sip_list"))


@login_required
def sip_pdf(request, public_id):
    from sip.pdf import render_plan_pdf

    sip = get_sip_for_user(request.user, public_id, action="sip.pdf", request=request)
    version = current_version(sip)
    if version is None:
        raise Http404("no plan yet")
    response = HttpResponse(render_plan_pdf(sip, version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="min-plan-{version.number}.pdf"'
    return response


def episode_panel(user, episode, *, party_unit_ids: set[int] | None = None) -> dict:
    """What the episode page shows of the stay's SIP: the SIP (if the user may read it) and
    whether the user may start one (the episode step rule decides). Not logged: the episode
    page's own read is. `party_unit_ids`: the units that are active parties of the episode,
    when the caller has read them (the episode page, issue 17)."""
    from episodes.rules import Step, steps_allowed

    sip = (
        visible_sips(user).filter(episode=episode).order_by("-started_at").first()
        if episode is not None
        else None
    )
    if party_unit_ids is None:
        party_unit_ids = set(
            episode.parties.filter(removed_at__isnull=True).values_list("unit_id", flat=True)
        )
    memberships = [m for m in user.active_memberships() if m.unit_id in party_unit_ids]
    compulsory = episode.is_compulsory_care
    in_starting_lane = any(
        m.role in CARE_ROLES
        and (
            m.unit.kind == UnitKind.PSYCHIATRIC_OUTPATIENT
            if compulsory
            else m.unit.lane in STARTING_LANES
        )
        for m in memberships
    )
    # The same test as `available_steps`, on the parties read above.
    may_start = (
        in_starting_lane
        and bool(
            steps_allowed(
                episode, [(m.unit.lane, m.role) for m in memberships], [Step.ASSESS_SIP_NEED]
            )
        )
        and not Sip.objects.filter(episode=episode, state__in=OPEN_STATES).exists()
    )
    return {
        "sip": sip,
        "may_start": may_start,
        "form": forms.StartInStayForm() if may_start else None,
        "care_plan": compulsory,
    }


@login_required
def sip_statistics_page(request):
    """SIP statistics for managers and process leaders: aggregates only, no patient data."""
    from django.core.exceptions import PermissionDenied

    from indicators.access import may_view_statistics
    from sip.statistics import GROUPS, sip_statistics

    if not may_view_statistics(request.user):
        raise PermissionDenied
    form = forms.StatisticsForm(request.GET or None)
    today = timezone.localdate()
    start, end, by = today.replace(day=1, month=1), today, "unit"
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        by = form.cleaned_data["by"] or by
    rows, total = sip_statistics(start, end, by=by if by in GROUPS else "unit")
    return render(
        request,
        "sip/statistics.html",
        {"form": form, "rows": rows, "total": total, "start": start, "end": end, "by": by},
    )


# -- requests outside a stay (SIP request, care request) ---------------------------------------


@login_required
def request_new(request):
    """Send a SIP request or a care request (vårdbegäran) to the other principal's units."""
    from individuals.identifiers import parse_identifier
    from sip import inbox

    form = forms.RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                number = parse_identifier(data["identifier"]).number
                individual = find_individual_to_start(request.user, number, request=request)
                req = inbox.do_send_request(
                    request.user,
                    kind=data["kind"],
                    individual=individual,
                    identifier=data["identifier"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    to_units=list(data["to_units"]),
                    text=data["text"],
                    submission_key=data.get("submission_key"),
                )
            except ActionError as error:
                form.add_action_error(error)
            else:
                messages.success(
                    request, _("%(kind)s är skickad.") % {"kind": req.get_kind_display()}
                )
                return HttpResponseRedirect(reverse("sip_request", args=[req.public_id]))
        messages.error(request, _("Förfrågan skickades inte. Rätta felen nedan."))
        status = 400
    return render(request, "sip/request_new.html", {"form": form}, status=status)


REQUEST_STEPS = {
    "kvittera": forms.AcknowledgeForm,
    "svara": forms.AnswerRequestForm,
    "starta-sip": forms.StartFromRequestForm,
}


def _render_request(request, req, *, bound=None, status: int = 200):
    unit_ids = care_unit_ids(request.user)
    recipients = list(req.recipients.select_related("unit__principal", "acknowledged_by"))
    mine = [r for r in recipients if r.unit_id in unit_ids]
    step_forms = {}
    if mine and req.is_open:
        for name, form_class in REQUEST_STEPS.items():
            if name == "kvittera" and all(r.acknowledged_at for r in mine):
                continue
            step_forms[name] = bound[1] if bound and bound[0] == name else form_class()
    return render(
        request,
        "sip/request.html",
        {
            "req": req,
            "individual": req.individual,
            "recipients": recipients,
            "ack_form": step_forms.get("kvittera"),
            "answer_form": step_forms.get("svara"),
            "start_form": step_forms.get("starta-sip"),
        },
        status=status,
    )


@login_required
def request_detail(request, public_id):
    from sip.inbox import get_request_for_user

    req = get_request_for_user(request.user, public_id, request=request)
    return _render_request(request, req)


@login_required
@require_POST
def request_step(request, public_id, step):
    from sip import inbox

    if step not in REQUEST_STEPS:
        raise Http404("unknown step")
    req = inbox.get_request_for_user(
        request.user, public_id, action="sip.request.act", request=request
    )
    form = REQUEST_STEPS[step](request.POST)
    if form.is_valid():
        key = form.cleaned_data.get("submission_key")
        try:
            if step == "kvittera":
                inbox.do_acknowledge_request(request.user, req, submission_key=key)
                messages.success(request, _("Kvitterat."))
            elif step == "svara":
                inbox.do_answer_request(
                    request.user, req, form.cleaned_data["answer"], submission_key=key
                )
                messages.success(request, _("Svaret är skickat."))
            else:
                sip = inbox.do_start_sip_from_request(
                    request.user, req, note=form.cleaned_data["note"], submission_key=key
                )
                messages.success(request, _("SIP:en är startad."))
                return HttpResponseRedirect(reverse("sip_detail", args=[sip.public_id]))
        except ActionError as error:
            form.add_action_error(error)
        else:
            return HttpResponseRedirect(reverse("sip_request", args=[req.public_id]))
    messages.error(request, _("Det sparades inte. Rätta felen nedan."))
    req.refresh_from_db()
    return _render_request(request, req, bound=(step, form), status=400)
