"""The process engine: each episode event instantiates, completes or re-evaluates the
episode's activities, in the transaction of the action that recorded the event.

`on_event` is subscribed to `episodes.events` (see `ProcessConfig.ready`). Everything an
activity shows (applicable or not, its responsible unit, its stored `due_at`, done or not) is
recomputed from the episode's current state by `evaluate`, so a moved anchor (a corrected
admission time, a revoked ready notice) always gives the right due time. Every change is
written to `ActivityLog` with the event that caused it.

Cost: the definition of a version is read once per process and kept in memory (`_version`).
Within one action (`episodes.events.action`) an episode's activities, parties and anchor
events are read once, at its first event (`_Session`); each event is then evaluated in
memory, against the episode as it is at that event, exactly as if it were evaluated alone,
and the changed rows and the log are written once, just before the action commits (new
activities in one bulk insert, changed ones in one UPDATE per set of equal new values, the
log in one bulk insert). Outside an action each event is written at once, as before.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.configuration import regional_count
from core.timerules import due_at as compute_due_at
from core.timerules import local_date, start_of_local_day
from episodes import events
from episodes.models import (
    INITIAL_COLUMNS,
    Episode,
    EpisodeState,
    Event,
    EventKind,
    Party,
    PartyRole,
    fold,
)
from episodes.rules import Step
from organisations.models import Lane, UnitKind
from process.definition import CONDITIONS, ensure_current_definition
from process.models import (
    OPEN_STATUSES,
    UNDONE_STATUSES,
    ActivityDefinition,
    ActivityLog,
    ActivityStatus,
    DefinitionVersion,
    DeviationCandidate,
    EpisodeActivity,
    EpisodeProcess,
    LogKind,
    Phase,
)

# The phases whose activities can no longer be done once the stay is discharged.
BEFORE_DISCHARGE = (Phase.ADMISSION, Phase.STAY, Phase.READY)


def undone_by_cancelled_discharge(definition: ActivityDefinition) -> bool:
    """Whether a cancelled discharge (`EventKind.DISCHARGE_CANCELLED`) reopens the activity
    when done: the ones the discharge itself completed, and the acknowledgements of its
    discharge notice (the next discharge sends a new one). Other work stays done: it was."""
    completion = definition.completion
    return completion.get("event") == EventKind.DISCHARGED or (
        completion.get("event") == EventKind.MESSAGE_ACKNOWLEDGED
        and (completion.get("where") or {}).get("message_kind") == "discharge_notice"
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


def anchor_moment(episode: Episode, anchor: str) -> dt.datetime | None:
    """When `anchor` happened for `episode` (the one in force), or None if it has not."""
    if anchor == "admission":
        return episode.admitted_at
    if anchor == "help_need_assessed":
        # Lag 2017:612: 24 hours from admission, or from a later judgement. The fold of the
        # events (`episodes.models.fold`) keeps a judgement made at admission with a corrected
        # admission time, and a later one never before it.
        if not episode.may_need_help:
            return None
        return episode.help_assessed_at
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
) -> dt.datetime | None:
    """The due time of `definition` for `episode` now, by `core.timerules.due_at` only.

    "before <anchor>" is due when the anchor happens; "before <activity>" is due when that
    activity is due (the file's validator has refused cycles). A timing that names a regional
    count (`count: admission_notice_hours`) takes the value in force on the anchor's local
    date (`core.configuration.regional_count`).
    """
    timing = definition.timing
    if "before" in timing:
        target = timing["before"]
        if by_key is not None and target in by_key:
            if target in _seen:
                return None
            return due_for(by_key[target], episode, by_key, _seen | {definition.key})
        return anchor_moment(episode, target)
    moment = anchor_moment(episode, timing["anchor"])
    if moment is None:
        return None
    amount = timing.get("amount", 0)
    if "count" in timing:
        amount = regional_count(timing["count"], local_date(moment))
    return compute_due_at(moment, amount, timing["unit"])


# The legal deadlines kept on the episode row, by the step that meets them: the start page, the
# statistics and the payment rules read these columns (`Episode.admission_notice_due_at`, …).
EPISODE_DEADLINES = {
    "admission_notice_due_at": Step.SEND_ADMISSION_NOTICE,
    "sip_invitation_due_at": Step.RECORD_SIP_INVITATION,
}


def deadline_of(
    definition: ActivityDefinition, episode: Episode, by_key: dict | None = None
) -> dt.datetime | None:
    """The deadline of `definition` for `episode`: its due time when its conditions
    (`applies_when`) hold, else None. One function for the engine and the bench generator."""
    if not all(condition(episode, name) for name in definition.conditions):
        return None
    return due_for(definition, episode, by_key)


def episode_deadlines(episode: Episode, definitions: list[ActivityDefinition]) -> dict:
    """{column of EPISODE_DEADLINES: deadline} for `episode` under `definitions` (a version)."""
    by_key = {d.key: d for d in definitions}
    by_step = {d.step: d for d in definitions if d.step and d.deadline_kind == "legal"}
    return {
        column: deadline_of(by_step[step], episode, by_key) if step in by_step else None
        for column, step in EPISODE_DEADLINES.items()
    }


def _units_by_lane(episode: Episode, units) -> dict[str, int]:
    """lane -> the unit that performs that lane's activities, from the units of the
    episode's current parties in the order the parties were created."""
    rank = {kind: index for index, kind in enumerate(UNIT_KIND_PREFERENCE)}
    best: dict[str, tuple[int, int]] = {}
    for unit in units:
        score = rank.get(unit.kind, len(rank))
        # The designated care contact's unit leads regional primary care.
        if unit.id == episode.care_contact_unit_id or unit.id == episode.ward_id:
            score = -1
        if unit.lane not in best or score < best[unit.lane][0]:
            best[unit.lane] = (score, unit.id)
    result = {lane: unit_id for lane, (_score, unit_id) in best.items()}
    result[Lane.INPATIENT] = episode.ward_id
    return result


def _unit_for(definition: ActivityDefinition, units: dict[str, int]) -> int | None:
    if definition.lane != Lane.INDIVIDUAL:
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
            definition.performer_lanes if definition.lane == Lane.INDIVIDUAL else [definition.lane]
        )
        if unit_id is None or lane_of_unit.get(unit_id) not in lanes:
            return False
    return True


