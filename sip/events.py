"""The event vocabulary of a SIP: one keyword-only function per kind (`SipEventKind`), in the
order of the SIP process. `_record` is the only writer of `SipEvent` rows."""

from __future__ import annotations

import datetime as dt

from episodes.models import Event
from organisations.models import Membership
from sip.models import Sip, SipEvent, SipEventKind


def _record(
    sip: Sip,
    kind: SipEventKind,
    *,
    by: Membership,
    at: dt.datetime,
    episode_event: Event | None = None,
    **data,
) -> SipEvent:
    return SipEvent.objects.create(
        sip=sip,
        kind=kind,
        occurred_at=at,
        actor=by.user,
        actor_unit=by.unit,
        episode_event=episode_event,
        data=data,
    )


def started(
    sip: Sip,
    *,
    by: Membership,
    at: dt.datetime,
    requested_by: str,
    note: str,
    episode_event: Event | None,
) -> SipEvent:
    return _record(
        sip,
        SipEventKind.STARTED,
        by=by,
        at=at,
        episode_event=episode_event,
        requested_by=requested_by,
        note=note,
    )


def consent_recorded(
    sip: Sip,
    *,
    by: Membership,
    at: dt.datetime,
    consent: str,
    scope: str,
    relatives_may_take_part: bool,
    relative: str,
    note: str,
    episode_event: Event | None,
) -> SipEvent:
    return _record(
        sip,
        SipEventKind.CONSENT_RECORDED,
        by=by,
        at=at,
        episode_event=episode_event,
        consent=consent,
        scope=scope,
        relatives_may_take_part=relatives_may_take_part,
        relative=relative,
        note=note,
    )


def invited(
    sip: Sip,
    *,
    by: Membership,
    at: dt.datetime,
    units: list[str],
    people: list[str],
    meeting_form: str,
    meeting_at: dt.datetime,
    place: str,
    episode_event: Event | None,
    ready_at: dt.datetime | None,
) -> SipEvent:
    return _record(
        sip,
        SipEventKind.INVITED,
        by=by,
        at=at,
        episode_event=episode_event,
        units=units,
        people=people,
        meeting_form=meeting_form,
        meeting_at=meeting_at.isoformat(),
        place=place,
        ready_at=ready_at.isoformat() if ready_at else None,
    )


def notice_acknowledged(sip: Sip, *, by: Membership, at: dt.datetime, kind: str) -> SipEvent:
    return _record(sip, SipEventKind.NOTICE_ACKNOWLEDGED, by=by, at=at, notice_kind=kind)


def meeting_held(
    sip: Sip,
    *,
    by: Membership,
    at: dt.datetime,
    attended: list[str],
    individual_took_part: bool,
    meeting: int = 1,
) -> SipEvent:
    return _record(
        sip,
        SipEventKind.MEETING_HELD,
        by=by,
        at=at,
        attended=attended,
        individual_took_part=individual_took_part,
        meeting=meeting,
    )


def plan_saved(
    sip: Sip, *, by: Membership, at: dt.datetime, version: int, changed: list[str]
) -> SipEvent:
    return _record(sip, SipEventKind.PLAN_SAVED, by=by, at=at, version=version, changed=changed)


def followed_up(
    sip: Sip,
    *,
    by: Membership,
    at: dt.datetime,
    due_date: dt.date,
    on_time: bool,
    version: int,
    next_date: dt.date | None,
) -> SipEvent:
    return _record(
        sip,
        SipEventKind.FOLLOWED_UP,
        by=by,
        at=at,
        due_date=due_date.isoformat(),
        on_time=on_time,
        version=version,
        next_date=next_date.isoformat() if next_date else None,
    )


def closed(sip: Sip, *, by: Membership, at: dt.datetime, reason: str, note: str) -> SipEvent:
    return _record(sip, SipEventKind.CLOSED, by=by, at=at, reason=reason, note=note)


def consent_withdrawn(sip: Sip, *, by: Membership, at: dt.datetime, note: str) -> SipEvent:
    return _record(sip, SipEventKind.CONSENT_WITHDRAWN, by=by, at=at, note=note)


def participants_added(
    sip: Sip, *, by: Membership, at: dt.datetime, units: list[str], people: list[str]
) -> SipEvent:
    return _record(sip, SipEventKind.PARTICIPANTS_ADDED, by=by, at=at, units=units, people=people)


def meeting_scheduled(
    sip: Sip,
    *,
    by: Membership,
    at: dt.datetime,
    meeting: int,
    meeting_form: str,
    meeting_at: dt.datetime,
    place: str,
) -> SipEvent:
    return _record(
        sip,
        SipEventKind.MEETING_SCHEDULED,
        by=by,
        at=at,
        meeting=meeting,
        meeting_form=meeting_form,
        meeting_at=meeting_at.isoformat(),
        place=place,
    )
