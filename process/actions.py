"""Changes a person makes to an episode's activities: checking one off.

Activities completed by a step in Samsyn (sending the admission notice, …) are completed by the
engine from the episode's events, never here.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import submissions
from core.errors import ActionError
from episodes.models import Party
from organisations.models import User
from process.models import (
    ActivityLog,
    ActivityStatus,
    DeviationCandidate,
    EpisodeActivity,
    LogKind,
)

MAX_NOTE = 1000


@transaction.atomic
def do_check_off(
    user: User, activity: EpisodeActivity, note: str = "", *, submission_key: str | None = None
) -> EpisodeActivity:
    """Mark a manual activity done, by a person whose unit and role perform it."""
    submissions.claim(submission_key, user)
    activity = (
        EpisodeActivity.objects.select_for_update()
        .select_related("definition", "episode")
        .get(pk=activity.pk)
    )
    definition = activity.definition
    if not definition.is_manual:
        raise ActionError(
            "Aktiviteten blir klar när steget görs i Samsyn, inte genom avbockning.",
            code="not_manual",
        )
    if activity.status == ActivityStatus.DONE:
        raise ActionError("Aktiviteten är redan avbockad.", code="already_done")
    if activity.status == ActivityStatus.NOT_APPLICABLE:
        raise ActionError(
            "Aktiviteten är inte aktuell för det här vårdtillfället.", code="not_applicable"
        )
    party_unit_ids = set(
        Party.objects.filter(episode=activity.episode, removed_at__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    memberships = [m for m in user.active_memberships() if m.unit_id in party_unit_ids]
    if not memberships:
        raise ActionError(
            "Du arbetar inte på någon enhet som deltar i det här vårdtillfället.",
            code="not_a_party",
        )
    membership = next(
        (
            m
            for m in memberships
            if m.unit.lane in definition.performer_lanes and m.role in definition.performer_roles
        ),
        None,
    )
    if membership is None:
        raise ActionError("Din enhet eller roll utför inte den här aktiviteten.", code="forbidden")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ActionError(
            f"Texten är för lång ({len(note)} tecken, högst {MAX_NOTE}).",
            code="too_long",
            field="note",
        )
    now = timezone.now()
    activity.status = ActivityStatus.DONE
    activity.completed_at = now
    activity.completed_by = user
    activity.completed_unit = membership.unit
    activity.note = note
    activity.updated_at = now
    activity.save(
        update_fields=[
            "status",
            "completed_at",
            "completed_by",
            "completed_unit",
            "note",
            "updated_at",
        ]
    )
    late = bool(activity.due_at and now > activity.due_at)
    ActivityLog.objects.create(
        episode=activity.episode,
        activity=activity,
        kind=LogKind.CHECKED_OFF,
        at=now,
        actor=user,
        data={"unit": str(membership.unit.public_id), "late": late, "note": note},
    )
    if activity.missed_at is not None and activity.due_at is not None:
        DeviationCandidate.objects.filter(
            activity=activity, due_at=activity.due_at, completed_at__isnull=True
        ).update(completed_at=now)
    return activity