# -- the definition, parsed once per loaded version -------------------------------------------


class _Version:
    """A loaded version's activity definitions (never changed after loading), kept in memory."""

    def __init__(self, version_id: int, definitions: list[ActivityDefinition]):
        self.id = version_id
        self.definitions = definitions
        self.by_id = {d.id: d for d in definitions}
        self.by_key = {d.key: d for d in definitions}


# (version id, loaded_at): a test database that rolls a version back may reuse its id.
_versions: dict[tuple, _Version] = {}


def _version(version_id: int, loaded_at: dt.datetime) -> _Version:
    key = (version_id, loaded_at)
    cached = _versions.get(key)
    if cached is None:
        definitions = list(
            ActivityDefinition.objects.filter(version_id=version_id).order_by("order")
        )
        cached = _Version(version_id, definitions)
        if len(_versions) > 16:
            _versions.clear()
        _versions[key] = cached
    return cached


def current_version() -> _Version:
    """The version new episodes take (the latest loaded), from the in-memory cache."""
    # Only the columns needed: the version's source text and parsed content are large.
    current = DefinitionVersion.objects.order_by("-number").only("id", "number", "loaded_at")
    version = current.first() or ensure_current_definition()
    return _version(version.pk, version.loaded_at)


def all_definitions() -> dict[int, ActivityDefinition]:
    """Every loaded version's activity definitions by id, from the in-memory cache: one small
    query for the versions instead of the definition rows (the start page, issue 17)."""
    by_id: dict[int, ActivityDefinition] = {}
    for version_id, loaded_at in DefinitionVersion.objects.values_list("id", "loaded_at"):
        by_id.update(_version(version_id, loaded_at).by_id)
    return by_id


# -- one episode's activities, held in memory for the length of an action -----------------------

# The columns `evaluate` may change; compared with what was read to find the rows to write.
_WRITTEN = (
    "status",
    "not_applicable_reason",
    "due_at",
    "unit_id",
    "completed_at",
    "completed_by_id",
    "completed_unit_id",
    "missed_at",
    "updated_at",
)


def _written(activity: EpisodeActivity) -> tuple:
    return tuple(getattr(activity, name) for name in _WRITTEN)


