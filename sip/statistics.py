"""SIP statistics for process leaders: what happened to SIPs, counted from `SipEvent` rows.

Each figure counts the events of its kind whose moment falls in a month (Stockholm time), by
the acting unit (`unit`), that unit's principal (`principal`) or the individual's residence
area (`area`) — see `docs/sip.md` for the definitions:

- offered: answers to the offer recorded (every answer counts: the offer was made);
- consented / declined / without SIP: those answers by kind;
- invited: invitations sent, by the inviting unit ("who invites");
- ready_to_invitation_days: in a stay, calendar days from the ready notice in force at the
  invitation to the invitation (only invitations after a ready notice);
- held: SIP meetings held; individual_took_part: of those, the individual took part;
- followed_up / followed_up_on_time: follow-ups, and those on or before the planned date;
- closed: SIPs closed (consent withdrawn counts as `stopped`);
- drawn_up: SIPs drawn up, i.e. whose first plan version was saved;
- offered_in_stay: offers made during a hospital stay (at discharge);
- invited_with_deadline / invited_on_time: in a stay with the work description's deadline for
  the invitation (`Episode.sip_invitation_due_at`, the process engine's 3-day clock from the
  ready notice), the invitations and those sent by that due time.

`filters` (the statistics dashboard's `indicators.filters.Filters`) narrows the events to the
SIPs of individuals resident in a municipality or area, or in which a unit, principal, lane
or unit area takes part.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from core.timerules import local_date
from sip.models import CONSENTING, Consent, Participant, SipEvent, SipEventKind, SipKind

GROUPS = ("unit", "principal", "area")


@dataclass
class Figures:
    offered: int = 0
    consented: int = 0
    declined: int = 0
    without_sip: int = 0
    invited: int = 0
    held: int = 0
    individual_took_part: int = 0
    followed_up: int = 0
    followed_up_on_time: int = 0
    closed: int = 0
    stopped: int = 0
    ready_to_invitation_days: list[int] = field(default_factory=list)
    drawn_up: int = 0
    offered_in_stay: int = 0
    invited_with_deadline: int = 0
    invited_on_time: int = 0

    @property
    def share_invited_on_time(self) -> float | None:
        if not self.invited_with_deadline:
            return None
        return self.invited_on_time / self.invited_with_deadline

    def merge(self, other: Figures) -> None:
        """Add `other`'s counts to these (the same events counted in another row)."""
        for name in self.__dataclass_fields__:
            if name == "ready_to_invitation_days":
                self.ready_to_invitation_days.extend(other.ready_to_invitation_days)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def share_individual_took_part(self) -> float | None:
        return self.individual_took_part / self.held if self.held else None

    @property
    def share_followed_up_on_time(self) -> float | None:
        return self.followed_up_on_time / self.followed_up if self.followed_up else None

    @property
    def mean_ready_to_invitation_days(self) -> float | None:
        days = self.ready_to_invitation_days
        return sum(days) / len(days) if days else None

    def add(self, event: SipEvent) -> None:
        kind, data = event.kind, event.data
        if kind == SipEventKind.CONSENT_RECORDED:
            self.offered += 1
            self.offered_in_stay += event.sip.episode_id is not None
            consent = data.get("consent")
            if consent in CONSENTING:
                self.consented += 1
            elif consent == Consent.DECLINED:
                self.declined += 1
            else:
                self.without_sip += 1
        elif kind == SipEventKind.INVITED:
            self.invited += 1
            episode = event.sip.episode if event.sip.episode_id else None
            if episode is not None and episode.sip_invitation_due_at is not None:
                self.invited_with_deadline += 1
                self.invited_on_time += event.occurred_at <= episode.sip_invitation_due_at
            if data.get("ready_at"):
                ready = dt.datetime.fromisoformat(data["ready_at"])
                self.ready_to_invitation_days.append(
                    (local_date(event.occurred_at) - local_date(ready)).days
                )
        elif kind == SipEventKind.MEETING_HELD:
            self.held += 1
            self.individual_took_part += bool(data.get("individual_took_part"))
        elif kind == SipEventKind.FOLLOWED_UP:
            self.followed_up += 1
            self.followed_up_on_time += bool(data.get("on_time"))
        elif kind == SipEventKind.CLOSED:
            self.closed += 1
        elif kind == SipEventKind.CONSENT_WITHDRAWN:
            self.stopped += 1
        elif kind == SipEventKind.PLAN_SAVED and data.get("version") == 1:
            self.drawn_up += 1

    def as_dict(self) -> dict:
        return {
            "offered": self.offered,
            "consented": self.consented,
            "declined": self.declined,
            "without_sip": self.without_sip,
            "invited": self.invited,
            "held": self.held,
            "individual_took_part": self.individual_took_part,
            "share_individual_took_part": self.share_individual_took_part,
            "followed_up": self.followed_up,
            "followed_up_on_time": self.followed_up_on_time,
            "share_followed_up_on_time": self.share_followed_up_on_time,
            "closed": self.closed,
            "stopped": self.stopped,
            "mean_ready_to_invitation_days": self.mean_ready_to_invitation_days,
            "drawn_up": self.drawn_up,
            "offered_in_stay": self.offered_in_stay,
            "invited_with_deadline": self.invited_with_deadline,
            "invited_on_time": self.invited_on_time,
            "share_invited_on_time": self.share_invited_on_time,
        }


