"""Training coverage: the share of staff who completed every module their lane (and role)
requires — the one definition, read by the pages, the API and governance's live metrics.

- Staff on a day: memberships in force that day at active units, of active users, in any role
  but the register's (administrator, system user). A person is counted once in a group
  (principal, unit, area, lane, role); they are covered there when every membership of theirs
  in the group has all its required modules completed on or before the day.
- Required modules of a membership: every `Requirement` whose lane is blank or the unit's lane
  and whose role is blank or the membership's role. Staff with nothing required are not
  counted at all.
- Missed deadlines (the priority list) are the process engine's deviation candidates of a unit
  whose due time fell in the last `MISSED_DAYS` days and that were not withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils import timezone

from competence.models import Completion, Course, Module, Requirement
from core.timerules import start_of_local_day
from organisations.models import Area, Lane, Membership, Principal, Role, Unit, User
from process.models import DeviationCandidate

NOT_STAFF = (Role.ADMINISTRATOR, Role.INTEGRATION)
MISSED_DAYS = 90
GROUPINGS = ("principal", "unit", "area", "lane", "role")


@dataclass(frozen=True)
class CoverageFilters:
    principal: Principal | None = None
    unit: Unit | None = None
    area: Area | None = None
    lane: str | None = None
    role: str | None = None

    def membership_q(self) -> Q:
        q = Q()
        if self.principal:
            q &= Q(unit__principal=self.principal)
        if self.unit:
            q &= Q(unit=self.unit)
        if self.area:
            q &= Q(unit__area=self.area)
        if self.lane:
            q &= Q(unit__lane=self.lane)
        if self.role:
            q &= Q(role=self.role)
        return q


@dataclass(frozen=True)
class Figure:
    staff: int
    covered: int

    @property
    def share(self) -> float | None:
        """Covered staff as a share (0–1) of staff with a requirement; None without staff."""
        return self.covered / self.staff if self.staff else None

    @property
    def percent(self) -> int | None:
        share = self.share
        # half up (12.5 → 13), not Python's half to even
        return None if share is None else int(share * 100 + 0.5)


class _Post(NamedTuple):
    """One membership of a person counted as staff."""

    user_id: int
    unit_id: int
    unit_name: str
    principal_id: int
    principal_name: str
    area_id: int | None
    area_name: str
    lane: str
    role: str
    covered: bool


def _required() -> Callable[[str, str], frozenset[int]]:
    rows = list(Requirement.objects.values_list("module_id", "lane", "role"))
    cache: dict[tuple[str, str], frozenset[int]] = {}

    def required(lane: str, role: str) -> frozenset[int]:
        if (lane, role) not in cache:
            cache[(lane, role)] = frozenset(
                m for m, r_lane, r_role in rows if r_lane in ("", lane) and r_role in ("", role)
            )
        return cache[(lane, role)]

    return required


def _done(user_ids: Iterable[int], day: dt.date) -> dict[int, set[int]]:
    done: dict[int, set[int]] = defaultdict(set)
    for user_id, module_id in Completion.objects.filter(
        user_id__in=list(user_ids), completed_on__lte=day
    ).values_list("user_id", "module_id"):
        done[user_id].add(module_id)
    return done


def _posts_on(filters: CoverageFilters, days: list[dt.date]) -> dict[dt.date, list[_Post]]:
    """The staff posts on each of `days`, from one query of memberships and one of
    completions (the time series asks for twelve days at once)."""
    first, last = min(days), max(days)
    memberships = list(
        Membership.objects.filter(filters.membership_q())
        .filter(valid_from__lte=last, unit__is_active=True, user__is_active=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .exclude(role__in=NOT_STAFF)
        .values_list(
            "user_id",
            "unit_id",
            "unit__name",
            "unit__principal_id",
            "unit__principal__name",
            "unit__area_id",
            "unit__area__name",
            "unit__lane",
            "role",
            "valid_from",
            "valid_to",
        )
    )
    required = _required()
    completed: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for user_id, module_id, completed_on in Completion.objects.filter(
        user_id__in={m[0] for m in memberships}, completed_on__lte=last
    ).values_list("user_id", "module_id", "completed_on"):
        completed[user_id].append((module_id, completed_on))
    result: dict[dt.date, list[_Post]] = {}
    for day in days:
        posts = []
        for (
            user_id, unit_id, unit, principal_id, principal, area_id, area, lane, role,
            valid_from, valid_to,
        ) in memberships:  # fmt: skip
            if valid_from > day or (valid_to is not None and valid_to < day):
                continue
            needed = required(lane, role)
            if not needed:
                continue
            done = {module for module, on in completed[user_id] if on <= day}
            posts.append(
                _Post(
                    user_id,
                    unit_id,
                    unit,
                    principal_id,
                    principal,
                    area_id,
                    area or "",
                    lane,
                    role,
                    needed <= done,
                )
            )
        result[day] = posts
    return result


def _posts(filters: CoverageFilters, day: dt.date) -> list[_Post]:
    return _posts_on(filters, [day])[day]


def _figure(posts: Iterable[_Post]) -> Figure:
    people: dict[int, bool] = {}
    for post in posts:
        people[post.user_id] = people.get(post.user_id, True) and post.covered
    return Figure(staff=len(people), covered=sum(people.values()))


def coverage(filters: CoverageFilters | None = None, day: dt.date | None = None) -> Figure:
    """Staff (with a requirement) and those covered, on `day` (today), within `filters`."""
    return _figure(_posts(filters or CoverageFilters(), day or timezone.localdate()))


class Group(NamedTuple):
    key: object
    label: str
    figure: Figure


def _group_key(post: _Post, by: str) -> tuple[object, str]:
    if by == "principal":
        return post.principal_id, post.principal_name
    if by == "unit":
        return post.unit_id, post.unit_name
    if by == "area":
        return post.area_id, post.area_name or "–"
    if by == "lane":
        return post.lane, str(Lane(post.lane).label)
    return post.role, str(Role(post.role).label)


def breakdown(
    by: str, filters: CoverageFilters | None = None, day: dt.date | None = None
) -> list[Group]:
    """Coverage per principal, unit, area, lane or role (`by`), in the order of the labels."""
    if by not in GROUPINGS:
        raise ValueError(by)
    grouped: dict[object, list[_Post]] = defaultdict(list)
    labels: dict[object, str] = {}
    for post in _posts(filters or CoverageFilters(), day or timezone.localdate()):
        key, label = _group_key(post, by)
        grouped[key].append(post)
        labels[key] = label
    return sorted(
        (Group(key, labels[key], _figure(posts)) for key, posts in grouped.items()),
        key=lambda g: g.label,
    )


def month_ends(day: dt.date, months: int = 12) -> list[dt.date]:
    """The last day of each of the `months` months up to `day`'s, the last being `day`."""
    ends = [day]
    current = day.replace(day=1) - dt.timedelta(days=1)
    while len(ends) < months:
        ends.append(current)
        current = current.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(ends))