class _Session:
    """An episode's activities, parties and anchor events as the engine last saw them.

    Loaded at the first event of an action (one query each) and kept current from the
    action's later events; the changes are written once when the action ends."""

    def __init__(self, episode: Episode):
        self.episode = episode
        self.version: _Version | None = None
        self.activities: list[EpisodeActivity] = []
        self.read: dict[int, tuple] = {}  # activity pk -> its written columns as read
        self.created = False  # activities made in this session, not yet in the database
        self.logs: list[ActivityLog] = []
        self.parties: list[list] = []  # [unit, role, active], in creation order
        self.deadlines: dict = {}  # episode deadline columns changed, not yet written

    # loading

    def load_activities(self, version: _Version) -> None:
        self.version = version
        self.activities = list(
            EpisodeActivity.objects.filter(episode_id=self.episode.pk).order_by("id")
        )
        for activity in self.activities:
            definition = version.by_id.get(activity.definition_id)
            if definition is None:  # not of the episode's version (never expected)
                definition = ActivityDefinition.objects.get(pk=activity.definition_id)
            activity.definition = definition
            self.read[activity.pk] = _written(activity)

    def load_parties(self) -> None:
        parties = Party.objects.filter(episode_id=self.episode.pk).select_related("unit")
        self.parties = [
            [party.unit, party.role, party.removed_at is None] for party in parties.order_by("id")
        ]

    def units(self) -> dict[str, int]:
        return _units_by_lane(
            self.episode, [unit for unit, _role, active in self.parties if active]
        )

    # keeping current

    def saw(self, event: Event) -> None:
        """Follow what `event` changed in the rows the session holds (idempotent for the
        event the session was loaded at)."""
        if event.kind == EventKind.PARTY_ADDED and event.unit_id is not None:
            for party in self.parties:
                if party[0].id == event.unit_id:
                    party[2] = True
                    break
            else:
                self.parties.append([event.unit, PartyRole.CONCERNED, True])
        elif event.kind == EventKind.PARTY_REMOVED and event.unit_id is not None:
            for party in self.parties:
                if party[0].id == event.unit_id and party[1] == PartyRole.CONCERNED:
                    party[2] = False

    # writing

    def flush(self) -> None:
        if self.deadlines:
            Episode.objects.filter(pk=self.episode.pk).update(**self.deadlines)
            self.deadlines = {}
        if self.created:
            EpisodeActivity.objects.bulk_create(self.activities)
            self.created = False
        else:
            groups: dict[tuple, list[int]] = {}
            for activity in self.activities:
                now = _written(activity)
                if now != self.read.get(activity.pk):
                    groups.setdefault(now, []).append(activity.pk)
            # Rows changed alike (e.g. several activities no longer applicable) share one
            # UPDATE; a CASE per column and row (bulk_update) costs far more to build.
            for values, pks in groups.items():
                EpisodeActivity.objects.filter(pk__in=pks).update(
                    **dict(zip(_WRITTEN, values, strict=True))
                )
        for activity in self.activities:
            self.read[activity.pk] = _written(activity)
        if self.logs:
            ActivityLog.objects.bulk_create(net_changes(self.logs))
            self.logs = []


# Log kinds that undo each other when one follows the other for the same activity.
_CANCELLING = {
    (LogKind.NOT_APPLICABLE, LogKind.APPLICABLE),
    (LogKind.APPLICABLE, LogKind.NOT_APPLICABLE),
}


def net_changes(logs: list[ActivityLog]) -> list[ActivityLog]:
    """The log of one action as net changes per activity (issue 17): "not applicable" then
    "applicable again" (or the reverse) within the action cancel out, and successive due-time
    changes become one, from the first previous time to the last (none if they end where they
    began). An admission evaluates the admission event before the help judgement and the
    parties exist: 82 of its 124 rows were such pairs. Other kinds are kept as they are."""
    kept: list[ActivityLog | None] = []
    last: dict[int, int] = {}  # id(activity) -> index in kept of its last row
    for row in logs:
        activity = row.activity
        if activity is None:
            kept.append(row)
            continue
        key = id(activity)
        index = last.get(key)
        if index is None:
            last[key] = len(kept)
            kept.append(row)
            continue
        previous = kept[index]
        if previous is not None and (previous.kind, row.kind) in _CANCELLING:
            kept[index] = None
            del last[key]
            # What came before the cancelled pair is the activity's last row again.
            for earlier in range(index - 1, -1, -1):
                candidate = kept[earlier]
                if candidate is not None and candidate.activity is activity:
                    last[key] = earlier
                    break
            continue
        if (
            previous is not None
            and previous.kind == LogKind.DUE_CHANGED
            and row.kind == LogKind.DUE_CHANGED
        ):
            previous.data = {**row.data, "previous": previous.data.get("previous")}
            previous.event, previous.at = row.event, row.at
            if previous.data.get("previous") == previous.data.get("due_at"):
                kept[index] = None
                del last[key]
            continue
        last[key] = len(kept)
        kept.append(row)
    return [row for row in kept if row is not None]


