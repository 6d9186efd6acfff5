"""What every episode action shares: its opening (`begin`), the checks of times and texts, and
sending messages to the parties' inboxes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from core import submissions
from core.errors import ActionError
from episodes.access import acting_membership
from episodes.models import Episode, Message, MessageKind, Party, PartyRole
from episodes.rules import Step, check_step
from organisations.models import Lane, Membership, Unit, User

MAX_TEXT = 4000
# An event may be recorded afterwards, but not from the future and not from long ago.
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_BACKDATING = dt.timedelta(days=60)
MAX_STAY_DAYS = 366
MUNICIPAL_LANES = (Lane.MUNICIPAL_HEALTH_CARE, Lane.SOCIAL_SERVICES)


def begin(
    user: User,
    episode: Episode,
    step: Step,
    *,
    submission_key: str | None,
    acting_unit: Unit | None,
) -> tuple[Episode, Membership]:
    """The opening of an action on an episode: claim the one-time submission key, re-read
    the episode under a row lock, check that the step's rule allows it in the episode's state
    (`episodes.rules`), and find the membership the user acts through."""
    submissions.claim(submission_key, user)
    episode = lock(episode)
    check_step(step, episode)
    membership = acting_membership(user, episode, step, unit=acting_unit)
    return episode, membership


def lock(episode: Episode) -> Episode:
    """Re-read the episode under a row lock so concurrent actions apply one after the other."""
    return Episode.objects.select_for_update().select_related("individual").get(pk=episode.pk)


def check_moment(
    value: dt.datetime | None,
    *,
    field_name: str,
    not_before: dt.datetime | None = None,
    not_before_message: str = "",
) -> dt.datetime:
    """A time a user gave for a step (now when None): not in the future, not too long ago,
    and not before `not_before`."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + MAX_CLOCK_SKEW:
        raise ActionError("Tidpunkten ligger i framtiden.", code="future_time", field=field_name)
    if value < now - MAX_BACKDATING:
        raise ActionError(
            "Tidpunkten ligger för långt tillbaka (mer än 60 dagar).",
            code="too_old",
            field=field_name,
        )
    if not_before is not None and value < not_before:
        raise ActionError(not_before_message, code="before_previous_step", field=field_name)
    return value


def check_text(
    value: str, *, field_name: str, required: bool = False, limit: int = MAX_TEXT
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError("Fältet måste fyllas i.", code="required", field=field_name)
    if len(value) > limit:
        raise ActionError(
            f"Texten är för lång ({len(value)} tecken, högst {limit}).",
            code="too_long",
            field=field_name,
        )
    return value


def concerned_units(episode: Episode, *, exclude_unit_id: int | None = None) -> list[Unit]:
    parties = Party.objects.filter(episode=episode, removed_at__isnull=True).select_related("unit")
    return [
        p.unit for p in parties if p.unit_id != exclude_unit_id and p.role == PartyRole.CONCERNED
    ]


def other_parties(episode: Episode, unit_id: int) -> list[Unit]:
    parties = Party.objects.filter(episode=episode, removed_at__isnull=True).select_related("unit")
    return [p.unit for p in parties if p.unit_id != unit_id]


def send(
    episode: Episode,
    kind: MessageKind,
    membership: Membership,
    recipients: Iterable[Unit],
    *,
    sent_at: dt.datetime,
    body: str = "",
    **data,
) -> list[Message]:
    """One message of `kind` to the inbox of each recipient unit, in one INSERT (issue 17:
    an admission notice to three units was three)."""
    messages = [
        Message(
            episode=episode,
            kind=kind,
            sender_unit=membership.unit,
            sender=membership.user,
            recipient_unit=unit,
            sent_at=sent_at,
            body=body,
            data=data,
        )
        for unit in recipients
    ]
    if len(messages) == 1:
        messages[0].save()
    elif messages:
        Message.objects.bulk_create(messages)
    return messages