def over_time(
    filters: CoverageFilters | None = None, day: dt.date | None = None, months: int = 12
) -> list[tuple[dt.date, Figure]]:
    """Coverage at each month's end for the last `months` months (the current one to `day`)."""
    ends = month_ends(day or timezone.localdate(), months)
    posts = _posts_on(filters or CoverageFilters(), ends)
    return [(end, _figure(posts[end])) for end in ends]


class CourseCount(NamedTuple):
    principal: str
    course: str
    participants: int
    certificates: int


def participants(day: dt.date | None = None) -> list[CourseCount]:
    """Per principal and course: staff who completed any module of the course by `day`, and
    those who completed all of it that applies to their lane (a course certificate)."""
    day = day or timezone.localdate()
    posts = [
        (user_id, principal, lane)
        for user_id, principal, lane in Membership.objects.filter(
            valid_from__lte=day, unit__is_active=True
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .exclude(role__in=NOT_STAFF)
        .values_list("user_id", "unit__principal__name", "unit__lane")
    ]
    done = _done({p[0] for p in posts}, day)
    rows = []
    for course in Course.objects.prefetch_related("modules"):
        ids = {m.id for m in course.modules.all()}
        counts: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
        for user_id, principal, lane in posts:
            taken = done[user_id] & ids
            if not taken:
                continue
            counts[principal][0].add(user_id)
            if {m.id for m in course.modules_for_lane(lane)} <= done[user_id]:
                counts[principal][1].add(user_id)
        for principal, (people, certified) in sorted(counts.items()):
            rows.append(CourseCount(principal, course.name, len(people), len(certified)))
    return rows


class Priority(NamedTuple):
    unit: Unit
    figure: Figure
    missed: int
    score: float


def missed_per_unit(unit_ids: Iterable[int], day: dt.date) -> dict[int, int]:
    """Deviation candidates (missed legal or agreed deadlines) per unit due in the last
    `MISSED_DAYS` days up to the end of `day`, withdrawn ones left out."""
    end = start_of_local_day(day + dt.timedelta(days=1))
    start = start_of_local_day(day - dt.timedelta(days=MISSED_DAYS - 1))
    return dict(
        DeviationCandidate.objects.filter(
            unit_id__in=list(unit_ids), withdrawn_at__isnull=True, due_at__gte=start, due_at__lt=end
        )
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )


def priority(
    filters: CoverageFilters | None = None, day: dt.date | None = None, limit: int = 15
) -> list[Priority]:
    """Units to train first: score = missed deadlines × the share of staff not covered;
    highest first, then lowest coverage. Units without missed deadlines or uncovered staff
    score 0 and come last."""
    day = day or timezone.localdate()
    figures = {int(g.key): g.figure for g in breakdown("unit", filters, day)}  # type: ignore[call-overload]
    missed = missed_per_unit(figures, day)
    units = Unit.objects.in_bulk(list(figures))
    rows = [
        Priority(
            units[unit_id],
            figure,
            missed.get(unit_id, 0),
            missed.get(unit_id, 0) * (1 - (figure.share or 0)),
        )
        for unit_id, figure in figures.items()
    ]
    rows.sort(key=lambda r: (-r.score, r.figure.share or 0, r.unit.name))
    return rows[:limit]


class ModuleStatus(NamedTuple):
    module: Module
    completed_on: dt.date | None


def status_for(user: User, day: dt.date | None = None) -> list[ModuleStatus]:
    """The modules `user`'s lanes and roles require, each with its (latest) completion day."""
    day = day or timezone.localdate()
    required = _required()
    needed: set[int] = set()
    for membership in user.active_memberships(day).exclude(role__in=NOT_STAFF):
        needed |= required(membership.unit.lane, membership.role)
    if not needed:
        return []
    done: dict[int, dt.date] = {}
    for module_id, completed_on in Completion.objects.filter(
        user=user, module_id__in=needed, completed_on__lte=day
    ).values_list("module_id", "completed_on"):
        done[module_id] = max(completed_on, done.get(module_id, completed_on))
    return [
        ModuleStatus(m, done.get(m.id))
        for m in Module.objects.filter(id__in=needed).select_related("course")
    ]
