"""What a user sees of the process: "what do I do now" and the episode's swimlanes.

`todo_for_user` reads patient data (names of the patients whose activities are listed), so it
goes through `episodes.access.visible_parties` (the rule of `visible_episodes`) and logs one
access row per episode shown, in one statement (`audit.log.log_access_many`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst

from audit.log import log_access_many
from core.models import choice_label
from core.pages import url_by_public_id
from episodes.access import care_unit_ids, visible_parties
from episodes.models import Episode, EpisodeState, Party
from episodes.rules import RULES, Step
from episodes.templatetags.samsyn_dates import Moments
from organisations.models import CARE_ROLES, Lane, User
from process.engine import BEFORE_DISCHARGE, all_definitions
from process.models import (
    OPEN_STATUSES,
    UNDONE_STATUSES,
    ActivityDefinition,
    ActivityState,
    DeadlineKind,
    EpisodeActivity,
)

UPCOMING_HORIZON = dt.timedelta(days=7)
# Once the stay has ended, an activity can still be done late for a week (the discharge day's
# paperwork, a follow-up); after that it is a missed deadline ("Missade"), no longer something
# to do now — the statistics and the deviation candidates still count it.
ENDED_STAY_GRACE = dt.timedelta(days=7)
_DEADLINE_RANK: dict[str, int] = {DeadlineKind.LEGAL: 0, DeadlineKind.AGREED: 1}
_FAR_PAST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_FAR_FUTURE = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
# The columns of a listed activity and its individual that no to-do list reads: not read
# (issue 17: fewer values to convert per row). The episode is read whole: the steps' rules
# (`episodes.rules.RULES`) may ask any of its columns.
_NOT_SHOWN = (
    "not_applicable_reason",
    "completed_by_id",
    "completed_unit_id",
    "citizen_name",
    "citizen_role",
    "citizen_relation",
    "note",
    "missed_at",
    "updated_at",
    "episode__individual__birth_date",
    "episode__individual__address",
    "episode__individual__postal_code",
    "episode__individual__city",
    "episode__individual__phone",
    "episode__individual__municipality_id",
    "episode__individual__residence_area_id",
    "episode__individual__listed_unit_id",
    "episode__individual__created_at",
    "episode__individual__merged_into_id",
)


def episode_url(episode: Episode) -> str:
    """The episode page."""
    return reverse("episode", args=[episode.public_id])


def activity_url(activity: EpisodeActivity) -> str:
    """Where to do it: the action's form on the episode page, or the activity's check-off."""
    definition = activity.definition
    anchor = f"step-{definition.step}" if definition.step else f"activity-{definition.key}"
    return f"{episode_url(activity.episode)}#{anchor}"


@dataclass
class TodoItem:
    episode: Episode
    activity: ActivityDefinition
    episode_activity: EpisodeActivity
    due_at: dt.datetime | None
    state: str  # "overdue" / "due" / "upcoming"
    lane: str
    url: str
    # The due time as the list shows it, formatted once here (issue 17: not two template
    # filters a row): ISO for `<time datetime>`, and "2026-12-01 09:05" in Stockholm time.
    due_iso: str = ""
    due_text: str = ""

    @property
    def why(self) -> str:
        return self.activity.goal_line

    @property
    def state_label(self) -> str:
        return choice_label(ActivityState, self.state)

    @property
    def lane_label(self) -> str:
        return choice_label(Lane, self.lane)


def _definition_ids_by_role(
    roles: set[str], definitions: dict[int, ActivityDefinition]
) -> tuple[dict[str, list[int]], list[int]]:
    """role -> ids of the activity definitions (any version) that role performs; and the ids
    of the definitions of the phases before discharge (`process.engine.BEFORE_DISCHARGE`:
    once the stay has ended these can no longer be done; they leave the to-do list, the
    swimlanes still show them undone, and the sweeper records their missed deadlines)."""
    result: dict[str, list[int]] = {role: [] for role in roles}
    before_discharge = []
    for pk, definition in definitions.items():
        for role in roles.intersection(definition.performer_roles):
            result[role].append(pk)
        if definition.phase in BEFORE_DISCHARGE:
            before_discharge.append(pk)
    return result, before_discharge


def _my_open_activities(
    user: User, memberships: list, definitions: dict[int, ActivityDefinition], statuses=None
) -> tuple[QuerySet[EpisodeActivity], list[int]]:
    """The open activities (or those of `statuses`) of episodes `user` may see, performed by
    one of the user's units in a role the user has; and the ids of the definitions before
    discharge."""
    by_role, before_discharge = _definition_ids_by_role({m.role for m in memberships}, definitions)
    performs = Q(pk__in=[])
    for membership in memberships:
        performs |= Q(unit_id=membership.unit_id, definition_id__in=by_role[membership.role])
    mine = (
        EpisodeActivity.objects.filter(performs)
        .filter(status__in=statuses or OPEN_STATUSES, due_at__isnull=False)
        # `visible_episodes` without its episode table: the episode ids straight from the
        # visible party rows, so the database tests need-to-know only for the activities the
        # still-possible rule keeps (issue 17: ~1 100 open activities of a needs assessor at
        # one year, ~850 of ended stays; 8 -> 1 ms of probes, planning 6 -> 3 ms).
        .filter(episode_id__in=visible_parties(care_unit_ids(user)).values("episode_id"))
    )
    return mine, before_discharge


def _still_possible(
    definitions: dict[int, ActivityDefinition], before_discharge: list[int], now: dt.datetime
) -> Q:
    """Activities that can still be done in their episode's state: not of an exited stay, not
    of a phase before discharge once the stay has ended, not more than `ENDED_STAY_GRACE` past
    its deadline once the stay has ended, and, for an activity done through a step, in a state
    the step's rule (`episodes.rules.RULES`) allows.

    The steps' states are asked by definition id, one clause per set of states (the
    definitions from the engine's in-memory cache): a short filter, no join to the definition
    table (issue 17)."""
    states_of = {step.value: rule.states for step, rule in RULES.items()}
    manual: list[int] = []
    by_states: dict[frozenset, list[int]] = {}
    for pk, definition in definitions.items():
        if not definition.step:
            manual.append(pk)
        elif definition.step in states_of:
            by_states.setdefault(frozenset(states_of[definition.step]), []).append(pk)
    by_step = Q(definition_id__in=manual)
    for states, ids in by_states.items():
        by_step |= Q(definition_id__in=ids, episode__state__in=sorted(states))
    return (
        by_step
        & ~Q(episode__state=EpisodeState.EXITED)
        & ~Q(episode__ended_at__isnull=False, definition_id__in=before_discharge)
        & ~Q(episode__ended_at__isnull=False, due_at__lt=now - ENDED_STAY_GRACE)
    )


def _can_act(row: EpisodeActivity) -> bool:
    """The step's whole rule (state and content) allows it now; a manual activity: yes."""
    step = row.definition.step
    return (
        not step
        or step not in Step.__members__.values()
        or RULES[Step(step)].refusal(row.episode) is None
    )


