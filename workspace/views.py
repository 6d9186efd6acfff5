"""The pages that put episodes and the process side by side: the start page and the episode
page. Thin: load for the user (logged), parse, call an action, render.

They live above both apps, so `episodes` never imports `process` (it is the other way round).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.log import log_access_many
from core.errors import ActionError
from core.models import choice_label
from core.pages import in_order, page_ids, url_by_public_id
from deviations.worklist import todo_for_user as deviation_todo
from episodes.access import care_unit_ids, get_episode_for_user, inbox_messages, visible_episodes
from episodes.deadlines import NEXT_STEP_FIELDS, next_step
from episodes.forms import STEP_FORMS
from episodes.models import Episode, EpisodeState, MessageKind
from episodes.rules import Step, steps_allowed
from episodes.timeline import episode_parties, lane_summaries, timeline_entries
from governance.documents import for_swimlanes as documents_for_swimlanes
from governance.todo import report_backs_due
from individuals.identifiers import format_identifier
from process.worklist import by_patient, missed_for_user, swimlanes, todo_for_user
from sip.views import episode_panel as sip_episode_panel
from sip.worklist import follow_ups_due as sip_follow_ups_due

ACTIVE = [EpisodeState.ADMITTED, EpisodeState.READY]


# -- start page -------------------------------------------------------------------------------


@dataclass(slots=True)
class WorklistEpisode:
    """An active episode as the worklist shows it and `next_step` reads it: one values row,
    not three model instances (issue 17: the worklist holds up to 200)."""

    pk: int
    individual_id: int
    url: str
    full_name: str
    display_identifier: str
    ward_name: str
    state: str
    may_need_help: bool
    admission_notice_sent_at: dt.datetime | None
    admission_notice_due_at: dt.datetime | None
    estimated_discharge_date: dt.date | None
    sip_invitation_due_at: dt.datetime | None
    sip_invited_at: dt.datetime | None
    information_transferred_at: dt.datetime | None

    is_active = property(Episode.is_active.fget)  # type: ignore[attr-defined]  # the rule of Episode

    @property
    def state_label(self) -> str:
        return choice_label(EpisodeState, self.state)


_WORKLIST_COLUMNS = (
    "pk",
    "individual_id",
    "public_id",
    "individual__given_name",
    "individual__family_name",
    "individual__identifier",
    "individual__identifier_kind",
    "ward__name",
    *NEXT_STEP_FIELDS,
)


def _worklist(user) -> list[WorklistEpisode]:
    """The user's units' active episodes (the first 200 admitted), as slim rows.

    An active episode has not ended (`ended_at` is set by a discharge or an exit only): saying
    so lets the database start from the few hundred episodes not ended, not from every
    episode in the access window (issue 17: 14 -> 2 ms at 1 year)."""
    rows = (
        visible_episodes(user)
        .filter(state__in=ACTIVE, ended_at__isnull=True)
        .order_by("admitted_at")
        .values_list(*_WORKLIST_COLUMNS)[:200]
    )
    return [
        WorklistEpisode(
            pk,
            individual_id,
            reverse("episode", args=[public_id]),
            f"{given_name} {family_name}",
            format_identifier(identifier, identifier_kind),
            ward_name,
            *steps,
        )
        for (
            pk,
            individual_id,
            public_id,
            given_name,
            family_name,
            identifier,
            identifier_kind,
            ward_name,
            *steps,
        ) in rows
    ]


@login_required
def home(request):
    user = request.user
    unit_ids = care_unit_ids(user)
    episodes = _worklist(user)
    now = timezone.now()
    rows = []
    for episode in episodes:
        step = next_step(episode)
        due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M") if step.due_at else ""
        rows.append(
            {
                "episode": episode,
                "next": step,
                "label": str(step.label),
                "overdue": step.is_overdue(now),
                "due": due,
            }
        )
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
        "workspace/home.html",
        {
            "rows": rows,
            "inbox": inbox,
            "groups": by_patient(todo_for_user(user, request=request)),
            "deviation_todo": deviation_todo(user, request=request),
            "report_backs": report_backs_due(user),
            "sip_follow_ups": sip_follow_ups_due(user, request=request),
            "today": timezone.localdate(),
            # From the memberships the request has read already (no query of its own).
            "manages": any(
                m.role in ("manager", "process_leader") for m in user.active_memberships()
            ),
        },
    )


@login_required
def missed(request):
    """Missed deadlines that can no longer be acted on, kept off "Att göra nu"."""
    groups = by_patient(missed_for_user(request.user, request=request))
    return render(request, "workspace/missed.html", {"groups": groups, "missed": True})


# -- the episode page ---------------------------------------------------------------------------


class _Unconfirmed(Exception):
    """Rolls a tried step back until the user has confirmed it."""


def _step_form(step: Step, episode, user, data=None):
    """The step's form with ids of its own (`<step>-<field>`): the page holds many forms, and
    every label must point at its own field."""
    return STEP_FORMS[step].form(data, episode=episode, user=user, auto_id=f"{step.value}-%s")


def _messages_rows(episode) -> list[dict]:
    """The episode's last 50 messages as the page's table shows them, newest first: slim rows
    with their texts formatted once here (issue 17), the times in Stockholm time as the
    template's `date` filter writes them (`date:'c'` is `isoformat`)."""
    rows = []
    message_url = url_by_public_id("message")
    messages_read = episode.messages.order_by("-sent_at").values_list(
        "public_id",
        "kind",
        "sent_at",
        "sender_unit__name",
        "recipient_unit__name",
        "acknowledged_at",
        "forwarded_to_id",
    )[:50]
    for public_id, kind, sent_at, sender, recipient, acknowledged_at, forwarded in messages_read:
        sent = timezone.localtime(sent_at)
        acknowledged = timezone.localtime(acknowledged_at) if acknowledged_at else None
        rows.append(
            {
                "sent_iso": sent.isoformat(),
                "sent": f"{sent:%Y-%m-%d %H:%M}",
                "url": message_url(public_id),
                "kind_label": choice_label(MessageKind, kind),
                "sender_name": sender,
                "recipient_name": recipient,
                "acknowledged": f"{acknowledged:%Y-%m-%d %H:%M}" if acknowledged else "",
                "forwarded": forwarded is not None,
            }
        )
    return rows