@dataclass
class Row:
    month: dt.date
    group: str
    figures: Figures


COUNTED = [
    SipEventKind.CONSENT_RECORDED,
    SipEventKind.INVITED,
    SipEventKind.MEETING_HELD,
    SipEventKind.FOLLOWED_UP,
    SipEventKind.CLOSED,
    SipEventKind.CONSENT_WITHDRAWN,
    SipEventKind.PLAN_SAVED,
]


def _group_name(event: SipEvent, by: str) -> str:
    if by == "unit":
        return event.actor_unit.name
    if by == "principal":
        return event.actor_unit.principal.name
    area = event.sip.individual.residence_area
    return area.name if area else "–"


def _filters_q(filters) -> Q:
    """The dashboard's filters as conditions on `SipEvent` (see the module docstring)."""
    q = Q()
    if filters is None:
        return q
    if filters.municipality:
        q &= Q(sip__individual__municipality=filters.municipality)
    if filters.area:
        q &= Q(sip__individual__residence_area=filters.area)
    taking_part = Participant.objects.filter(
        sip_id=OuterRef("sip_id"), unit__isnull=False, removed_at__isnull=True
    )
    if filters.principal:
        q &= Q(Exists(taking_part.filter(unit__principal=filters.principal)))
    if filters.unit:
        q &= Q(Exists(taking_part.filter(unit=filters.unit)))
    if filters.lane:
        q &= Q(Exists(taking_part.filter(unit__lane=filters.lane)))
    if filters.unit_area:
        q &= Q(Exists(taking_part.filter(unit__area=filters.unit_area)))
    return q


def sip_statistics(
    start: dt.date, end: dt.date, *, by: str = "unit", filters=None
) -> tuple[list[Row], Figures]:
    """The figures per month and group (`by`: unit, principal or area) for the events from
    `start` to `end` (both days included, Stockholm time), and the totals; `filters` (the
    dashboard's `Filters`, optional) narrows the SIPs counted."""
    if by not in GROUPS:
        raise ValueError(by)
    from core.timerules import start_of_local_day

    events = (
        SipEvent.objects.filter(
            kind__in=COUNTED,
            sip__kind=SipKind.SIP,  # a coordinated care plan (LPT/LRV) is not a SIP
            occurred_at__gte=start_of_local_day(start),
            occurred_at__lt=start_of_local_day(end + dt.timedelta(days=1)),
        )
        .filter(_filters_q(filters))
        .select_related("actor_unit__principal", "sip__individual__residence_area", "sip__episode")
        .order_by("occurred_at", "id")
    )
    rows: dict[tuple[dt.date, str], Figures] = defaultdict(Figures)
    total = Figures()
    for event in events.iterator(chunk_size=2000):
        month = local_date(event.occurred_at).replace(day=1)
        rows[(month, _group_name(event, by))].add(event)
        total.add(event)
    return [Row(m, g, f) for (m, g), f in sorted(rows.items())], total


def by_group(rows: list[Row]) -> list[tuple[str, Figures]]:
    """The rows of `sip_statistics` summed over the months, per group, by group name."""
    groups: dict[str, Figures] = defaultdict(Figures)
    for row in rows:
        groups[row.group].merge(row.figures)
    return sorted(groups.items())
