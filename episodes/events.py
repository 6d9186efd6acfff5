"""The event vocabulary of an episode: one typed kind per step (see `EventKind`).

`record` is the only writer of `Event` rows. Other apps (the process engine) subscribe to be
told of each new event inside the same transaction, so that what they derive never drifts
from what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from episodes.models import Episode, Event, EventKind, Message

_subscribers: list[Callable[[Event], None]] = []


def subscribe(listener: Callable[[Event], None]) -> None:
    """Call `listener(event)` after every event is written, in the writer's transaction."""
    if listener not in _subscribers:
        _subscribers.append(listener)


def record(
    episode: Episode,
    kind: EventKind,
    *,
    occurred_at: dt.datetime,
    actor=None,
    actor_unit=None,
    unit=None,
    message: Message | None = None,
    **data,
) -> Event:
    event = Event.objects.create(
        episode=episode,
        kind=kind,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        actor=actor,
        actor_unit=actor_unit,
        unit=unit,
        message=message,
        data=data,
    )
    for listener in _subscribers:
        listener(event)
    return event
