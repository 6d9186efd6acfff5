"""Pages of the care-episode core. Thin: load for the user (logged), parse, call an action."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionError
from core.pages import in_order, page_ids
from episodes import actions
from episodes.access import (
    care_unit_ids,
    find_individual_for_user,
    get_episode_for_user,
    get_individual_for_user,
    get_message_for_user,
    inbox_messages,
    log_access,
    log_access_many,
    visible_episodes,
)
from episodes.deadlines import next_step
from episodes.forms import STEP_FORMS, AdmissionForm
from episodes.models import EpisodeState, Message, MessageKind
from episodes.rules import Step, may
from episodes.timeline import lane_summaries, timeline_entries
from individuals.identifiers import InvalidIdentifier, parse_identifier
from individuals.models import Individual
from organisations.models import Area, Lane, Unit, UnitKind

ACTIVE = [EpisodeState.ADMITTED, EpisodeState.READY]
# Steps that still make sense after discharge (SIP and the paperwork of the discharge day).
AFTER_DISCHARGE = {
    Step.ASSESS_SIP_NEED,
    Step.RECORD_SIP_OFFER,
    Step.RECORD_SIP_INVITATION,
    Step.RECORD_INFORMATION_TRANSFER,
    Step.RECORD_SUMMARY,
    Step.SEND_FREE_MESSAGE,
}


def _process_todo(user):
    from process.worklist import todo_for_user

    return todo_for_user(user)


def _process_lanes(episode, user):
    from process.worklist import swimlanes

    return swimlanes(episode, user)


# -- start page -------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    unit_ids = care_unit_ids(user)
    episodes = list(
        visible_episodes(user)
        .filter(state__in=ACTIVE)
        .select_related("individual", "ward")
        .order_by("admitted_at")[:200]
    )
    now = timezone.now()
    rows = []
    for episode in episodes:
        step = next_step(episode)
        rows.append({"episode": episode, "next": step, "overdue": step.is_overdue(now)})
    rows.sort(
        key=lambda r: (not r["overdue"], r["next"].due_at or dt.datetime.max.replace(tzinfo=dt.UTC))
    )
    waiting = inbox_messages(unit_ids, waiting=True)
    inbox = in_order(
        waiting.select_related("episode__individual", "sender_unit", "recipient_unit"),
        page_ids(waiting.order_by("-sent_at", "-id"), 0, 10),
    )
    log_access_many(user, "worklist.view", [(e, None) for e in episodes], request=request)
    log_access_many(
        user, "inbox.view", [(m.episode, m.recipient_unit_id) for m in inbox], request=request
    )
    return render(
        request,
        "episodes/home.html",
        {
            "rows": rows,
            "inbox": inbox,
            "todo": _process_todo(user),
            "manages": user.active_memberships()
            .filter(role__in=["manager", "process_leader"])
            .exists(),
        },
    )


# -- the episode page ---------------------------------------------------------------------------


def available_steps(user, episode) -> list[Step]:
    """The steps `user` may take now on `episode`, in process order."""
    party_lanes_roles = [
        (m.unit.lane, m.role)
        for m in user.active_memberships()
        if episode.parties.filter(unit_id=m.unit_id, removed_at__isnull=True).exists()
    ]
    steps = []
    for step in STEP_FORMS:
        if not any(may(step, lane, role) for lane, role in party_lanes_roles):
            continue
        if not episode.is_active and step not in AFTER_DISCHARGE:
            continue
        if episode.state == EpisodeState.EXITED and step != Step.SEND_FREE_MESSAGE:
            continue
        if step == Step.SEND_READY_NOTICE and episode.state != EpisodeState.ADMITTED:
            continue
        if step == Step.REVOKE_READY_NOTICE and episode.state != EpisodeState.READY:
            continue
        if step == Step.SEND_ADMISSION_NOTICE and not episode.may_need_help:
            continue
        if (
            step in (Step.RECORD_SIP_OFFER, Step.RECORD_SIP_INVITATION)
            and episode.sip_needed is not True
        ):
            continue
        if step == Step.RECORD_SIP_INVITATION and episode.sip_invited_at:
            continue
        steps.append(step)
    return steps


def _render_episode(
    request, episode, *, bound: tuple[Step, object] | None = None, status: int = 200
):
    user = request.user
    forms = []
    steps = available_steps(user, episode)
    if bound and bound[0] not in steps:
        # A refused step that is no longer offered is still shown, with the reason.
        steps.insert(0, bound[0])
    for step in steps:
        spec = STEP_FORMS[step]
        form = bound[1] if bound and bound[0] == step else spec.form(episode=episode)
        forms.append(
            {
                "step": step.value,
                "title": spec.title,
                "submit": spec.submit,
                "form": form,
                "open": bool(bound and bound[0] == step),
            }
        )
    context = {
        "episode": episode,
        "individual": episode.individual,
        "next": next_step(episode),
        "timeline": timeline_entries(episode),
        "lane_summaries": lane_summaries(episode),
        "lanes": _process_lanes(episode, user),
        "forms": forms,
        "messages_list": episode.messages.select_related("sender_unit", "recipient_unit").order_by(
            "-sent_at"
        )[:50],
    }
    return render(request, "episodes/episode.html", context, status=status)


@login_required
def episode_detail(request, public_id):
    episode = get_episode_for_user(request.user, public_id, request=request)
    return _render_episode(request, episode)


@login_required
@require_POST
def episode_step(request, public_id, step):
    try:
        step = Step(step)
        spec = STEP_FORMS[step]
    except (ValueError, KeyError):
        raise Http404("unknown step") from None
    episode = get_episode_for_user(request.user, public_id, action="episode.act", request=request)
    form = spec.form(request.POST, episode=episode)
    if form.is_valid():
        try:
            spec.call(
                request.user, episode, form.cleaned_data, form.cleaned_data.get("submission_key")
            )
        except ActionError as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Klart: %(what)s.") % {"what": spec.title})
            return HttpResponseRedirect(reverse("episode", args=[episode.public_id]))
    messages.error(request, _("%(what)s sparades inte. Rätta felen nedan.") % {"what": spec.title})
    episode.refresh_from_db()
    return _render_episode(request, episode, bound=(step, form), status=400)


# -- new admission --------------------------------------------------------------------------------


def _area_choices():
    choices = []
    for area in Area.objects.select_related("municipality").order_by("municipality__name", "name"):
        label = (
            area.municipality.name
            if area.name in area.municipality.name
            else f"{area.municipality.name} – {area.name}"
        )
        choices.append((str(area.public_id), label))
    return choices


@login_required
def admission_new(request):
    user = request.user
    wards = Unit.objects.filter(
        id__in=[
            m.unit_id for m in user.active_memberships() if may(Step.ADMIT, m.unit.lane, m.role)
        ]
    )
    if not wards.exists():
        messages.error(request, _("Bara vårdavdelningar registrerar inskrivningar."))
        return HttpResponseRedirect(reverse("home"))
    unit_choices = (
        Unit.objects.filter(is_active=True).exclude(lane=Lane.INPATIENT).select_related("principal")
    )
    form_kwargs = {"wards": wards, "area_choices": _area_choices(), "unit_choices": unit_choices}
    proposed: list[Unit] = []
    existing: Individual | None = None

    if request.method == "POST":
        form = AdmissionForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            defaults = {}
            if data["municipality_area"]:
                area = Area.objects.get(public_id=data["municipality_area"])
                defaults.update(residence_area=area, municipality=area.municipality)
            if data["listed_unit"]:
                defaults["listed_unit"] = data["listed_unit"]
            try:
                episode = actions.do_admit(
                    user,
                    data["ward"],
                    actions.AdmissionInput(
                        identifier=data["identifier"],
                        reserve_number=data["reserve_number"],
                        given_name=data["given_name"],
                        family_name=data["family_name"],
                        admitted_at=data["admitted_at"],
                        may_need_help=data["may_need_help"],
                        estimated_discharge_date=data["estimated_discharge_date"],
                        is_compulsory_care=data["is_compulsory_care"],
                        concerned_units=list(data["concerned_units"]),
                        send_admission_notice=data["send_admission_notice"],
                        individual_defaults=defaults,
                    ),
                    submission_key=data["submission_key"],
                )
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Inskrivningen är registrerad."))
                return HttpResponseRedirect(reverse("episode", args=[episode.public_id]))
        messages.error(request, _("Inskrivningen sparades inte. Rätta felen nedan."))
        status = 400
    else:
        initial = {
            "admitted_at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
        }
        identifier = request.GET.get("identifier", "").strip()
        form_error = None
        if identifier:
            initial["identifier"] = identifier
            try:
                parsed = parse_identifier(identifier)
            except InvalidIdentifier as error:
                form_error = error.message
            else:
                initial["identifier"] = parsed.display
                existing = Individual.objects.filter(identifier=parsed.number).first()
                if existing:
                    # The ward is about to take care of this person: reading who they are is the
                    # start of its need-to-know, and it is logged as such.
                    log_access(user, "admission.lookup", individual=existing, request=request)
                    proposed = actions.propose_concerned_units(existing)
                    initial["concerned_units"] = [u.pk for u in proposed]
        form = AdmissionForm(initial=initial, **form_kwargs)
        if form_error:
            form.add_error("identifier", form_error)
        status = 200
    return render(
        request,
        "episodes/admission_new.html",
        {"form": form, "existing": existing, "proposed": proposed},
        status=status,
    )


# -- inbox ----------------------------------------------------------------------------------------


INBOX_PAGE_SIZE = 50


@login_required
def inbox(request):
    user = request.user
    unit_ids = care_unit_ids(user)
    show = request.GET.get("visa", "okvitterade")
    waiting = inbox_messages(unit_ids, waiting=True)
    qs = waiting if show == "okvitterade" else inbox_messages(unit_ids)
    page = Paginator(
        qs.order_by("-sent_at", "-id").values_list("pk", flat=True), INBOX_PAGE_SIZE
    ).get_page(request.GET.get("sida"))
    messages_page = in_order(
        qs.select_related(
            "episode__individual", "sender_unit", "recipient_unit", "acknowledged_by"
        ),
        list(page.object_list),
    )
    # Per unit: messages waiting for a kvittens, and how many of those nobody has opened.
    counts = (
        waiting.values("recipient_unit__name")
        .annotate(
            unacknowledged=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
        )
        .order_by("recipient_unit__name")
    )
    log_access_many(
        user,
        "inbox.view",
        [(m.episode, m.recipient_unit_id) for m in messages_page],
        request=request,
    )
    return render(
        request,
        "episodes/inbox.html",
        {"messages_page": messages_page, "page": page, "counts": counts, "show": show},
    )


def _message_for_user(user, public_id, request) -> Message:
    message = get_message_for_user(user, public_id, request=request)
    if message is None:
        raise Http404("not found")
    return message


@login_required
def message_detail(request, public_id):
    message = _message_for_user(request.user, public_id, request)
    is_recipient = message.recipient_unit_id in care_unit_ids(request.user)
    if is_recipient:
        actions.do_mark_read(request.user, message)
    forward_units = (
        Unit.objects.filter(is_active=True)
        .exclude(lane=Lane.INPATIENT)
        .exclude(id=message.recipient_unit_id)
        .select_related("principal")
        .order_by("principal__name", "name")
    )
    return render(
        request,
        "episodes/message.html",
        {
            "message": message,
            "is_recipient": is_recipient,
            "forward_units": forward_units,
            "kinds": MessageKind,
        },
    )


@login_required
@require_POST
def message_acknowledge(request, public_id):
    message = _message_for_user(request.user, public_id, request)
    try:
        actions.do_acknowledge(
            request.user, message, submission_key=request.POST.get("submission_key")
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Meddelandet är kvitterat."))
    return HttpResponseRedirect(
        request.POST.get("next") or reverse("message", args=[message.public_id])
    )


@login_required
@require_POST
def message_forward(request, public_id):
    message = _message_for_user(request.user, public_id, request)
    unit = (
        Unit.objects.filter(public_id=request.POST.get("unit") or None).first()
        if _is_uuid(request.POST.get("unit"))
        else None
    )
    if unit is None:
        messages.error(request, _("Välj den enhet meddelandet ska till."))
        return HttpResponseRedirect(reverse("message", args=[message.public_id]))
    try:
        actions.do_forward(
            request.user,
            message,
            unit,
            request.POST.get("reason", ""),
            submission_key=request.POST.get("submission_key"),
        )
    except ActionError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("message", args=[message.public_id]))
    messages.success(
        request, _("Meddelandet är skickat vidare till %(unit)s.") % {"unit": unit.name}
    )
    return HttpResponseRedirect(reverse("inbox"))


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# -- individuals ----------------------------------------------------------------------------------


@login_required
def individual_search(request):
    identifier = request.GET.get("personnummer", "").strip()
    error = None
    individual = None
    searched = False
    if identifier:
        try:
            parsed = parse_identifier(identifier)
        except InvalidIdentifier as exc:
            error = exc.message
        else:
            searched = True
            individual = find_individual_for_user(request.user, parsed.number, request=request)
            if individual:
                return HttpResponseRedirect(reverse("individual", args=[individual.public_id]))
    can_admit = any(may(Step.ADMIT, m.unit.lane, m.role) for m in request.user.active_memberships())
    return render(
        request,
        "episodes/individual_search.html",
        {"identifier": identifier, "error": error, "searched": searched, "can_admit": can_admit},
        status=400 if error else 200,
    )


@login_required
def individual_detail(request, public_id):
    individual = get_individual_for_user(request.user, public_id, request=request)
    episodes = (
        visible_episodes(request.user)
        .filter(individual=individual)
        .select_related("ward")
        .order_by("-admitted_at")
    )
    return render(
        request,
        "episodes/individual.html",
        {"individual": individual, "episodes": episodes, "kinds": UnitKind},
    )
