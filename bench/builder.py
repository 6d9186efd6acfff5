"""One synthetic episode, step by step: each method writes the rows one action would write.

The episode's cached columns are folded from its events by the same function as the live
actions (`episodes.models.fold`), and its legal deadlines computed by the process engine's
(`process.engine.episode_deadlines`), so generated history and live history cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random

from bench.shapes import (
    CARE_REQUEST_TEXTS,
    PLANNING_TEXTS,
)
from bench.world import Person, dashed_uuid, iso_utc, local_moment, uuid_hex
from core.timerules import STOCKHOLM, local_date
from episodes.actions import readmission_gap
from episodes.models import (
    INITIAL_COLUMNS,
    Episode,
    EpisodeState,
    Event,
    EventKind,
    Message,
    MessageKind,
    Party,
    PartyRole,
    fold,
    visibility_end,
)
from organisations.models import Role, UnitKind
from process.definition import ensure_current_definition
from process.engine import episode_deadlines
from process.models import ActivityDefinition


def _deadline_definitions(gen) -> list[ActivityDefinition]:
    """The current work description's activities, read once per generator."""
    definitions = getattr(gen, "_deadline_definitions", None)
    if definitions is None:
        version = ensure_current_definition()
        definitions = list(ActivityDefinition.objects.filter(version=version))
        gen._deadline_definitions = definitions
    return definitions


# -- one episode, step by step, as the actions would write it ------------------------------------


