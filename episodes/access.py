"""Need-to-know: the only way to reach patient data, and the access log it writes.

A user reaches an episode (and its individual) only while one of the user's units, in a
care role, is a party to it; a unit keeps read access for a while after its part ended
(`SAMSYN_ACCESS_AFTER_REMOVAL_DAYS`) or after the episode ended
(`SAMSYN_ACCESS_AFTER_END_DAYS`). Protected identities get no access after removal. Every
read, granted or refused, writes an access-log row through `audit.log`, the log's one writer.

`log_access_many` is re-exported here only until `episodes.api` imports it from `audit.log`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_access
from audit.log import log_access_many as log_access_many  # noqa: F401 (see the docstring)
from core.errors import ActionError
from episodes.models import Episode, Message, Party
from episodes.rules import Step, may
from individuals.models import Individual
from organisations.models import CARE_ROLES, Membership, User


def care_unit_ids(user: User) -> set[int]:
    """The units where `user` has a care role today: the units whose episodes they may see."""
    return {m.unit_id for m in user.active_memberships() if m.role in CARE_ROLES}


def visible_parties(unit_ids, now: dt.datetime | None = None) -> QuerySet[Party]:
    """The party rows through which `unit_ids` see an episode at `now`: those whose access
    has not ended (`Party.visible_until`, the rules in `episodes.models.visibility_end`).

    Read from two partial indexes on (unit, …), so the cost follows the unit's visible
    parties, not its years of history."""
    now = now or timezone.now()
    return Party.objects.filter(unit_id__in=unit_ids).filter(
        Q(visible_until__isnull=True) | Q(visible_until__gte=now)
    )


def visible_episodes(user: User) -> QuerySet[Episode]:
    """Every episode `user` may read now."""
    unit_ids = care_unit_ids(user)
    return Episode.objects.filter(id__in=visible_parties(unit_ids).values("episode_id"))


def inbox_messages(unit_ids, *, waiting: bool = False) -> QuerySet[Message]:
    """Messages to one of `unit_ids` about an episode that the recipient unit may still see;
    `waiting`: only those still waiting for a kvittens (not acknowledged, not sent on).

    The `episode_id IN` (episodes any of the units may see) lets the database start from the
    few visible episodes, not from every message the units ever received; with several units
    the per-unit test after it makes it exact.
    """
    unit_ids = list(unit_ids)
    visible = visible_parties(unit_ids)
    messages = Message.objects.filter(
        recipient_unit_id__in=unit_ids, episode_id__in=visible.values("episode_id")
    )
    if waiting:
        messages = messages.filter(acknowledged_at__isnull=True, forwarded_to__isnull=True)
    if len(unit_ids) == 1:  # one unit: the IN above is already exact
        return messages
    return messages.filter(
        Exists(
            visible.filter(episode_id=OuterRef("episode_id"), unit_id=OuterRef("recipient_unit_id"))
        )
    )


def get_message_for_user(
    user: User, public_id, *, action: str = "message.view", request=None
) -> Message | None:
    """A message to or from one of the user's care units about an episode they may see, or
    None; logged either way."""
    units = care_unit_ids(user)
    message = (
        Message.objects.select_related(
            "episode__individual",
            "sender_unit",
            "recipient_unit",
            "sender",
            "acknowledged_by",
            "read_by",
            "forwarded_to__recipient_unit",
        )
        .filter(public_id=public_id)
        .first()
    )
    granted = (
        message is not None
        and bool({message.sender_unit_id, message.recipient_unit_id} & units)
        and visible_parties(units).filter(episode_id=message.episode_id).exists()
    )
    unit_id = None
    if granted and message is not None:
        unit_id = (
            message.recipient_unit_id
            if message.recipient_unit_id in units
            else message.sender_unit_id
        )
    log_access(
        user,
        action,
        episode=message.episode if message else None,
        unit_id=unit_id,
        granted=granted,
        request=request,
        detail="" if message else f"okänt meddelande {public_id}",
    )
    return message if granted else None


def get_episode_for_user(
    user: User, public_id, *, action: str = "episode.view", request=None
) -> Episode:
    """The episode if `user` may see it, else Http404 ("not found"); both are logged.

    The row is found by its id first and the grant checked for that one episode, so the cost
    does not grow with the number of episodes the user's units may see."""
    episode = (
        Episode.objects.select_related(
            "individual",
            "ward",
            "care_contact_unit",
            "individual__listed_unit",
            "individual__municipality",
            "readmission_of",
        )
        .filter(public_id=public_id)
        .first()
    )
    granting_unit_id = (
        visible_parties(care_unit_ids(user))
        .filter(episode=episode)
        .order_by("id")
        .values_list("unit_id", flat=True)
        .first()
        if episode is not None
        else None
    )
    if episode is None or granting_unit_id is None:
        log_access(
            user,
            action,
            episode=episode,
            granted=False,
            request=request,
            detail="" if episode else f"okänt id {public_id}",
        )
        raise Http404("not found")
    log_access(user, action, episode=episode, unit_id=granting_unit_id, request=request)
    return episode