_SESSIONS = "process.sessions"


def _sessions() -> dict[int, _Session] | None:
    state = events.action_state()
    if state is None:
        return None
    return state.setdefault(_SESSIONS, {})


def _finish(session: _Session) -> None:
    events.on_action_end((_SESSIONS, session.episode.pk), session.flush)


def _open_session(episode: Episode, *, admitting: bool = False) -> tuple[_Session, bool]:
    """The episode's session in the current action (or a new one outside an action) and
    whether it has its activities (False: the episode has no process yet)."""
    sessions = _sessions()
    if sessions is not None and episode.pk in sessions:
        session = sessions[episode.pk]
        # The action may hold a fresher copy of the episode than the one the session saw.
        session.episode = episode
        return session, session.version is not None
    session = _Session(episode)
    if sessions is not None:
        sessions[episode.pk] = session
    # An episode being admitted has no process yet (binding it twice fails, as it should).
    row = (
        None
        if admitting
        else EpisodeProcess.objects.filter(episode_id=episode.pk)
        .values_list("version_id", "version__loaded_at")
        .first()
    )
    if row is not None:
        session.load_activities(_version(*row))
    if admitting:
        # At its admission event an episode has its ward's party alone (`do_admit` adds the
        # concerned units afterwards, each with its own event that `saw` follows): no read.
        session.parties = [[episode.ward, PartyRole.WARD, True]]
    else:
        session.load_parties()
    return session, row is not None


def on_event(event: Event) -> None:
    """The subscriber: bind and instantiate at admission, then keep activities current."""
    episode = event.episode
    session, has_process = _open_session(episode, admitting=event.kind == EventKind.ADMITTED)
    session.saw(event)
    if event.kind == EventKind.ADMITTED:
        _instantiate(session, event)
    else:
        if not has_process:
            # An episode admitted before the engine was installed: start it now, from its events.
            _instantiate(session, None)
        _evaluate(session, event)
    _finish(session)


def instantiate(episode: Episode, event: Event | None) -> EpisodeProcess:
    """Bind `episode` to the current definition version and create its activities."""
    session, _has_process = _open_session(episode)
    process = _instantiate(session, event)
    _finish(session)
    return process


def _instantiate(session: _Session, event: Event | None) -> EpisodeProcess:
    episode = session.episode
    # The file is loaded at migrate; parse it here only on a database that has no version.
    # Only the columns needed: the version's source text and parsed content are large.
    current = DefinitionVersion.objects.order_by("-number").only("id", "number", "loaded_at")
    version = current.first() or ensure_current_definition()
    process = EpisodeProcess.objects.create(episode=episode, version=version)
    session.version = _version(version.pk, version.loaded_at)
    session.activities = [
        EpisodeActivity(episode=episode, definition=d) for d in session.version.definitions
    ]
    session.created = True
    session.logs.append(
        ActivityLog(
            episode=episode,
            kind=LogKind.INSTANTIATED,
            event=event,
            actor=event.actor if event else None,
            data={"version": version.number, "activities": len(session.activities)},
        )
    )
    _evaluate(session, event)
    return process


def evaluate(
    episode: Episode, event: Event | None = None, *, now: dt.datetime | None = None
) -> None:
    """Recompute every activity of `episode` from its current state; complete or reopen the
    ones `event` completes or reopens. Only changed rows are written (at the end of the
    current action, or at once outside one)."""
    session, _has_process = _open_session(episode)
    _evaluate(session, event, now=now)
    _finish(session)


