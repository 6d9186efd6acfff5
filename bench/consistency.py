"""Consistency of stored episodes: replaying an episode's events must give its cached columns.

Used by the generator's tests and after a load run, so that neither bulk-written history nor
concurrent writes can leave an episode whose row says something its events do not.
"""

from __future__ import annotations

import datetime as dt

from episodes.models import Episode, EpisodeState, Event, EventKind, Message, Party


def replay(events: list[Event]) -> dict:
    """The cached columns of an episode as its events (in time order) imply them."""
    state = {
        "state": EpisodeState.ADMITTED,
        "may_need_help": False,
        "help_assessed_at": None,
        "estimated_discharge_date": None,
        "admission_notice_sent_at": None,
        "ready_at": None,
        "care_contact_name": "",
        "care_contact_unit_id": None,
        "sip_needed": None,
        "sip_invited_at": None,
        "information_transferred_at": None,
        "summary_given_at": None,
        "discharged_at": None,
        "discharge_destination": "",
        "exit_reason": "",
        "ended_at": None,
        "readmission_of": None,
    }
    for event in events:
        kind, at, data = event.kind, event.occurred_at, event.data
        if kind == EventKind.ADMITTED:
            state["admitted_at"] = at
        elif kind == EventKind.ADMISSION_CORRECTED:
            state["admitted_at"] = dt.datetime.fromisoformat(data["admitted_at"])
        elif kind == EventKind.READMISSION_LINKED:
            state["readmission_of"] = data["previous_episode"]
        elif kind == EventKind.HELP_NEED_ASSESSED:
            state["may_need_help"] = data["may_need_help"]
            state["help_assessed_at"] = at if data["may_need_help"] else None
        elif kind in (EventKind.ESTIMATED_DATE_SET, EventKind.ESTIMATED_DATE_CHANGED):
            state["estimated_discharge_date"] = dt.date.fromisoformat(data["date"])
        elif kind == EventKind.ADMISSION_NOTICE_SENT and state["admission_notice_sent_at"] is None:
            state["admission_notice_sent_at"] = at
        elif kind == EventKind.CARE_CONTACT_APPOINTED:
            state["care_contact_name"], state["care_contact_unit_id"] = data["name"], event.unit_id
        elif kind == EventKind.SIP_NEED_ASSESSED:
            state["sip_needed"] = data["needed"]
        elif kind == EventKind.SIP_INVITATION_SENT:
            state["sip_invited_at"] = at
        elif kind == EventKind.READY_NOTICE_SENT:
            state["state"], state["ready_at"] = EpisodeState.READY, at
        elif kind == EventKind.READY_NOTICE_REVOKED:
            state["state"], state["ready_at"] = EpisodeState.ADMITTED, None
        elif kind == EventKind.INFORMATION_TRANSFERRED:
            state["information_transferred_at"] = at
        elif kind == EventKind.SUMMARY_GIVEN:
            state["summary_given_at"] = at
        elif kind == EventKind.DISCHARGED:
            state["state"], state["discharged_at"], state["ended_at"] = (
                EpisodeState.DISCHARGED,
                at,
                at,
            )
            state["discharge_destination"] = data["destination"]
        elif kind == EventKind.EXITED:
            state["state"], state["exit_reason"], state["ended_at"] = (
                EpisodeState.EXITED,
                data["reason"],
                at,
            )
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
            actual = str(episode.readmission_of.public_id) if episode.readmission_of_id else None
        if actual != value:
            problems.append(f"{column}: row {actual!r}, events {value!r}")
    active = {p.unit_id for p in parties if p.removed_at is None}
    added = removed = 0
    for event in events:
        added += event.kind == EventKind.PARTY_ADDED
        removed += event.kind == EventKind.PARTY_REMOVED
    if added - removed != len(active) - 1:  # the ward is a party without a party_added event
        problems.append(f"parties: {len(active) - 1} concerned, events say {added - removed}")
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
    for episode in episodes.select_related("readmission_of").iterator(chunk_size=500):
        problems = episode_problems(
            episode,
            list(Event.objects.filter(episode=episode).order_by("occurred_at", "id")),
            list(Party.objects.filter(episode=episode)),
            list(Message.objects.filter(episode=episode)),
        )
        if problems:
            found[episode.pk] = problems
    return found
