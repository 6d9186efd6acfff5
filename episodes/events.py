"""The event vocabulary of an episode: one keyword-only function per kind (see `EventKind`),
in the order of the process, so the timeline an action writes is typed and readable.

`record` is the only writer of `Event` rows; it folds each event into the episode's cached
columns (`Episode.apply`) before anyone is told of it. Other apps (the process engine)
subscribe to be told of each new event inside the same transaction, so that what they derive
never drifts from what happened.

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
from typing import ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone

from episodes.models import Episode, Event, EventKind, Message, refresh_visibility
from organisations.models import Membership, Unit

P = ParamSpec("P")
R = TypeVar("R")

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


def action(func: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for one action: subscribers' deferred writes (`on_action_end`)
    run once at its end, inside the transaction. Nested actions belong to the outermost.
    Typed with a ParamSpec, so a wrong argument to a `do_*` action is a type error."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
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
    """Write one event, fold it into `episode`'s cached columns, and tell the subscribers."""
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
    event.episode = episode
    changed = episode.apply(event)
    if changed:
        episode.save(update_fields=[*changed, "updated_at"])
        if "ended_at" in changed:  # a discharge, an exit, or a cancelled discharge
            refresh_visibility([episode.pk])
    for listener in _subscribers:
        listener(event)
    return event


# -- the vocabulary: one function per kind ------------------------------------------------------
#
# `by` is the acting membership (user and unit); None for a system (an integration, the demo).


def _by(by: Membership | None) -> dict:
    return {"actor": by.user if by else None, "actor_unit": by.unit if by else None}