def _render_episode(
    request,
    episode,
    *,
    bound: tuple[Step, object] | None = None,
    confirming: bool = False,
    status: int = 200,
):
    user = request.user
    forms = []
    # The parties read once for the steps, the lanes, the swimlanes and the SIP panel.
    parties = episode_parties(episode)
    party_unit_ids = {p.unit_id for p in parties if p.removed_at is None}
    # What `available_steps` decides, on the parties read above.
    steps = steps_allowed(
        episode,
        [(m.unit.lane, m.role) for m in user.active_memberships() if m.unit_id in party_unit_ids],
        STEP_FORMS,
    )
    if bound and bound[0] not in steps:
        # A refused step that is no longer offered is still shown, with the reason.
        steps.insert(0, bound[0])
    upcoming = next_step(episode)
    if upcoming.step in steps:
        # The most pressing step first, open: usually the one the user came to take.
        steps.remove(upcoming.step)
        steps.insert(0, upcoming.step)
    for step in steps:
        spec = STEP_FORMS[step]
        is_bound = bool(bound and bound[0] == step)
        is_next = step == upcoming.step and not bound
        form = bound[1] if bound and is_bound else _step_form(step, episode, user)
        forms.append(
            {
                "step": step.value,
                "title": spec.title,
                "submit": spec.submit,
                "form": form,
                "open": is_bound or is_next,
                "confirming": is_bound and confirming,
            }
        )
    timeline = timeline_entries(episode)
    context = {
        "episode": episode,
        "individual": episode.individual,
        "next": upcoming,
        "timeline": timeline,
        "lane_summaries": lane_summaries(episode, timeline, parties),
        "lanes": swimlanes(episode, user, party_unit_ids=party_unit_ids),
        "sip_panel": sip_episode_panel(user, episode, party_unit_ids=party_unit_ids),
        # The ward hands the individual the survey invitation at discharge.
        "at_ward": any(m.unit_id == episode.ward_id for m in user.active_memberships()),
        "forms": forms,
        "messages_list": _messages_rows(episode),
    }
    # The governing documents in force for the activities shown (issue 14): one query.
    context["governing_documents"] = documents_for_swimlanes(context["lanes"])
    # The swimlanes ask for an activity's documents only where there are some.
    context["documented_anchors"] = {a.anchor for a in context["governing_documents"]}
    return render(request, "workspace/episode.html", context, status=status)


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
    form = _step_form(step, episode, request.user, request.POST)
    if form.is_valid():
        confirm = form.needs_confirmation and request.POST.get("confirmed") != "yes"
        try:
            with transaction.atomic():
                spec.call(
                    request.user,
                    episode,
                    form.cleaned_data,
                    form.cleaned_data.get("submission_key"),
                )
                if confirm:
                    # Cannot be undone: the action has been tried and rolled back, so what the
                    # confirmation asks about is known to succeed (or its refusal is shown).
                    raise _Unconfirmed
        except _Unconfirmed:
            episode.refresh_from_db()
            return _render_episode(request, episode, bound=(step, form), confirming=True)
        except ActionError as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, spec.done or _("Klart: %(what)s.") % {"what": spec.title})
            return HttpResponseRedirect(reverse("episode", args=[episode.public_id]) + "#actions")
    messages.error(
        request, _("%(what)s sparades inte. Rätta felen vid fälten.") % {"what": spec.title}
    )
    episode.refresh_from_db()
    return _render_episode(request, episode, bound=(step, form), status=400)
