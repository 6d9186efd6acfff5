"""Consistency of stored episodes: replaying an episode's events must give its cached columns.

Used by the generator's tests and after a load run, so that neither bulk-written history nor
concurrent writes can leave an episode whose row says something its events do not, nor a party
row whose end of read access (`visible_until`) is not the rule's.
"""

from __future__ import annotations

from episodes.models import (
    INITIAL_COLUMNS,
    Episode,
    Event,
    EventKind,
    Message,
    Party,
    fold,
    visibility_end,
)


def replay(events: list[Event]) -> dict:
    """The cached columns of an episode as its events (in time order) imply them, by the one
    fold the actions use (`episodes.models.fold`)."""
    state = {**INITIAL_COLUMNS, "readmission_of": None}
    for event in events:
        fold(state, event.kind, event.occurred_at, event.data, event.unit_id)
    return state


def episode_problems(
    episode: Episode, events: list[Event], parties: list[Party], messages: list[Message]
) -> list[str]:
    """What is inconsistent in one episode (empty when all is well)."""
    problems = []
    replayed = replay(events)
    if not events or events[0].kind != EventKind.ADMITTED:
        problems.append("first event is not the admission")
    for column, value in replayed.items():
        actual = getattr(episode, column)
        if column == "readmission_of":
            previous = episode.readmission_of if episode.readmission_of_id else None
            actual = str(previous.public_id) if previous is not None else None
        if actual != value:
            problems.append(f"{column}: row {actual!r}, events {value!r}")
    active = {p.unit_id for p in parties if p.removed_at is None}
    added = removed = 0
    for event in events:
        added += event.kind == EventKind.PARTY_ADDED
        removed += event.kind == EventKind.PARTY_REMOVED
    if added - removed != len(active) - 1:  # the ward is a party without a party_added event
        problems.append(f"parties: {len(active) - 1} concerned, events say {added - removed}")
    protected = episode.individual.protected_identity
    for party in parties:
        until = visibility_end(party.removed_at, episode.ended_at, protected)
        if party.visible_until != until:
            problems.append(
                f"party {party.id}: visible_until {party.visible_until!r}, rule {until!r}"
            )
    acknowledged = {e.message_id for e in events if e.kind == EventKind.MESSAGE_ACKNOWLEDGED}
    for message in messages:
        if (message.acknowledged_at is not None) != (message.id in acknowledged):
            problems.append(f"message {message.id}: acknowledged_at and events disagree")
        if message.sent_at < episode.admitted_at:
            problems.append(f"message {message.id}: sent before the admission")
    return problems


def check_episodes(episodes) -> dict[int, list[str]]:
    """`episode_problems` for every episode of the queryset; {episode id: problems}."""
    found = {}
    for episode in episodes.select_related("readmission_of", "individual").iterator(chunk_size=500):
        problems = episode_problems(
            episode,
            list(Event.objects.filter(episode=episode).order_by("occurred_at", "id")),
            list(Party.objects.filter(episode=episode)),
            list(Message.objects.filter(episode=episode)),
        )
        if problems:
            found[episode.pk] = problems
    return found