def todo_for_user(
    user: User, *, limit: int = 50, now: dt.datetime | None = None, request=None
) -> list[TodoItem]:
    """Open activities that `user` can still act on, of the episodes `user` may see, performed
    by one of the user's units in a role the user has: overdue and due first, then those due
    within a week; soonest first. Missed deadlines that can no longer be acted on (say, of a
    patient discharged since) are not here but in `missed_for_user`.

    A constant number of queries, whatever the number of rows.
    """
    now = now or timezone.now()
    memberships = [m for m in user.active_memberships() if m.role in CARE_ROLES]
    if not memberships:
        return []
    definitions = all_definitions()
    mine, before_discharge = _my_open_activities(user, memberships, definitions)
    mine = mine.filter(due_at__lte=now + UPCOMING_HORIZON).filter(
        _still_possible(definitions, before_discharge, now)
    )
    return _items(
        user, mine, definitions, limit=limit, now=now, request=request, keep=_can_act, few=True
    )


def missed_for_user(
    user: User, *, limit: int = 100, now: dt.datetime | None = None, request=None
) -> list[TodoItem]:
    """Open activities of `user`'s units and roles whose deadline has passed and that can no
    longer be done (the stay ended or moved on): the "Missade" view. They stay counted by the
    statistics and the deviation candidates; this list only keeps them off "Att göra nu"."""
    now = now or timezone.now()
    memberships = [m for m in user.active_memberships() if m.role in CARE_ROLES]
    if not memberships:
        return []
    definitions = all_definitions()
    # Those closed undone at discharge too (`ActivityStatus.MISSED`): they were open here.
    mine, before_discharge = _my_open_activities(
        user, memberships, definitions, statuses=UNDONE_STATUSES
    )
    mine = mine.filter(due_at__lt=now)
    possible = _still_possible(definitions, before_discharge, now)
    items = _items(
        user,
        mine.exclude(possible),
        definitions,
        limit=limit,
        now=now,
        request=request,
        newest_first=True,
    )
    return items