def _evaluate(session: _Session, event: Event | None, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    episode = session.episode
    activities = session.activities
    if not activities:
        return
    by_key = session.version.by_key if session.version else {}
    if not by_key or any(by_key.get(a.definition.key) is not a.definition for a in activities):
        by_key = {a.definition.key: a.definition for a in activities}
    units = session.units()
    lane_of_unit = {unit_id: lane for lane, unit_id in units.items()}
    if event is not None:
        # The acting or concerned unit may be a second unit in its lane: use its own lane.
        for unit in (event.unit, event.actor_unit):
            if unit is not None:
                lane_of_unit[unit.id] = unit.lane
    # The actor's id only: reading the user row for the log would cost a query per event.
    actor_id = event.actor_id if event else None
    exited = episode.state == EpisodeState.EXITED
    discharged = episode.state == EpisodeState.DISCHARGED
    logs = session.logs
    conditions = {name: condition(episode, name) for name in CONDITIONS}

    def log(activity, kind, **data):
        logs.append(
            ActivityLog(
                episode=episode,
                activity=activity,
                kind=kind,
                event=event,
                actor_id=actor_id,
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

        # 1. Reopen what the event undoes (e.g. a revoked ready notice, a cancelled discharge).
        if (
            event is not None
            and activity.status == ActivityStatus.DONE
            and (
                event.kind in definition.reopened_by
                or (
                    event.kind == EventKind.DISCHARGE_CANCELLED
                    and undone_by_cancelled_discharge(definition)
                )
            )
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
        elif unmet := [c for c in definition.conditions if not conditions[c]]:
            reason = "Gäller bara när " + ", ".join(CONDITIONS[c] for c in unmet)
        elif unit_id is None:
            reason = "Ingen berörd enhet i simbanan"
        if activity.status != ActivityStatus.DONE and unit_id is not None:
            activity.unit_id = unit_id
        due = due_for(definition, episode, by_key)
        if (
            not reason
            and discharged
            and due is None
            and definition.phase != Phase.AFTER_DISCHARGE
            and activity.status != ActivityStatus.DONE
        ):
            reason = "Blev aldrig aktuell före utskrivningen"
        if reason and activity.status in UNDONE_STATUSES:
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

        # 4. Completion by the event (also of one closed undone at discharge: a notice
        # acknowledged after the stay, say, is done late).
        if (
            event is not None
            and activity.status in UNDONE_STATUSES
            and _matches(definition, event, lane_of_unit)
        ):
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
            if activity.missed_at is not None and activity.due_at is not None:
                DeviationCandidate.objects.filter(
                    activity=activity, due_at=activity.due_at, completed_at__isnull=True
                ).update(completed_at=event.occurred_at)

        # 5. Discharged: what a phase before discharge left undone closes (issue 17); the
        # discharge cancelled, it is open again (the sweeper marks it overdue if it is).
        if not discharged and not exited and activity.status == ActivityStatus.MISSED:
            activity.status = ActivityStatus.OPEN
            log(activity, LogKind.REOPENED, cause=event.kind if event else "")
        # Discharged: what a phase before discharge left undone closes (issue 17). It
        # stays undone and counted where it was missed; it leaves the open rows, so the to-do
        # list's scan of open activities no longer walks every ended stay's leftovers.
        if discharged and definition.phase in BEFORE_DISCHARGE and activity.status in OPEN_STATUSES:
            activity.status = ActivityStatus.MISSED
            log(activity, LogKind.CLOSED_AT_DISCHARGE)

        after = (
            activity.status,
            activity.due_at,
            activity.unit_id,
            activity.completed_at,
            activity.not_applicable_reason,
        )
        if after != before:
            activity.updated_at = now

    # 6. The legal deadlines kept on the episode row.
    for column, value in episode_deadlines(episode, [a.definition for a in activities]).items():
        if getattr(episode, column) != value:
            setattr(episode, column, value)
            session.deadlines[column] = value


def replay(
    episode: Episode, history: list[Event], parties: list[tuple], version: _Version
) -> list[EpisodeActivity]:
    """The activities `episode` has after `history` (its events in time order), as the engine
    would have left them had each event been recorded by its own action at its `recorded_at`.

    For the bench generator, which writes episodes in bulk past `episodes.events.record`.
    Writes nothing (the caller inserts the rows and keeps no log); `episode`'s folded columns
    are rebuilt in memory from `INITIAL_COLUMNS`. `parties`: (unit, role, added_at,
    removed_at) of every party the episode ever had."""
    final_readmission = episode.readmission_of_id
    columns = {"admitted_at": episode.admitted_at, **INITIAL_COLUMNS}
    session = _Session(episode)
    session.version = version
    for event in history:
        fold(columns, event.kind, event.occurred_at, event.data, event.unit_id)
        for name, value in columns.items():
            if name == "readmission_of":
                episode.readmission_of_id = final_readmission if value else None
            else:
                setattr(episode, name, value)
        at = event.occurred_at
        session.parties = [
            [unit, role, added <= at and (removed is None or removed > at)]
            for unit, role, added, removed in parties
        ]
        if event.kind == EventKind.ADMITTED or not session.activities:
            session.activities = [
                EpisodeActivity(episode=episode, definition=d) for d in version.definitions
            ]
        _evaluate(session, event, now=event.recorded_at)
    session.logs = []
    return session.activities
