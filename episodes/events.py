"""The event vocabulary of an episode: one typed kind per step (see `EventKind`).

`record` is the only writer of `Event` rows. Other apps (the process engine) subscribe to be
told of each new event inside the same transaction, so that what they derive never drifts
from what happened.

An action (`@action`, used on the `do_*` functions of `episodes.actions`) is one transaction
that may record several events. Subscribers are still told of each event at once, in order,
with the episode as it is at that moment; but they may keep what they derive in memory for
the rest of the action (`action_state`) and write it once, just before the action's
transaction commits (`on_action_end`). Outside an action `on_action_end` runs the callback at
once, so a bare `record` behaves exactly as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from episodes.models import Episode, Event, EventKind, Message

_subscribers: list[Callable[[Event], None]] = []


def subscribe(listener: Callable[[Event], None]) -> None:
    """Call `listener(event)` after every event is written, in the writer's transaction."""
    if listener not in _subscribers:
        _subscribers.append(listener)


class _Action:
    """What subscribers keep during one action, and what they write at its end."""

    def __init__(self) -> None:
        self.state: dict = {}
        self.finishers: dict = {}

    def finish(self) -> None:
        # A finisher may register another (rare); run until none is left, in order.
        while self.finishers:
            key = next(iter(self.finishers))
            self.finishers.pop(key)()


_local = threading.local()


def _current() -> _Action | None:
    stack = getattr(_local, "actions", None)
    return stack[-1] if stack else None


def action_state() -> dict | None:
    """A dict that lives for the current action (None outside one), for subscribers' caches."""
    current = _current()
    return current.state if current is not None else None


def on_action_end(key, callback: Callable[[], None]) -> None:
    """Run `callback` once just before the current action's transaction commits (once per
    `key`: a later registration under the same key is ignored); outside an action, now."""
    current = _current()
    if current is None:
        callback()
    elif key not in current.finishers:
        current.finishers[key] = callback


def action(func):
    """`transaction.atomic` for one action: subscribers' deferred writes (`on_action_end`)
    run once at its end, inside the transaction. Nested actions belong to the outermost."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        stack = getattr(_local, "actions", None)
        if stack is None:
            stack = _local.actions = []
        if stack:
            with transaction.atomic():
                return func(*args, **kwargs)
        current = _Action()
        stack.append(current)
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
                current.finish()
                return result
        finally:
            stack.pop()

    return wrapper


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
