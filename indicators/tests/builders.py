"""Hand-built episode histories for the statistics tests.

Old or exotic histories (a DST night, a month boundary, last year) cannot be made through the
actions, which refuse times more than 60 days back; these builders write the Episode row, its
parties and its events with `episodes.events.record` directly, keeping the cached columns of
the Episode row as the actions would.
"""

from __future__ import annotations

import datetime as dt

from core.timerules import STOCKHOLM, local_date
from episodes.events import record
from episodes.models import (
    Episode,
    EpisodeState,
    EventKind,
    Message,
    MessageKind,
    Party,
    PartyRole,
)
from tests.factories import make_individual


def pnr(n: int) -> str:
    """The n-th fictional test personnummer: born in 1935, serial 98xx, valid checksum."""
    from individuals.identifiers import luhn_ok

    birth = dt.date(1935, 1, 1) + dt.timedelta(days=n)
    for check in range(10):
        number = f"{birth:%Y%m%d}98{n % 10}{n % 7}"[:11] + str(check)
        if luhn_ok(number[2:]):
            return number
    raise AssertionError("no check digit")


def t(text: str) -> dt.datetime:
    """A Stockholm wall-clock time, "YYYY-MM-DD HH:MM", as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def history(
    org,
    identifier: str,
    *,
    admitted: str,
    help_assessed: str | None = "admitted",
    notice: str | None = None,
    acks: dict | None = None,
    estimated: list[str] | None = None,
    ready: list[str] = (),
    revoked: list[str] = (),
    discharged: str | None = None,
    sip_needed: list[tuple[str, bool]] = (),
    sip_offered: str | None = None,
    sip_invited: str | None = None,
    readmission_of: Episode | None = None,
    compulsory: bool = False,
    ward=None,
    concerned=None,
    individual_fields: dict | None = None,
) -> Episode:
    """An episode with the given steps (Stockholm times as text).

    `estimated` lists estimated dates in order: the first is set at admission, each further
    one is recorded as a change. `acks` maps a unit concerned to hours until it acknowledged
    the admission notice (None: never). `sip_needed` lists (time, needed) assessments.
    """
    from individuals.models import Individual

    individual = Individual.objects.filter(identifier=identifier).first()
    if individual is None:
        individual = make_individual(org, identifier, **(individual_fields or {}))
    ward = ward or org.ward
    if concerned is None:
        concerned = [org.needs_assessment, org.home_health_care, org.health_centre]
    admitted_at = t(admitted)
    assessed_at = (
        admitted_at
        if help_assessed == "admitted"
        else (t(help_assessed) if help_assessed else None)
    )
    ready_at = t(ready[-1]) if ready and len(ready) > len(revoked) else None
    discharged_at = t(discharged) if discharged else None
    sip_latest = sip_needed[-1][1] if sip_needed else None
    episode = Episode.objects.create(
        individual=individual,
        ward=ward,
        admitted_at=admitted_at,
        may_need_help=assessed_at is not None,
        help_assessed_at=assessed_at,
        is_compulsory_care=compulsory,
        estimated_discharge_date=dt.date.fromisoformat(estimated[-1]) if estimated else None,
        state=EpisodeState.DISCHARGED
        if discharged_at
        else (EpisodeState.READY if ready_at else EpisodeState.ADMITTED),
        admission_notice_sent_at=t(notice) if notice else None,
        ready_at=ready_at,
        sip_needed=sip_latest,
        sip_invited_at=t(sip_invited) if sip_invited else None,
        discharged_at=discharged_at,
        ended_at=discharged_at,
        discharge_destination="home" if discharged_at else "",
        readmission_of=readmission_of,
    )
    Party.objects.create(episode=episode, unit=ward, role=PartyRole.WARD, added_at=admitted_at)
    record(episode, EventKind.ADMITTED, occurred_at=admitted_at, unit=ward)
    for unit in concerned:
        Party.objects.create(
            episode=episode, unit=unit, role=PartyRole.CONCERNED, added_at=admitted_at
        )
        record(episode, EventKind.PARTY_ADDED, occurred_at=admitted_at, unit=unit)
    if assessed_at:
        record(episode, EventKind.HELP_NEED_ASSESSED, occurred_at=assessed_at, may_need_help=True)
    if readmission_of:
        record(
            episode,
            EventKind.READMISSION_LINKED,
            occurred_at=admitted_at,
            previous_episode=str(readmission_of.public_id),
            days_since_discharge=(
                local_date(admitted_at) - local_date(readmission_of.discharged_at)
            ).days,
        )
    for index, date in enumerate(estimated or []):
        if index == 0:
            record(episode, EventKind.ESTIMATED_DATE_SET, occurred_at=admitted_at, date=date)
        else:
            record(
                episode,
                EventKind.ESTIMATED_DATE_CHANGED,
                occurred_at=admitted_at + dt.timedelta(hours=index),
                date=date,
                previous=estimated[index - 1],
            )
    if notice:
        sent_at = t(notice)
        for unit, hours in (acks or {}).items():
            Message.objects.create(
                episode=episode,
                kind=MessageKind.ADMISSION_NOTICE,
                sender_unit=ward,
                recipient_unit=unit,
                sent_at=sent_at,
                acknowledged_at=sent_at + dt.timedelta(hours=hours) if hours is not None else None,
            )
        record(
            episode,
            EventKind.ADMISSION_NOTICE_SENT,
            occurred_at=sent_at,
            first=True,
            units=[str(u.public_id) for u in concerned],
        )
    for at, needed in sip_needed:
        record(episode, EventKind.SIP_NEED_ASSESSED, occurred_at=t(at), needed=needed, note="")
    if sip_offered:
        record(
            episode,
            EventKind.SIP_OFFERED,
            occurred_at=t(sip_offered),
            consent="accepted",
            consent_by="individual",
            note="",
        )
    if sip_invited:
        record(
            episode,
            EventKind.SIP_INVITATION_SENT,
            occurred_at=t(sip_invited),
            meeting_at=sip_invited,
        )
    for index, at in enumerate(ready):
        record(episode, EventKind.READY_NOTICE_SENT, occurred_at=t(at))
        if index < len(revoked):
            record(
                episode,
                EventKind.READY_NOTICE_REVOKED,
                occurred_at=t(revoked[index]),
                reason="Försämrad",
                ready_at=t(at).isoformat(),
            )
    if discharged_at:
        record(
            episode,
            EventKind.DISCHARGED,
            occurred_at=discharged_at,
            destination="home",
            ready_at=ready_at.isoformat() if ready_at else None,
        )
    return episode