def _iso(moment: dt.datetime | dt.date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def admitted(episode: Episode, *, by: Membership | None, at: dt.datetime, ward: Unit) -> Event:
    return record(episode, EventKind.ADMITTED, occurred_at=at, unit=ward, **_by(by))


def admission_corrected(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    previous: dt.datetime,
    admitted_at: dt.datetime,
    reason: str,
) -> Event:
    return record(
        episode,
        EventKind.ADMISSION_CORRECTED,
        occurred_at=at,
        previous=_iso(previous),
        admitted_at=_iso(admitted_at),
        reason=reason,
        **_by(by),
    )


def readmission_linked(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    previous_episode: Episode,
    days_since_discharge: int,
) -> Event:
    return record(
        episode,
        EventKind.READMISSION_LINKED,
        occurred_at=at,
        previous_episode=str(previous_episode.public_id),
        days_since_discharge=days_since_discharge,
        **_by(by),
    )


def readmission_unlinked(
    episode: Episode, *, by: Membership | None, at: dt.datetime, previous_episode: Episode
) -> Event:
    return record(
        episode,
        EventKind.READMISSION_UNLINKED,
        occurred_at=at,
        previous_episode=str(previous_episode.public_id),
        **_by(by),
    )


def help_need_assessed(
    episode: Episode, *, by: Membership | None, at: dt.datetime, may_need_help: bool
) -> Event:
    return record(
        episode,
        EventKind.HELP_NEED_ASSESSED,
        occurred_at=at,
        may_need_help=may_need_help,
        **_by(by),
    )


def estimated_date_set(
    episode: Episode, *, by: Membership | None, at: dt.datetime, date: dt.date
) -> Event:
    return record(episode, EventKind.ESTIMATED_DATE_SET, occurred_at=at, date=_iso(date), **_by(by))


def estimated_date_changed(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    date: dt.date,
    previous: dt.date,
) -> Event:
    return record(
        episode,
        EventKind.ESTIMATED_DATE_CHANGED,
        occurred_at=at,
        date=_iso(date),
        previous=_iso(previous),
        **_by(by),
    )


def party_added(episode: Episode, *, by: Membership | None, at: dt.datetime, unit: Unit) -> Event:
    return record(episode, EventKind.PARTY_ADDED, occurred_at=at, unit=unit, **_by(by))


def party_removed(
    episode: Episode, *, by: Membership | None, at: dt.datetime, unit: Unit, reason: str
) -> Event:
    return record(
        episode, EventKind.PARTY_REMOVED, occurred_at=at, unit=unit, reason=reason, **_by(by)
    )


def ward_transferred(
    episode: Episode, *, by: Membership | None, at: dt.datetime, previous: Unit, ward: Unit
) -> list[Event]:
    """The stay moved from the ward `previous` to `ward`: the previous ward leaves the parties
    (reason "transferred") and the new ward joins as the ward (data role "ward")."""
    return [
        record(
            episode,
            EventKind.PARTY_REMOVED,
            occurred_at=at,
            unit=previous,
            reason="transferred",
            role="ward",
            **_by(by),
        ),
        record(
            episode,
            EventKind.PARTY_ADDED,
            occurred_at=at,
            unit=ward,
            role="ward",
            previous_ward=previous.name,
            **_by(by),
        ),
    ]


def admission_notice_sent(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    units: list[Unit],
    first: bool,
) -> Event:
    return record(
        episode,
        EventKind.ADMISSION_NOTICE_SENT,
        occurred_at=at,
        units=[str(u.public_id) for u in units],
        first=first,
        **_by(by),
    )


def message_acknowledged(
    episode: Episode, *, by: Membership, at: dt.datetime, message: Message
) -> Event:
    return record(
        episode,
        EventKind.MESSAGE_ACKNOWLEDGED,
        occurred_at=at,
        unit=message.recipient_unit,
        message=message,
        message_kind=message.kind,
        **_by(by),
    )


def message_forwarded(
    episode: Episode,
    *,
    by: Membership,
    at: dt.datetime,
    message: Message,
    to_unit: Unit,
    reason: str,
) -> Event:
    return record(
        episode,
        EventKind.MESSAGE_FORWARDED,
        occurred_at=at,
        unit=to_unit,
        message=message,
        reason=reason,
        **_by(by),
    )


def planning_message_sent(
    episode: Episode,
    *,
    by: Membership,
    at: dt.datetime,
    status: str,
    remaining_needs: str,
    planned_actions: str,
) -> Event:
    return record(
        episode,
        EventKind.PLANNING_MESSAGE_SENT,
        occurred_at=at,
        status=status,
        remaining_needs=remaining_needs,
        planned_actions=planned_actions,
        **_by(by),
    )


def care_request_sent(
    episode: Episode, *, by: Membership, at: dt.datetime, message: Message
) -> Event:
    return record(
        episode,
        EventKind.CARE_REQUEST_SENT,
        occurred_at=at,
        unit=message.recipient_unit,
        message=message,
        **_by(by),
    )


def free_message_sent(
    episode: Episode, *, by: Membership, at: dt.datetime, units: list[Unit]
) -> Event:
    return record(
        episode,
        EventKind.FREE_MESSAGE_SENT,
        occurred_at=at,
        units=[str(u.public_id) for u in units],
        **_by(by),
    )


def care_contact_appointed(
    episode: Episode, *, by: Membership, at: dt.datetime, name: str
) -> Event:
    return record(
        episode,
        EventKind.CARE_CONTACT_APPOINTED,
        occurred_at=at,
        unit=by.unit,
        name=name,
        **_by(by),
    )


def sip_need_assessed(
    episode: Episode, *, by: Membership | None, at: dt.datetime, needed: bool, note: str
) -> Event:
    return record(
        episode, EventKind.SIP_NEED_ASSESSED, occurred_at=at, needed=needed, note=note, **_by(by)
    )


def sip_offered(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    consent: str,
    consent_by: str,
    note: str,
) -> Event:
    return record(
        episode,
        EventKind.SIP_OFFERED,
        occurred_at=at,
        consent=consent,
        consent_by=consent_by,
        note=note,
        **_by(by),
    )


def sip_invitation_sent(
    episode: Episode, *, by: Membership | None, at: dt.datetime, meeting_at: dt.datetime
) -> Event:
    return record(
        episode,
        EventKind.SIP_INVITATION_SENT,
        occurred_at=at,
        meeting_at=_iso(meeting_at),
        **_by(by),
    )


def ready_notice_sent(episode: Episode, *, by: Membership | None, at: dt.datetime) -> Event:
    return record(episode, EventKind.READY_NOTICE_SENT, occurred_at=at, **_by(by))


def ready_notice_revoked(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    reason: str,
    ready_at: dt.datetime,
) -> Event:
    return record(
        episode,
        EventKind.READY_NOTICE_REVOKED,
        occurred_at=at,
        reason=reason,
        ready_at=_iso(ready_at),
        **_by(by),
    )


def information_transferred(
    episode: Episode, *, by: Membership | None, at: dt.datetime, note: str
) -> Event:
    return record(episode, EventKind.INFORMATION_TRANSFERRED, occurred_at=at, note=note, **_by(by))


def summary_given(episode: Episode, *, by: Membership | None, at: dt.datetime, note: str) -> Event:
    return record(episode, EventKind.SUMMARY_GIVEN, occurred_at=at, note=note, **_by(by))


def discharged(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    destination: str,
    ready_at: dt.datetime | None,
) -> Event:
    return record(
        episode,
        EventKind.DISCHARGED,
        occurred_at=at,
        destination=destination,
        ready_at=_iso(ready_at),
        **_by(by),
    )


def discharge_cancelled(
    episode: Episode,
    *,
    by: Membership | None,
    at: dt.datetime,
    reason: str,
    discharged_at: dt.datetime,
    destination: str,
) -> Event:
    """The discharge was a mistake (ADT A13, or the ward): the stay goes on. The cancelled
    discharge's time and destination are kept in the event; the episode's columns are cleared."""
    return record(
        episode,
        EventKind.DISCHARGE_CANCELLED,
        occurred_at=at,
        reason=reason,
        discharged_at=_iso(discharged_at),
        destination=destination,
        **_by(by),
    )


def exited(
    episode: Episode, *, by: Membership | None, at: dt.datetime, reason: str, note: str
) -> Event:
    return record(episode, EventKind.EXITED, occurred_at=at, reason=reason, note=note, **_by(by))