def get_individual_for_user(
    user: User, public_id, *, action: str = "individual.view", request=None
) -> Individual:
    individual = (
        Individual.objects.filter(public_id=public_id, episodes__in=visible_episodes(user))
        .select_related("municipality", "listed_unit", "residence_area")
        .distinct()
        .first()
    )
    if individual is None:
        attempted = Individual.objects.filter(public_id=public_id).first()
        log_access(user, action, individual=attempted, granted=False, request=request)
        raise Http404("not found")
    log_access(user, action, individual=individual, request=request)
    return individual


def find_individual_for_user(user: User, identifier: str, *, request=None) -> Individual | None:
    """Search by normalised identifier among the individuals `user` may see; logged either way."""
    individual = (
        Individual.objects.filter(identifier=identifier, episodes__in=visible_episodes(user))
        .distinct()
        .first()
    )
    log_access(
        user,
        "individual.search",
        individual=individual,
        granted=individual is not None,
        request=request,
        detail=f"sökning {identifier[:8]}…",
    )
    return individual


def may_admit(user: User) -> bool:
    """Whether `user` works at a unit in a role that may admit (a ward)."""
    return any(may(Step.ADMIT, m.unit.lane, m.role) for m in user.active_memberships())


def find_individual_to_admit(
    user: User, identifier: str, *, action: str = "admission.lookup", request=None
) -> Individual | None:
    """The individual with the normalised `identifier`, for a user about to admit them at a
    ward, or None when Samsyn does not know the person yet.

    Reading who a person is is the start of the ward's need-to-know: a found person is logged
    as read. A user who may admit nowhere is refused (ActionError "forbidden"), and the attempt
    is logged as refused, with the person when there is one.
    """
    individual = Individual.objects.filter(identifier=identifier).first()
    if not may_admit(user):
        log_access(
            user,
            action,
            individual=individual,
            granted=False,
            request=request,
            detail="" if individual else f"sökning {identifier[:8]}…",
        )
        raise ActionError(_("Bara vårdavdelningar registrerar inskrivningar."), code="forbidden")
    if individual is not None:
        log_access(user, action, individual=individual, request=request)
    return individual


def acting_membership(user: User, episode: Episode, step: Step, *, unit=None) -> Membership:
    """The membership through which `user` takes `step` on `episode`, or a refusal.

    The unit must be an active party (not removed) and its lane and the user's role must be
    allowed to take the step. With `unit`, only that unit is considered.
    """
    party_unit_ids = set(
        Party.objects.filter(episode=episode, removed_at__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    candidates = [m for m in user.active_memberships() if m.unit_id in party_unit_ids]
    if unit is not None:
        candidates = [m for m in candidates if m.unit_id == unit.id]
    if not candidates:
        raise ActionError(
            "Du arbetar inte på någon enhet som deltar i det här vårdtillfället.",
            code="not_a_party",
        )
    for membership in candidates:
        if may(step, membership.unit.lane, membership.role):
            return membership
    raise ActionError(
        "Din enhet eller roll kan inte utföra det här steget i vårdtillfället.", code="forbidden"
    )


def membership_for_unit(user: User, unit, step: Step) -> Membership:
    """The user's membership at `unit` allowed to take `step` there (e.g. admit at a ward)."""
    for membership in user.active_memberships():  # the rows kept for the request
        if membership.unit_id == unit.pk and may(step, unit.lane, membership.role):
            return membership
    raise ActionError(
        "Du har ingen roll på den enheten som får utföra det här steget.",
        code="forbidden",
        field="unit",
    )
