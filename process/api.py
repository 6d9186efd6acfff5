"""Process API: the activities of an episode (for a user with access), the user's to-do list
and the catalogue of the current work description."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import Http404
from ninja import Router, Schema

from episodes.access import get_episode_for_user
from organisations.models import Lane
from process.models import DefinitionVersion, Phase
from process.worklist import swimlanes, todo_for_user

router = Router(tags=["process"])


class ActivityOut(Schema):
    key: str
    title: str
    lane: str
    phase: str
    state: str
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    deadline_kind: str
    may_check_off: bool


class TodoOut(Schema):
    episode: UUID
    key: str
    title: str
    why: str
    state: str
    due_at: dt.datetime | None
    lane: str
    url: str


class CatalogueActivityOut(Schema):
    key: str
    title: str
    description: str
    lane: str
    phase: str
    performer_roles: list[str]
    performer_lanes: list[str]
    goal: str
    purpose: str
    timing: dict
    timing_label: str
    deadline_kind: str
    conditions: list[str]
    completion: dict
    effect_goals: list[str]
    references: list[dict]


class CatalogueOut(Schema):
    version: int
    name: str
    valid_from: dt.date
    activities: list[CatalogueActivityOut]


@router.get("/episodes/{public_id}/activities", response=list[ActivityOut])
def episode_activities(request, public_id: UUID):
    """The episode's activities with their state, for a user who may see the episode."""
    episode = get_episode_for_user(
        request.user, public_id, action="api.process.activities", request=request
    )
    return [
        ActivityOut(
            key=item.activity.key,
            title=item.activity.title,
            lane=lane.key,
            phase=item.activity.phase,
            state=item.state,
            due_at=item.due_at,
            completed_at=item.completed_at,
            deadline_kind=item.activity.deadline_kind,
            may_check_off=item.may_check_off,
        )
        for lane in swimlanes(episode, request.user)
        for item in lane.items
    ]


@router.get("/todo", response=list[TodoOut])
def todo(request, limit: int = 50):
    """What the authenticated user should do now, soonest first."""
    items = todo_for_user(request.user, limit=max(1, min(limit, 200)), request=request)
    return [
        TodoOut(
            episode=i.episode.public_id,
            key=i.activity.key,
            title=i.activity.title,
            why=i.why,
            state=i.state,
            due_at=i.due_at,
            lane=i.lane,
            url=i.url,
        )
        for i in items
    ]


@router.get("/catalogue", response=CatalogueOut)
def catalogue(request, lane: str = "", phase: str = "", role: str = ""):
    """The current work description (no patient data), optionally filtered."""
    version = DefinitionVersion.current()
    if version is None:
        raise Http404("Ingen arbetsbeskrivning är inläst.")
    activities = list(version.activities.all())
    if lane in Lane.values:
        activities = [a for a in activities if a.lane == lane]
    if phase in Phase.values:
        activities = [a for a in activities if a.phase == phase]
    if role:
        activities = [a for a in activities if role in a.performer_roles]
    return CatalogueOut(
        version=version.number,
        name=version.name,
        valid_from=version.valid_from,
        activities=[
            CatalogueActivityOut(
                key=a.key,
                title=a.title,
                description=a.description,
                lane=a.lane,
                phase=a.phase,
                performer_roles=a.performer_roles,
                performer_lanes=a.performer_lanes,
                goal=a.goal,
                purpose=a.purpose,
                timing=a.timing,
                timing_label=a.timing_text,
                deadline_kind=a.deadline_kind,
                conditions=a.conditions,
                completion=a.completion,
                effect_goals=a.effect_goals,
                references=a.references,
            )
            for a in activities
        ],
    )