def _items(
    user: User,
    mine,
    definitions: dict[int, ActivityDefinition],
    *,
    limit: int,
    now: dt.datetime,
    request,
    keep=None,
    newest_first: bool = False,
    few: bool = False,
) -> list[TodoItem]:
    # The page is chosen on the activity rows alone (an index walk by due time), with every
    # row sharing the last due time; only then are the definitions read, to break ties. One
    # query joining thousands of open activities to their definitions first is far slower.
    # `few`: the candidates are bounded (the to-do list's horizon), so they are read in one
    # slim query and the cutoff is found among them here; else the cutoff is a subquery of
    # the slim query (fewer than `limit` rows: none).
    def rank(row: tuple) -> tuple:
        definition = definitions[row[2]]
        return (row[1], _DEADLINE_RANK.get(definition.deadline_kind, 2), definition.order, row[0])

    if few:
        candidates = list(mine.values_list("pk", "due_at", "definition_id"))
        if len(candidates) > limit:
            last = sorted(row[1] for row in candidates)[limit - 1]
            candidates = [row for row in candidates if row[1] <= last]
        slim = sorted(candidates, key=rank)
    else:
        order = "-due_at" if newest_first else "due_at"
        last = Subquery(mine.order_by(order).values("due_at")[limit - 1 : limit])
        cutoff = Coalesce(last, Value(_FAR_PAST if newest_first else _FAR_FUTURE))
        chosen = (
            mine.filter(due_at__gte=cutoff) if newest_first else mine.filter(due_at__lte=cutoff)
        )
        # Many rows may share the last due time (deadlines at the end of a day: on a busy ward
        # a thousand of them, mostly of stays ended today). The page is ordered on slim rows
        # (id, due time, definition; the definitions from the engine's in-memory cache), and
        # only the rows shown are read as objects with their episode and individual (issue 17).
        slim = sorted(
            chosen.values_list("pk", "due_at", "definition_id"), key=rank, reverse=newest_first
        )
    ordered = [row[0] for row in slim]
    rows: list[EpisodeActivity] = []
    # Usually one batch; more only while `keep` refuses rows (steps not allowed now).
    for start in range(0, len(ordered), limit):
        batch = ordered[start : start + limit]
        loaded = (
            mine.model.objects.select_related("episode__individual")
            .defer(*_NOT_SHOWN)
            .in_bulk(batch)
        )
        for pk in batch:
            row = loaded.get(pk)  # None: gone since (closed by a concurrent action)
            if row is None:
                continue
            row.definition = definitions[row.definition_id]
            if keep is None or keep(row):
                rows.append(row)
        if len(rows) >= limit:
            break
    items = []
    for row in rows[:limit]:
        local = timezone.localtime(row.due_at) if row.due_at else None
        items.append(
            TodoItem(
                episode=row.episode,
                activity=row.definition,
                episode_activity=row,
                due_at=row.due_at,
                state=row.state(now).value,
                lane=row.definition.lane,
                url=activity_url(row),
                due_iso=local.isoformat() if local else "",
                due_text=local.strftime("%Y-%m-%d %H:%M") if local else "",
            )
        )
    _log_reads(user, items, request)
    return items


@dataclass
class PatientTodo:
    """One patient's rows of a to-do list, most urgent first."""

    episode: Episode
    items: list[TodoItem]

    @property
    def state(self) -> str:
        return self.items[0].state

    @property
    def url(self) -> str:
        return episode_url(self.episode)


def by_patient(items: list[TodoItem]) -> list[PatientTodo]:
    """`items` grouped by episode, in the order of each episode's most urgent row (the list's
    own order)."""
    groups: dict[int, PatientTodo] = {}
    for item in items:
        groups.setdefault(item.episode.pk, PatientTodo(item.episode, [])).items.append(item)
    return list(groups.values())


def _log_reads(user: User, items: list[TodoItem], request) -> None:
    episodes = {item.episode.pk: item.episode for item in items}
    if not episodes:
        return
    unit_ids = care_unit_ids(user)
    granting = dict(
        Party.objects.filter(episode_id__in=episodes, unit_id__in=unit_ids).values_list(
            "episode_id", "unit_id"
        )
    )
    log_access_many(
        user,
        "process.todo",
        [(episode, granting.get(pk)) for pk, episode in episodes.items()],
        request=request,
    )


