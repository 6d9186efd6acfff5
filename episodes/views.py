"""Pages of the care-episode core: admission, the inbox and messages, individuals. Thin: load
for the user (logged), parse, call an action. The start page and the episode page, which show
the process too, are in `workspace`."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.log import log_access_many
from core.errors import ActionError
from core.pages import in_order
from core.redirects import safe_next
from episodes import actions
from episodes.access import (
    care_unit_ids,
    find_individual_for_user,
    find_individual_to_admit,
    get_individual_for_user,
    get_message_for_user,
    inbox_messages,
    visible_episodes,
)
from episodes.forms import AdmissionForm
from episodes.models import Message, MessageKind
from episodes.rules import Step, may
from individuals.identifiers import InvalidIdentifier, parse_identifier
from individuals.models import Individual
from organisations.models import Area, Lane, Unit, UnitKind

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


def _proposal(user, form: AdmissionForm, request) -> tuple[Individual | None, list[Unit]]:
    """The person already known under the form's identity number (the look-up is logged by
    the loader) and the units concerned proposed for them: from their residence and listing on
    file, or from the municipality and health centre chosen in the form for a new person."""
    assert form.parsed is not None
    existing = find_individual_to_admit(user, form.parsed.number, request=request)
    if existing is not None:
        return existing, actions.propose_concerned_units(existing)
    data = form.cleaned_data
    # Not saved: only read by the proposal, as a new person's residence and listing.
    someone = Individual(listed_unit=data.get("listed_unit"))
    if data.get("municipality_area"):
        area = Area.objects.filter(public_id=data["municipality_area"]).first()
        if area is not None:
            someone.residence_area = area
            someone.municipality = area.municipality
    return None, actions.propose_concerned_units(someone)


def _now_for_form() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


@login_required
def admission_new(request):
    user = request.user
    wards = Unit.objects.filter(
        id__in=[
            m.unit_id for m in user.active_memberships() if may(Step.ADMIT, m.unit.lane, m.role)
        ]
    ).order_by("name")
    if not wards.exists():
        messages.error(request, _("Bara vårdavdelningar registrerar inskrivningar."))
        return HttpResponseRedirect(reverse("home"))
    unit_choices = (
        Unit.objects.filter(is_active=True)
        .exclude(lane=Lane.INPATIENT)
        .select_related("principal")
        .order_by("principal__name", "lane", "name")
    )
    form_kwargs = {"wards": wards, "area_choices": _area_choices(), "unit_choices": unit_choices}
    proposed: list[Unit] = []
    existing = None
    status = 200

    if request.method == "POST" and "propose" not in request.POST:
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
        messages.error(request, _("Inskrivningen sparades inte. Rätta felen vid fälten."))
        status = 400
    elif request.method == "POST" or request.GET.get("identifier", "").strip():
        # "Hämta och föreslå enheter" (a POST of the whole form, or a link with ?identifier=):
        # only the identity number must be right; nothing is written.
        data = (request.POST if request.method == "POST" else request.GET).copy()
        data.setdefault("admitted_at", _now_for_form())
        data.setdefault("send_admission_notice", "on")
        form = AdmissionForm(data, proposing=True, **form_kwargs)
        if form.is_valid():
            existing, proposed = _proposal(user, form, request)
            initial = form.raw_values()
            assert form.parsed is not None
            initial["identifier"] = form.parsed.display
            if existing is not None:
                initial["given_name"] = initial["given_name"] or existing.given_name
                initial["family_name"] = initial["family_name"] or existing.family_name
            chosen = [str(v) for v in initial.get("concerned_units") or []]
            initial["concerned_units"] = chosen + [
                str(u.pk) for u in proposed if str(u.pk) not in chosen
            ]
            form = AdmissionForm(initial=initial, **form_kwargs)
        else:
            status = 400
    else:
        form = AdmissionForm(
            initial={"admitted_at": _now_for_form(), "send_admission_notice": True},
            **form_kwargs,
        )
    return render(
        request,
        "episodes/admission_new.html",
        {"form": form, "existing": existing, "proposed": proposed},
        status=status,
    )


# -- inbox ----------------------------------------------------------------------------------------


INBOX_PAGE_SIZE = 50
# "Väntat minst": the waiting-time filter of the inbox.
WAITED = {
    "4h": (dt.timedelta(hours=4), _lazy("4 timmar")),
    "24h": (dt.timedelta(hours=24), _lazy("1 dygn")),
    "3d": (dt.timedelta(days=3), _lazy("3 dygn")),
}


def _filtered(qs, params):
    """The inbox narrowed by patient (name or identity number), kind and waiting time."""
    patient = params.get("patient", "").strip()
    if patient:
        digits = patient.replace("-", "")
        match = Q(episode__individual__given_name__icontains=patient) | Q(
            episode__individual__family_name__icontains=patient
        )
        if digits.isdigit():
            match |= Q(episode__individual__identifier__contains=digits)
        qs = qs.filter(match)
    if params.get("typ") in MessageKind.values:
        qs = qs.filter(kind=params["typ"])
    if params.get("vantat") in WAITED:
        qs = qs.filter(sent_at__lte=timezone.now() - WAITED[params["vantat"]][0])
    return qs


@dataclass(frozen=True)
class InboxRow:
    """One message of the inbox page with what its row shows, worked out once here (issue 17:
    not two URL tags, two date filters and a translated label per row in the template)."""

    message: Message
    kind: str
    patient: str
    url: str
    episode_url: str
    sent_iso: str
    sent_text: str
    acknowledge_label: str


def _inbox_row(message: Message) -> InboxRow:
    kind = message.get_kind_display()
    patient = message.episode.individual.full_name
    sent = timezone.localtime(message.sent_at)
    return InboxRow(
        message=message,
        kind=kind,
        patient=patient,
        url=reverse("message", args=[message.public_id]),
        episode_url=reverse("episode", args=[message.episode.public_id]),
        sent_iso=sent.isoformat(),
        sent_text=sent.strftime("%Y-%m-%d %H:%M"),
        acknowledge_label=_("Kvittera %(kind)s om %(patient)s")
        % {"kind": kind, "patient": patient},
    )


@login_required
def inbox(request):
    user = request.user
    unit_ids = care_unit_ids(user)
    show = request.GET.get("visa", "okvitterade")
    waiting = inbox_messages(unit_ids, waiting=True)
    qs = _filtered(waiting if show == "okvitterade" else inbox_messages(unit_ids), request.GET)
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
    keep = request.GET.copy()
    keep.pop("sida", None)
    return render(
        request,
        "episodes/inbox.html",
        {
            "messages_page": messages_page,
            "rows": [_inbox_row(m) for m in messages_page],
            "page": page,
            "counts": counts,
            "show": show,
            "kinds": MessageKind.choices,
            "waited": [(key, label) for key, (_delta, label) in WAITED.items()],
            "params": request.GET,
            "query": keep.urlencode(),
        },
    )


@login_required
@require_POST
def inbox_acknowledge(request):
    """Acknowledge the ticked messages: each one its own recorded act by this user
    (`do_acknowledge`, one transaction per message), read through the logged loader."""
    done, refused = 0, []
    for public_id in request.POST.getlist("messages"):
        if not _is_uuid(public_id):
            continue
        message = get_message_for_user(request.user, public_id, request=request)
        if message is None:
            continue
        try:
            actions.do_acknowledge(request.user, message)
        except ActionError as error:
            refused.append(f"{message.get_kind_display()}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(n)d meddelande är kvitterat.", "%(n)d meddelanden är kvitterade.", done)
            % {"n": done},
        )
    elif not refused:
        messages.error(request, _("Markera de meddelanden som ska kvitteras."))
    for text in refused:
        messages.error(request, text)
    back = request.POST.get("query", "")
    return HttpResponseRedirect(reverse("inbox") + (f"?{back}" if back else ""))


def _message_for_user(user, public_id, request) -> Message:
    message = get_message_for_user(user, public_id, request=request)
    if message is None:
        raise Http404("not found")
    return message


@login_required
def message_detail(request, public_id):
    message = _message_for_user(request.user, public_id, request)
    return _render_message(request, message)


def _render_message(request, message: Message, *, confirm_forward: dict | None = None):
    is_recipient = message.recipient_unit_id in care_unit_ids(request.user)
    if is_recipient:
        actions.do_mark_read(request.user, message)
    # Protected identity: no address or phone, whatever the stored copy says.
    message.data = actions.parties.contact_removed(message.data, message.episode.individual)
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
            "confirm_forward": confirm_forward,
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
        safe_next(request, request.POST.get("next"), reverse("message", args=[message.public_id]))
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
    if request.POST.get("confirmed") != "yes":
        # Forwarding moves the patient's need-to-know to another unit: confirm it first.
        return _render_message(
            request,
            message,
            confirm_forward={"unit": unit, "reason": request.POST.get("reason", "")},
        )
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
