"""Changes a person makes to an episode's activities: checking one off.

Activities completed by a step in Samsyn (sending the admission notice, …) are completed by the
engine from the episode's events, never here.

- `do_check_off`: staff check off a manual activity their unit and role perform.
- `do_citizen_check_off`: the individual (or a representative) marks an activity of the
  individual's lane done in Min planering, when the definition lets them (`individual_marks`).
- `complete_by_citizen_action`: the individual's own action in Min planering (writing what
  matters, asking for a SIP) completes the activities the definition names for it
  (`individual_action`), in the caller's transaction.
Whom the citizen may act for is the portal's rule (`portal.access`); these take its word for
it and check that the activity is that individual's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import submissions
from core.errors import ActionError
from episodes.models import Episode, EpisodeState, Party
from individuals.models import Individual
from organisations.models import Lane, User
from process.models import (
    OPEN_STATUSES,
    ActivityLog,
    ActivityStatus,
    CitizenRole,
    DeviationCandidate,
    EpisodeActivity,
    LogKind,
    Phase,
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
    activity.citizen_name = activity.citizen_role = activity.citizen_relation = ""
    activity.updated_at = now
    activity.save(
        update_fields=[
            "status",
            "completed_at",
            "completed_by",
            "completed_unit",
            "note",
            "citizen_name",
            "citizen_role",
            "citizen_relation",
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


# -- the individual, in Min planering ----------------------------------------------------------


@dataclass(frozen=True)
class CitizenActor:
    """Who acts in Min planering: a logged-in citizen (no staff user), as the individual or as
    a representative (`relation`: the representation's, e.g. "dotter")."""

    name: str
    identifier: str = ""
    as_representative: bool = False
    relation: str = ""

    @property
    def role(self) -> CitizenRole:
        return CitizenRole.REPRESENTATIVE if self.as_representative else CitizenRole.INDIVIDUAL


def _refusal(activity: EpisodeActivity) -> ActionError | None:
    """Why the individual cannot complete `activity` now (None: they can)."""
    episode: Episode = activity.episode
    definition = activity.definition
    if definition.lane != Lane.INDIVIDUAL:
        return ActionError(
            "Det här är inte din del av planeringen. Personalen markerar den.", code="other_lane"
        )
    if activity.status == ActivityStatus.DONE:
        return ActionError("Det här är redan markerat som klart.", code="already_done")
    ended = episode.state == EpisodeState.EXITED or (
        episode.ended_at is not None and definition.phase != Phase.AFTER_DISCHARGE
    )
    if ended or activity.status == ActivityStatus.MISSED:
        return ActionError(
            "Tiden på sjukhuset är avslutad, så det här kan inte längre markeras.", code="ended"
        )
    if activity.status not in OPEN_STATUSES:
        return ActionError("Det här gäller inte din planering nu.", code="not_applicable")
    return None


def _complete(actor: CitizenActor, activity: EpisodeActivity, *, via: str = "") -> EpisodeActivity:
    now = timezone.now()
    activity.status = ActivityStatus.DONE
    activity.completed_at = now
    activity.completed_by = None
    activity.completed_unit = None
    activity.citizen_name = actor.name[:200]
    activity.citizen_role = actor.role
    activity.citizen_relation = actor.relation[:100] if actor.as_representative else ""
    activity.updated_at = now
    activity.save(
        update_fields=[
            "status",
            "completed_at",
            "completed_by",
            "completed_unit",
            "citizen_name",
            "citizen_role",
            "citizen_relation",
            "updated_at",
        ]
    )
    ActivityLog.objects.create(
        episode=activity.episode,
        activity=activity,
        kind=LogKind.MARKED_BY_CITIZEN,
        at=now,
        actor=None,
        data={
            "name": activity.citizen_name,
            "identifier": actor.identifier,
            "role": str(actor.role),
            "relation": activity.citizen_relation,
            "late": bool(activity.due_at and now > activity.due_at),
            "via": via,  # "" for the Klart button, else the action (own_words, ask_sip)
        },
    )
    if activity.missed_at is not None and activity.due_at is not None:
        DeviationCandidate.objects.filter(
            activity=activity, due_at=activity.due_at, completed_at__isnull=True
        ).update(completed_at=now)
    return activity


def citizen_may_mark(activity: EpisodeActivity) -> bool:
    """Whether Min planering offers "Klart" for `activity` (its `definition` and `episode`
    loaded): the definition lets the individual mark it, and nothing refuses it now."""
    return activity.definition.individual_marks and _refusal(activity) is None


@transaction.atomic
def do_citizen_check_off(
    actor: CitizenActor, activity_id, individual: Individual
) -> EpisodeActivity:
    """The individual (or a representative the portal has checked) marks an activity of the
    individual's lane done: `activity_id` is its public id, on one of `individual`'s stays."""
    try:
        activity = (
            EpisodeActivity.objects.select_for_update(of=("self",))
            .select_related("definition", "episode")
            .get(public_id=activity_id, episode__individual=individual)
        )
    except (EpisodeActivity.DoesNotExist, ValueError, TypeError):
        raise ActionError("Aktiviteten finns inte.", code="not_found") from None
    refusal = _refusal(activity)
    if refusal is None and not activity.definition.individual_marks:
        refusal = ActionError(
            "Det här markerar personalen när det är gjort, inte du.", code="staff_only"
        )
    if refusal is not None:
        raise refusal
    return _complete(actor, activity)


@transaction.atomic
def complete_by_citizen_action(
    actor: CitizenActor, individual: Individual, action: str
) -> list[EpisodeActivity]:
    """The individual's `action` in Min planering ("own_words", "ask_sip") completes the open
    activities of their stays whose definition names that action; the others are left as
    they are (done already, not applicable, a stay ended). Call it inside the action's own
    transaction, so both are written or neither."""
    activities = (
        EpisodeActivity.objects.select_for_update(of=("self",))
        .filter(
            episode__individual=individual,
            definition__lane=Lane.INDIVIDUAL,
            definition__individual_action=action,
            status__in=OPEN_STATUSES,
        )
        .select_related("definition", "episode")
        .order_by("id")
    )
    return [_complete(actor, a, via=action) for a in activities if _refusal(a) is None]