# -- the episode page's swimlanes ---------------------------------------------------------------


_BADGE_CLASSES: dict[str, str] = {
    ActivityState.OVERDUE: "badge-overdue",
    ActivityState.DUE: "badge-due",
    ActivityState.UPCOMING: "badge-upcoming",
    ActivityState.DONE_ON_TIME: "badge-done",
    ActivityState.DONE_LATE: "badge-overdue",
    ActivityState.NOT_APPLICABLE: "",
}


@dataclass
class SwimlaneItem:
    episode_activity: EpisodeActivity
    activity: ActivityDefinition
    state: str
    state_label: str | Promise
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    may_check_off: bool
    check_off_url: str
    anchor: str  # the element id on the episode page
    # What the page writes, formatted once by `swimlanes` (issue 17): the moments as ISO text
    # for `<time datetime>` and in Swedish; the individual's or representative's mark; the
    # line shown when neither done nor due (the reason it does not apply, or the timing rule).
    due_iso: str = ""
    due_text: str = ""
    completed_iso: str = ""
    completed_text: str = ""
    citizen_mark: str = ""
    note: str = ""

    @property
    def badge_class(self) -> str:
        return _BADGE_CLASSES[self.state]

    @property
    def is_done(self) -> bool:
        return self.state in (ActivityState.DONE_ON_TIME, ActivityState.DONE_LATE)


@dataclass
class Swimlane:
    key: str
    label: str | Promise
    items: list[SwimlaneItem] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for i in self.items if i.state in ("overdue", "due", "upcoming"))


def check_off_allowed(
    user: User, activity: EpisodeActivity, party_unit_ids: set[int], memberships=None
) -> bool:
    """Whether `user` may check `activity` off: a manual activity, open and applicable, and
    the user works in a performing lane and role at a unit that is an active party."""
    definition = activity.definition
    if not definition.is_manual or activity.status not in UNDONE_STATUSES:
        return False
    memberships = memberships if memberships is not None else list(user.active_memberships())
    return any(
        m.unit_id in party_unit_ids
        and m.unit.lane in definition.performer_lanes
        and m.role in definition.performer_roles
        for m in memberships
    )


def swimlanes(
    episode: Episode,
    user: User,
    *,
    now: dt.datetime | None = None,
    party_unit_ids: set[int] | None = None,
) -> list[Swimlane]:
    """The four lanes and the individual, each with its activities and their state.
    `party_unit_ids`: the units that are active parties of the episode, when the caller has
    read them (the episode page, issue 17)."""
    now = now or timezone.now()
    definitions = all_definitions()
    activities = list(EpisodeActivity.objects.filter(episode=episode))
    for activity in activities:
        activity.definition = definitions[activity.definition_id]
    activities.sort(key=lambda activity: (activity.definition.order, activity.pk))
    if party_unit_ids is None:
        party_unit_ids = set(
            Party.objects.filter(episode=episode, removed_at__isnull=True).values_list(
                "unit_id", flat=True
            )
        )
    memberships = list(user.active_memberships())
    lanes = {lane.value: Swimlane(lane.value, lane.label) for lane in Lane}
    moments = Moments()
    check_off_url = url_by_public_id("process:check_off")
    for activity in activities:
        state = activity.state(now)
        definition = activity.definition
        item = SwimlaneItem(
            episode_activity=activity,
            activity=definition,
            state=state.value,
            state_label=state.label,
            due_at=activity.due_at,
            completed_at=activity.completed_at,
            may_check_off=check_off_allowed(user, activity, party_unit_ids, memberships),
            check_off_url=check_off_url(activity.public_id),
            anchor=f"activity-{definition.key}",
        )
        if activity.due_at:
            item.due_iso, item.due_text = moments(activity.due_at)
        if item.is_done:
            if activity.completed_at:
                item.completed_iso, item.completed_text = moments(activity.completed_at)
            item.citizen_mark = activity.citizen_completion
        elif state == ActivityState.NOT_APPLICABLE:
            item.note = activity.not_applicable_reason
        elif not activity.due_at:
            item.note = capfirst(definition.timing_text)
        lanes[definition.lane].items.append(item)
    return list(lanes.values())
