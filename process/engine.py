"""The process engine: each episode event instantiates, completes or re-evaluates the
episode's activities, in the transaction of the action that recorded the event.

`on_event` is subscribed to `episodes.events` (see `ProcessConfig.ready`). Everything an
activity shows (applicable or not, its responsible unit, its stored `due_at`, done or not) is
recomputed from the episode's current state by `evaluate`, so a moved anchor (a corrected
admission time, a revoked ready notice) always gives the right due time. Every change is
written to `ActivityLog` with the event that caused it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.timerules import due_at as compute_due_at
from core.timerules import start_of_local_day
from episodes.models import Episode, EpisodeState, Event, EventKind, Party
from organisations.models import UnitKind
from process.definition import CONDITIONS, ensure_current_definition
from process.models import (
    ActivityDefinition,
    ActivityLog,
    ActivityStatus,
    DefinitionVersion,
    DeviationCandidate,
    EpisodeActivity,
    EpisodeProcess,
    LogKind,
    Phase,
    ProcessLane,
)

# Among several units concerned in one lane, the one that performs the lane's activities.
UNIT_KIND_PREFERENCE = [
    UnitKind.WARD,
    UnitKind.HEALTH_CENTRE,
    UnitKind.PSYCHIATRIC_OUTPATIENT,
    UnitKind.HOME_HEALTH_CARE,
    UnitKind.NEEDS_ASSESSMENT,
    UnitKind.HOME_CARE,
    UnitKind.OTHER,
]


def assessed_at_admission(episode: Episode) -> bool:
    """Whether the help-need judgement in force was made at admission (then a corrected
    admission time moves it too)."""
    rows = list(
        Event.objects.filter(
            episode=episode, kind__in=[EventKind.ADMITTED, EventKind.HELP_NEED_ASSESSED]
        ).values_list("kind", "occurred_at", "data")
    )
    admitted = next((at for kind, at, _ in rows if kind == EventKind.ADMITTED), None)
    positive = [
        at
        for kind, at, data in rows
        if kind == EventKind.HELP_NEED_ASSESSED and data.get("may_need_help")
    ]
    return bool(positive) and admitted is not None and max(positive) == admitted


def anchor_moment(
    episode: Episode, anchor: str, *, at_admission: bool | None = None
) -> dt.datetime | None:
    """When `anchor` happened for `episode` (the one in force), or None if it has not."""
    if anchor == "admission":
        return episode.admitted_at
    if anchor == "help_need_assessed":
        # Lag 2017:612: 24 hours from admission, or from a later judgement. A judgement made
        # at admission follows a corrected admission time; a later one never precedes it.
        if not episode.may_need_help or episode.help_assessed_at is None:
            return None
        if at_admission is None:
            at_admission = assessed_at_admission(episode)
        if at_admission:
            return episode.admitted_at
        return max(episode.help_assessed_at, episode.admitted_at)
    if anchor == "admission_notice":
        return episode.admission_notice_sent_at
    if anchor == "estimated_discharge_date":
        date = episode.estimated_discharge_date
        return start_of_local_day(date) if date else None
    if anchor == "ready_notice":
        return episode.ready_at
    if anchor == "sip_invitation":
        return episode.sip_invited_at
    if anchor == "discharge":
        return episode.discharged_at
    raise ValueError(f"unknown anchor {anchor}")


def condition(episode: Episode, name: str) -> bool:
    if name == "may_need_help":
        return episode.may_need_help
    if name == "voluntary_care":
        return not episode.is_compulsory_care
    if name == "compulsory_care":
        return episode.is_compulsory_care
    if name == "sip_needed":
        return episode.sip_needed is True
    if name == "readmission":
        return episode.readmission_of_id is not None
    raise ValueError(f"unknown condition {name}")


def due_for(
    definition: ActivityDefinition,
    episode: Episode,
    by_key: dict | None = None,
    _seen: frozenset = frozenset(),
    at_admission: bool | None = None,
) -> dt.datetime | None:
    """The due time of `definition` for `episode` now, by `core.timerules.due_at` only.

    "before <anchor>" is due when the anchor happens; "before <activity>" is due when that
    activity is due (the file's validator has refused cycles).
    """
    timing = definition.timing
    if "before" in timing:
        target = timing["before"]
        if by_key is not None and target in by_key:
            if target in _seen:
                return None
            return due_for(by_key[target], episode, by_key, _seen | {definition.key}, at_admission)
        return anchor_moment(episode, target, at_admission=at_admission)
    moment = anchor_moment(episode, timing["anchor"], at_admission=at_admission)
    if moment is None:
        return None
    return compute_due_at(moment, timing["amount"], timing["unit"])


def _responsible_units(episode: Episode) -> dict[str, int]:
    """lane -> the unit that performs that lane's activities for this episode."""
    parties = (
        Party.objects.filter(episode=episode, removed_at__isnull=True)
        .select_related("unit")
        .order_by("id")
    )
    rank = {kind: index for index, kind in enumerate(UNIT_KIND_PREFERENCE)}
    units: dict[str, tuple[int, int]] = {}
    for party in parties:
        unit = party.unit
        score = rank.get(unit.kind, len(rank))
        # The designated care contact's unit leads regional primary care.
        if unit.id == episode.care_contact_unit_id or unit.id == episode.ward_id:
            score = -1
        if unit.lane not in units or score < units[unit.lane][0]:
            units[unit.lane] = (score, unit.id)
    result = {lane: unit_id for lane, (_score, unit_id) in units.items()}
    result[ProcessLane.INPATIENT] = episode.ward_id
    return result


def _unit_for(definition: ActivityDefinition, units: dict[str, int]) -> int | None:
    if definition.lane != ProcessLane.INDIVIDUAL:
        return units.get(definition.lane)
    for lane in definition.performer_lanes:
        if lane in units:
            return units[lane]
    return None


def _matches(definition: ActivityDefinition, event: Event, lane_of_unit: dict[int, str]) -> bool:
    completion = definition.completion
    if completion.get("event") != event.kind:
        return False
    for key, value in (completion.get("where") or {}).items():
        if event.data.get(key) != value:
            return False
    if completion.get("same_lane"):
        unit_id = event.unit_id or event.actor_unit_id
        lanes = (
            definition.performer_lanes
            if definition.lane == ProcessLane.INDIVIDUAL
            else [definition.lane]
        )
        if lane_of_unit.get(unit_id) not in lanes:
            return False
    return True


def on_event(event: Event) -> None:
    """The subscriber: bind and instantiate at admission, then keep activities current."""
    if event.kind == EventKind.ADMITTED:
        instantiate(event.episode, event)
        return
    if not EpisodeProcess.objects.filter(episode_id=event.episode_id).exists():
        # An episode admitted before the engine was installed: start it now, from its events.
        instantiate(event.episode, None)
    evaluate(event.episode, event)


def instantiate(episode: Episode, event: Event | None) -> EpisodeProcess:
    """Bind `episode` to the current definition version and create its activities."""
    # The file is loaded at migrate; parse it here only on a database that has no version.
    version = DefinitionVersion.current() or ensure_current_definition()
    process = EpisodeProcess.objects.create(episode=episode, version=version)
    definitions = list(version.activities.all())
    EpisodeActivity.objects.bulk_create(
        [EpisodeActivity(episode=episode, definition=d) for d in definitions]
    )
    ActivityLog.objects.create(
        episode=episode,
        kind=LogKind.INSTANTIATED,
        event=event,
        actor=event.actor if event else None,
        data={"version": version.number, "activities": len(definitions)},
    )
    evaluate(episode, event)
    return process


def evaluate(
    episode: Episode, event: Event | None = None, *, now: dt.datetime | None = None
) -> None:
    """Recompute every activity of `episode` from its current state; complete or reopen the
    ones `event` completes or reopens. Only changed rows are written."""
    now = now or timezone.now()
    activities = list(EpisodeActivity.objects.filter(episode=episode).select_related("definition"))
    if not activities:
        return
    by_key = {a.definition.key: a.definition for a in activities}
    units = _responsible_units(episode)
    at_admission = assessed_at_admission(episode)
    lane_of_unit = {unit_id: lane for lane, unit_id in units.items()}
    if event is not None:
        # The acting or concerned unit may be a second unit in its lane: use its own lane.
        for unit in (event.unit, event.actor_unit):
            if unit is not None:
                lane_of_unit[unit.id] = unit.lane
    actor = event.actor if event else None
    exited = episode.state == EpisodeState.EXITED
    discharged = episode.state == EpisodeState.DISCHARGED
    changed: list[EpisodeActivity] = []
    logs: list[ActivityLog] = []

    def log(activity, kind, **data):
        logs.append(
            ActivityLog(
                episode=episode,
                activity=activity,
                kind=kind,
                event=event,
                actor=actor,
                at=now,
                data=data,
            )
        )

    for activity in activities:
        definition = activity.definition
        before = (
            activity.status,
            activity.due_at,
            activity.unit_id,
            activity.completed_at,
            activity.not_applicable_reason,
        )

        # 1. Reopen what the event undoes (e.g. a revoked ready notice).
        if (
            event is not None
            and activity.status == ActivityStatus.DONE
            and event.kind in definition.reopened_by
        ):
            activity.status = ActivityStatus.OPEN
            activity.completed_at = activity.completed_by = activity.completed_unit = None
            activity.completed_by_id = activity.completed_unit_id = None
            log(activity, LogKind.REOPENED, cause=event.kind)

        # 2. Applicable? Conditions, a unit in the lane, and a process still running.
        reason = ""
        unit_id = _unit_for(definition, units)
        if exited:
            reason = "Processen avbröts"
        elif unmet := [c for c in definition.conditions if not condition(episode, c)]:
            reason = "Gäller bara när " + ", ".join(CONDITIONS[c] for c in unmet)
        elif unit_id is None:
            reason = "Ingen berörd enhet i simbanan"
        if activity.status != ActivityStatus.DONE and unit_id is not None:
            activity.unit_id = unit_id
        due = due_for(definition, episode, by_key, at_admission=at_admission)
        if (
            not reason
            and discharged
            and due is None
            and definition.phase != Phase.AFTER_DISCHARGE
            and activity.status != ActivityStatus.DONE
        ):
            reason = "Blev aldrig aktuell före utskrivningen"
        if reason and activity.status in (ActivityStatus.OPEN, ActivityStatus.OVERDUE):
            activity.status = ActivityStatus.NOT_APPLICABLE
            activity.not_applicable_reason = reason
            log(activity, LogKind.NOT_APPLICABLE, reason=reason)
        elif not reason and activity.status == ActivityStatus.NOT_APPLICABLE:
            activity.status = ActivityStatus.OPEN
            activity.not_applicable_reason = ""
            log(activity, LogKind.APPLICABLE)

        # 3. The due time, stored so "what is overdue" is one indexed query.
        if due != activity.due_at:
            log(
                activity,
                LogKind.DUE_CHANGED,
                previous=activity.due_at.isoformat() if activity.due_at else None,
                due_at=due.isoformat() if due else None,
                cause=event.kind if event else "",
            )
            if (
                event is not None
                and event.kind == EventKind.ADMISSION_CORRECTED
                and activity.missed_at is not None
            ):
                withdrawn = DeviationCandidate.objects.filter(
                    activity=activity, withdrawn_at__isnull=True
                ).update(
                    withdrawn_at=now,
                    withdrawn_reason="Tidsfristen räknades om efter rättad inskrivningstid",
                )
                if withdrawn:
                    log(activity, LogKind.CANDIDATE_WITHDRAWN, count=withdrawn)
            activity.due_at = due
            activity.missed_at = None
        if activity.status == ActivityStatus.OVERDUE and (due is None or due >= now):
            activity.status = ActivityStatus.OPEN

        # 4. Completion by the event.
        if event is not None and activity.is_open and _matches(definition, event, lane_of_unit):
            activity.status = ActivityStatus.DONE
            activity.completed_at = event.occurred_at
            activity.completed_by_id = event.actor_id
            activity.completed_unit_id = event.actor_unit_id
            log(
                activity,
                LogKind.COMPLETED,
                cause=event.kind,
                late=bool(activity.due_at and event.occurred_at > activity.due_at),
            )
            if activity.missed_at is not None:
                DeviationCandidate.objects.filter(
                    activity=activity, due_at=activity.due_at, completed_at__isnull=True
                ).update(completed_at=event.occurred_at)

        after = (
            activity.status,
            activity.due_at,
            activity.unit_id,
            activity.completed_at,
            activity.not_applicable_reason,
        )
        if after != before:
            activity.updated_at = now
            changed.append(activity)

    if changed:
        EpisodeActivity.objects.bulk_update(
            changed,
            [
                "status",
                "not_applicable_reason",
                "due_at",
                "unit",
                "completed_at",
                "completed_by",
                "completed_unit",
                "missed_at",
                "updated_at",
            ],
        )
    if logs:
        ActivityLog.objects.bulk_create(logs)