class EpisodeBuilder:
    """Applies an episode's steps in time order; each method mirrors one action's writes."""

    def __init__(self, gen, rng: random.Random, person: Person, ward_id: int):
        self.g, self.rng, self.person, self.ward_id = gen, rng, person, ward_id
        self.id = gen.ids.next(Episode)
        self.public_id = uuid_hex(rng)
        self.parties: dict[int, list] = {}  # unit id -> party row (mutable)
        self.messages: list[list] = []
        self.events: list[tuple] = []
        self.queue: list = []
        self.seq = 0
        self.closed = False
        self.end_at: dt.datetime | None = None
        self.misdirected: set[int] = set()  # message ids the recipient forwards instead
        self.ep = {
            "admitted_at": None,
            **INITIAL_COLUMNS,
            "is_compulsory_care": False,
            "readmission_of_id": None,
            "updated_at": None,
        }

    # scheduling
    def at(self, moment: dt.datetime, step, *args, ack: bool = False) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (moment, self.seq, ack, step, args))

    def run(self, now: dt.datetime) -> None:
        while self.queue and self.queue[0][0] <= now:
            moment, _, ack, step, args = heapq.heappop(self.queue)
            if self.closed and not ack:
                continue
            step(moment, *args)

    # rows
    def _event(self, kind, at, actor, actor_unit, *, unit=None, message=None, **data) -> None:
        self.events.append(
            (self.g.ids.next(Event), self.id, kind, at, at, actor, actor_unit, unit, message, data)
        )
        fold(self.ep, kind, at, data, unit)
        self.ep["updated_at"] = at

    def _send(self, kind, sender_unit, sender, recipients, at, body="", **data) -> list[list]:
        sent = []
        for unit_id in recipients:
            message = [
                self.g.ids.next(Message),
                uuid_hex(self.rng),
                self.id,
                kind,
                sender_unit,
                sender,
                unit_id,
                at,
                body,
                data,
                None,
                None,
                None,
                None,
                None,
            ]
            self.messages.append(message)
            sent.append(message)
            self._schedule_ack(message)
        return sent

    def _schedule_ack(self, message: list) -> None:
        # Wards read their inbox round the clock; the other units in office hours on working
        # days, and some messages wait days: the inboxes of the present have a real backlog.
        rng = self.rng
        hours = rng.lognormvariate(math.log(4), 1.3)
        if rng.random() < 0.05:
            hours += rng.uniform(24, 120)
        moment = message[7] + dt.timedelta(hours=hours)
        local = moment.astimezone(STOCKHOLM)
        if self.g.world.unit_kind[message[6]] != UnitKind.WARD:
            day = local.date()
            if local.hour >= 17:
                day += dt.timedelta(days=1)
            if local.hour >= 17 or local.hour < 8 or day.weekday() >= 5:
                while day.weekday() >= 5:
                    day += dt.timedelta(days=1)
                moment = local_moment(day, 8, 0) + dt.timedelta(minutes=rng.randrange(240))
        elif local.hour < 7 or local.hour >= 22:
            day = local.date() + dt.timedelta(days=1 if local.hour >= 22 else 0)
            moment = local_moment(day, 7, 30) + dt.timedelta(minutes=rng.randrange(120))
        self.at(moment, self.acknowledge, message, ack=True)

    def concerned(self) -> list[int]:
        return [u for u, p in self.parties.items() if p[3] == PartyRole.CONCERNED and p[5] is None]

    def others(self, unit_id: int) -> list[int]:
        return [u for u, p in self.parties.items() if p[5] is None and u != unit_id]

    def _add_party(self, at, actor, actor_unit, unit_id) -> None:
        party = self.parties.get(unit_id)
        if party is not None:
            if party[5] is None:
                return
            party[5], party[4] = None, at
        else:
            self.parties[unit_id] = [
                self.g.ids.next(Party),
                self.id,
                unit_id,
                PartyRole.CONCERNED,
                at,
                None,
            ]
        self._event(EventKind.PARTY_ADDED, at, actor, actor_unit, unit=unit_id)

    def _nurse(self):
        return self.g.world.actor(self.rng, self.ward_id, Role.NURSE, Role.COORDINATOR)

    def _physician(self):
        return self.g.world.actor(self.rng, self.ward_id, Role.PHYSICIAN, Role.NURSE)

    # the actions
    def admit(
        self, at, help_now: bool, estimated: dt.date | None, concerned: list[int], compulsory: bool
    ):
        ep, nurse, ward = self.ep, self._nurse(), self.ward_id
        ep["is_compulsory_care"] = compulsory
        self.parties[ward] = [self.g.ids.next(Party), self.id, ward, PartyRole.WARD, at, None]
        self._event(EventKind.ADMITTED, at, nurse, ward, unit=ward)
        previous = self.person.last_discharge
        if previous:
            gap = readmission_gap(at, previous[2])
            if gap is not None:
                ep["readmission_of_id"] = previous[0]
                self._event(
                    EventKind.READMISSION_LINKED,
                    at,
                    nurse,
                    ward,
                    previous_episode=dashed_uuid(previous[1]),
                    days_since_discharge=gap,
                )
        if help_now:
            self._assess_help_need(at, nurse)
        if estimated:
            self._set_estimated_date(at, nurse, estimated)
        for unit_id in concerned:
            self._add_party(at, nurse, ward, unit_id)

    def _assess_help_need(self, at, actor):
        self._event(EventKind.HELP_NEED_ASSESSED, at, actor, self.ward_id, may_need_help=True)

    def assess_help_need(self, at):
        self._assess_help_need(at, self._physician())

    def _set_estimated_date(self, at, actor, date: dt.date):
        previous = self.ep["estimated_discharge_date"]
        admitted_on = local_date(self.ep["admitted_at"])
        date = max(date, admitted_on)
        if previous == date:
            return
        if previous is None:
            self._event(
                EventKind.ESTIMATED_DATE_SET, at, actor, self.ward_id, date=date.isoformat()
            )
            return
        self._event(
            EventKind.ESTIMATED_DATE_CHANGED,
            at,
            actor,
            self.ward_id,
            date=date.isoformat(),
            previous=previous.isoformat(),
        )
        if self.ep["admission_notice_sent_at"]:
            self._send(
                MessageKind.ESTIMATED_DATE_CHANGED,
                self.ward_id,
                actor,
                self.concerned(),
                at,
                date=date.isoformat(),
                previous=previous.isoformat(),
            )

    def set_estimated_date(self, at, date):
        if self.ep["state"] in (EpisodeState.ADMITTED, EpisodeState.READY):
            self._set_estimated_date(at, self._nurse(), date)

    def send_admission_notice(self, at):
        ep = self.ep
        if not ep["may_need_help"] or ep["estimated_discharge_date"] is None:
            return
        already = {m[6] for m in self.messages if m[3] == MessageKind.ADMISSION_NOTICE}
        recipients = [u for u in self.concerned() if u not in already]
        if not recipients:
            return
        nurse, person = self._nurse(), self.person
        content = {
            "name": person.name,
            "identifier": f"{person.identifier[:8]}-{person.identifier[8:]}",
            "address": person.address,
            "estimated_discharge_date": ep["estimated_discharge_date"].isoformat(),
        }
        self._send(MessageKind.ADMISSION_NOTICE, self.ward_id, nurse, recipients, at, **content)
        first = ep["admission_notice_sent_at"] is None
        self._event(
            EventKind.ADMISSION_NOTICE_SENT,
            at,
            nurse,
            self.ward_id,
            units=[str(self.g.world.unit_public[u]) for u in recipients],
            first=first,
        )

    def acknowledge(self, at, message):
        if message[12] is not None or message[14] is not None or message[0] in self.misdirected:
            return
        user = self.g.world.care_actor(self.rng, message[6])
        message[12], message[13] = at, user
        if message[10] is None:
            message[10], message[11] = at, user
        self._event(
            EventKind.MESSAGE_ACKNOWLEDGED,
            at,
            user,
            message[6],
            unit=message[6],
            message=message[0],
            message_kind=message[3],
        )

    def forward(self, at, message, to_unit: int):
        """The misdirected recipient sends the notice on to the right unit (do_forward)."""
        if message[12] is not None or message[14] is not None:
            return
        wrong = message[6]
        user = self.g.world.care_actor(self.rng, wrong)
        self._add_party(at, user, wrong, to_unit)
        copy = [
            self.g.ids.next(Message),
            uuid_hex(self.rng),
            self.id,
            message[3],
            message[4],
            message[5],
            to_unit,
            at,
            message[8],
            {**message[9], "forwarded_by_unit": str(self.g.world.unit_public[wrong])},
            None,
            None,
            None,
            None,
            None,
        ]
        self.messages.append(copy)
        self._schedule_ack(copy)
        message[14] = copy[0]
        self._event(
            EventKind.MESSAGE_FORWARDED,
            at,
            user,
            wrong,
            unit=to_unit,
            message=message[0],
            reason="Fel stadsområde.",
        )
        party = self.parties.get(wrong)
        if party and party[3] == PartyRole.CONCERNED and party[5] is None:
            party[5] = at
            self._event(EventKind.PARTY_REMOVED, at, user, wrong, unit=wrong, reason="misdirected")

    def send_planning_message(self, at, unit_id: int):
        if self.ep["state"] not in (EpisodeState.ADMITTED, EpisodeState.READY):
            return
        party = self.parties.get(unit_id)
        if party is None or party[5] is not None:
            return
        user = self.g.world.care_actor(self.rng, unit_id)
        status, needs, planned = self.rng.choice(PLANNING_TEXTS)
        fields = {"status": status, "remaining_needs": needs, "planned_actions": planned}
        self._send(MessageKind.PLANNING, unit_id, user, self.others(unit_id), at, **fields)
        self._event(EventKind.PLANNING_MESSAGE_SENT, at, user, unit_id, **fields)

    def send_care_request(self, at):
        if self.ep["state"] not in (EpisodeState.ADMITTED, EpisodeState.READY):
            return
        targets = [
            u for u in self.concerned() if self.g.world.unit_kind[u] == UnitKind.NEEDS_ASSESSMENT
        ]
        if not targets:
            return
        nurse, body = self._nurse(), self.rng.choice(CARE_REQUEST_TEXTS)
        [message] = self._send(
            MessageKind.CARE_REQUEST, self.ward_id, nurse, targets[:1], at, body=body
        )
        self._event(
            EventKind.CARE_REQUEST_SENT,
            at,
            nurse,
            self.ward_id,
            unit=targets[0],
            message=message[0],
        )

    def appoint_care_contact(self, at):
        if self.ep["state"] not in (EpisodeState.ADMITTED, EpisodeState.READY):
            return
        centres = [
            u for u in self.concerned() if self.g.world.unit_kind[u] == UnitKind.HEALTH_CENTRE
        ]
        if not centres:
            return
        user = self.g.world.care_actor(self.rng, centres[0])
        name = self.g.world.staff_names.get(user, "")
        self._event(
            EventKind.CARE_CONTACT_APPOINTED, at, user, centres[0], unit=centres[0], name=name
        )

    def _sip_unit(self) -> int | None:
        units = self.concerned()
        for kind in (UnitKind.HEALTH_CENTRE, UnitKind.NEEDS_ASSESSMENT, UnitKind.HOME_HEALTH_CARE):
            for unit_id in units:
                if self.g.world.unit_kind[unit_id] == kind:
                    return unit_id
        return None

    def assess_sip_need(self, at, needed: bool):
        unit_id = self._sip_unit()
        if (
            unit_id is None
            or self.ep["sip_needed"] == needed
            or self.ep["state"] == EpisodeState.EXITED
        ):
            return
        self._event(
            EventKind.SIP_NEED_ASSESSED,
            at,
            self.g.world.care_actor(self.rng, unit_id),
            unit_id,
            needed=needed,
            note="",
        )

    def record_sip_offer(self, at, consent: str, consent_by: str):
        unit_id = self._sip_unit()
        if (
            unit_id is None
            or self.ep["sip_needed"] is not True
            or self.ep["state"] == EpisodeState.EXITED
        ):
            return
        self._event(
            EventKind.SIP_OFFERED,
            at,
            self.g.world.care_actor(self.rng, unit_id),
            unit_id,
            consent=consent,
            consent_by=consent_by,
            note="",
        )

    def record_sip_invitation(self, at, meeting_at: dt.datetime):
        unit_id = self._sip_unit()
        ep = self.ep
        if (
            unit_id is None
            or ep["sip_needed"] is not True
            or ep["sip_invited_at"]
            or ep["state"] == EpisodeState.EXITED
        ):
            return
        user = self.g.world.care_actor(self.rng, unit_id)
        self._send(
            MessageKind.SIP_INVITATION,
            unit_id,
            user,
            self.others(unit_id),
            at,
            meeting_at=meeting_at.isoformat(),
        )
        self._event(
            EventKind.SIP_INVITATION_SENT, at, user, unit_id, meeting_at=meeting_at.isoformat()
        )

    def send_ready_notice(self, at):
        ep = self.ep
        if ep["state"] != EpisodeState.ADMITTED:
            return
        physician = self._physician()
        self._send(MessageKind.READY_NOTICE, self.ward_id, physician, self.concerned(), at)
        self._event(EventKind.READY_NOTICE_SENT, at, physician, self.ward_id)

    def revoke_ready_notice(self, at, reason: str):
        ep = self.ep
        if ep["state"] != EpisodeState.READY:
            return
        physician, revoked = self._physician(), ep["ready_at"]
        self._send(
            MessageKind.READY_REVOKED, self.ward_id, physician, self.concerned(), at, body=reason
        )
        self._event(
            EventKind.READY_NOTICE_REVOKED,
            at,
            physician,
            self.ward_id,
            reason=reason,
            ready_at=iso_utc(revoked),
        )

    def record_information_transfer(self, at):
        if self.ep["state"] == EpisodeState.EXITED:
            return
        self._event(EventKind.INFORMATION_TRANSFERRED, at, self._nurse(), self.ward_id, note="")

    def record_summary(self, at):
        if self.ep["state"] == EpisodeState.EXITED:
            return
        self._event(EventKind.SUMMARY_GIVEN, at, self._nurse(), self.ward_id, note="")

    def discharge(self, at, destination: str):
        ep = self.ep
        if ep["state"] not in (EpisodeState.ADMITTED, EpisodeState.READY):
            return
        nurse = self._nurse()
        ready_at = ep["ready_at"]
        self._send(
            MessageKind.DISCHARGE_NOTICE,
            self.ward_id,
            nurse,
            self.concerned(),
            at,
            destination=destination,
        )
        self._event(
            EventKind.DISCHARGED,
            at,
            nurse,
            self.ward_id,
            destination=destination,
            ready_at=iso_utc(ready_at) if ready_at else None,
        )
        self.person.last_discharge = (self.id, self.public_id, at)

    def exit(self, at, reason: str):
        ep = self.ep
        if ep["state"] not in (EpisodeState.ADMITTED, EpisodeState.READY):
            return
        nurse = self._nurse()
        if ep["admission_notice_sent_at"]:
            self._send(
                MessageKind.PROCESS_INTERRUPTED,
                self.ward_id,
                nurse,
                self.concerned(),
                at,
                reason=reason,
            )
        self._event(EventKind.EXITED, at, nurse, self.ward_id, reason=reason, note="")
        self.closed = True

    def rows(self):
        ep = self.ep
        deadlines = episode_deadlines(
            Episode(**{k: v for k, v in ep.items() if k not in ("readmission_of", "updated_at")}),
            _deadline_definitions(self.g),
        )
        episode = (
            self.id,
            self.public_id,
            self.person.id,
            self.ward_id,
            ep["admitted_at"],
            ep["may_need_help"],
            ep["help_assessed_at"],
            ep["is_compulsory_care"],
            ep["estimated_discharge_date"],
            ep["state"],
            ep["admission_notice_sent_at"],
            ep["ready_at"],
            ep["care_contact_name"],
            ep["care_contact_unit_id"],
            ep["sip_needed"],
            ep["sip_invited_at"],
            ep["information_transferred_at"],
            ep["summary_given_at"],
            ep["discharged_at"],
            ep["discharge_destination"],
            ep["exit_reason"],
            ep["ended_at"],
            ep["readmission_of_id"],
            deadlines["admission_notice_due_at"],
            deadlines["sip_invitation_due_at"],
            ep["admitted_at"],
            ep["updated_at"],
        )
        ended_at, protected = ep["ended_at"], self.person.protected
        return (
            episode,
            # Each party row with its end of read access, by the actions' one rule.
            [(*p, visibility_end(p[5], ended_at, protected)) for p in self.parties.values()],
            [tuple(m) for m in self.messages],
            self.events,
        )
