"""What "Min planering" shows an individual, in plain words, read from the modules that own it.

Nothing here decides the process: where the stay is comes from the episode's state and its
next step (`episodes.deadlines.next_step`), who takes that step from the step's rule
(`episodes.rules.RULES`) and the episode's parties; the SIP and its plan from the SIP module
(`sip.citizen`); the individual's own lane from the process engine's activities.
This module only words them for the individual ("du"), and never shows an address or a
telephone number of the individual, nor a staff member's own number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from episodes.deadlines import next_step
from episodes.models import Episode, EpisodeState
from episodes.rules import RULES, Step
from individuals.models import Individual
from organisations.models import Lane, Unit
from portal.models import DischargeSummary
from portal.summary import care_contact_phone
from process.actions import citizen_may_mark
from process.models import ActivityStatus, EpisodeActivity
from sip import citizen as sip_citizen
from sip.models import OwnWords, PlanAction, PlanVersion, Sip, SipRequest
from surveys.models import Invitation

# How long after a stay ended it is still shown ("recent"); older ones are in the journal.
RECENT_DAYS = getattr(settings, "SAMSYN_PORTAL_RECENT_DAYS", 365)

# The next step of the stay as the individual would put it (the step is the episode's own).
PLAIN_STEP: dict[Step | None, str | Promise] = {
    Step.SEND_ADMISSION_NOTICE: _(
        "Avdelningen berättar för vårdcentralen och kommunen att du är inlagd, så att de kan "
        "börja planera för tiden efter sjukhuset."
    ),
    Step.SET_ESTIMATED_DATE: _("Avdelningen bedömer ungefär när du kan lämna sjukhuset."),
    Step.SEND_READY_NOTICE: _(
        "Du får vård på sjukhuset. Läkaren bedömer när du är klar med vården där. Under tiden "
        "planerar alla som ska hjälpa dig för hur du ska ha det efteråt."
    ),
    Step.RECORD_SIP_INVITATION: _(
        "Du bjuds in till ett SIP-möte, där ni tillsammans gör en plan för din hjälp."
    ),
    Step.RECORD_INFORMATION_TRANSFER: _(
        "Avdelningen skickar information om din vård till dem som ska hjälpa dig efteråt."
    ),
    Step.DISCHARGE: _("Du skrivs ut från sjukhuset."),
    None: _("Din tid på sjukhuset är avslutad."),
}

# The four places in the process the individual is shown, in order.
PHASES: list[tuple[str, str | Promise]] = [
    ("admitted", _("Inlagd")),
    ("planning", _("Planering pågår")),
    ("ready", _("Klar att skrivas ut")),
    ("home", _("Utskriven")),
]


def phase_of(episode: Episode, step: Step | None) -> str:
    """Where the stay is: admitted (the ward has not yet started the planning steps),
    planning, ready, or home (discharged or ended)."""
    if episode.state == EpisodeState.READY:
        return "ready"
    if episode.state in (EpisodeState.DISCHARGED, EpisodeState.EXITED):
        return "home"
    if step in (Step.SEND_ADMISSION_NOTICE, Step.SET_ESTIMATED_DATE):
        return "admitted"
    return "planning"


@dataclass
class StayView:
    episode: Episode
    phase: str
    phases: list[tuple[str, str | Promise, bool, bool]]  # key, label, done, current
    next_text: str | Promise
    next_by: list[str]  # the units that take the next step
    care_contact: dict
    units: list[tuple[str, str]]  # (unit name, its lane's label)
    summaries: list[DischargeSummary]
    survey_open: bool
    own_activities: list[EpisodeActivity] = field(default_factory=list)


def _units_for(step: Step | None, parties: list[Unit]) -> list[str]:
    if step is None:
        return []
    lanes = RULES[step].lanes
    return [unit.name for unit in parties if unit.lane in lanes]


def stays_of(individual: Individual, *, now: dt.datetime | None = None) -> list[Episode]:
    """The individual's current stays and those ended within `RECENT_DAYS`, newest first."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=RECENT_DAYS)
    return list(
        Episode.objects.filter(individual=individual)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=cutoff))
        .select_related("ward", "ward__principal", "care_contact_unit")
        .order_by("-admitted_at")
    )


def stay_view(episode: Episode, *, now: dt.datetime | None = None) -> StayView:
    now = now or timezone.now()
    upcoming = next_step(episode)
    step = upcoming.step
    phase = phase_of(episode, step)
    keys = [key for key, _label in PHASES]
    position = keys.index(phase)
    parties = [
        party.unit
        for party in episode.parties.filter(removed_at__isnull=True)
        .select_related("unit")
        .order_by("added_at", "id")
    ]
    care_contact = {
        "name": episode.care_contact_name,
        "unit": episode.care_contact_unit.name if episode.care_contact_unit else "",
        # The unit's own number (as the written summary prefills it), never a person's.
        "phone": care_contact_phone(episode),
    }
    return StayView(
        episode=episode,
        phase=phase,
        phases=[
            (key, label, index < position, index == position)
            for index, (key, label) in enumerate(PHASES)
        ],
        next_text=PLAIN_STEP.get(step, PLAIN_STEP[Step.SEND_READY_NOTICE]),
        next_by=_units_for(step, parties),
        care_contact=care_contact,
        units=[(unit.name, str(Lane(unit.lane).label)) for unit in parties],
        summaries=list(episode.discharge_summaries.order_by("-number")),
        survey_open=Invitation.objects.filter(
            episode=episode, opened_at__isnull=True, expires_at__gt=now
        ).exists(),
        own_activities=own_activities(episode),
    )


def own_activities(episode: Episode) -> list[EpisodeActivity]:
    """The individual's lane of the stay, each with `may_mark`: whether Min planering offers
    "Klart" for it (the process's rule, `process.actions.citizen_may_mark`)."""
    activities = list(
        EpisodeActivity.objects.filter(episode=episode, definition__lane=Lane.INDIVIDUAL)
        .exclude(status=ActivityStatus.NOT_APPLICABLE)
        .select_related("definition")
        .order_by("definition__order")
    )
    for activity in activities:
        activity.episode = episode
        activity.may_mark = citizen_may_mark(activity)  # type: ignore[attr-defined]
    return activities


@dataclass
class PlanView:
    sip: Sip
    version: PlanVersion | None
    actions: list[PlanAction]
    own_words: list[OwnWords]


def sips_of(individual: Individual, *, now: dt.datetime | None = None) -> list[PlanView]:
    """The individual's SIPs still running or ended within `RECENT_DAYS`, each with its
    current plan and the individual's own words (the SIP module's citizen reads)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=RECENT_DAYS)
    views = []
    for sip in sip_citizen.sips_for_citizen(individual.identifier).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=cutoff)
    ):
        version = sip_citizen.current_plan(sip)
        actions = sorted(version.actions.all(), key=lambda a: a.position) if version else []
        views.append(
            PlanView(
                sip=sip,
                version=version,
                actions=actions,
                own_words=list(sip_citizen.own_words_of(sip)[:3]),
            )
        )
    return views


def sip_requests_of(individual: Individual) -> list[SipRequest]:
    """The individual's requests for a SIP, newest first (the SIP module's reading)."""
    return list(sip_citizen.requests_for_citizen(individual.identifier)[:5])
