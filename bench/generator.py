"""A realistic, deterministic history of Göteborgsområdet for benchmarks and load runs.

`generate_history` builds the organisation register at full size, ~5 000 staff with their
memberships, a population of fictional individuals and N years of episodes up to `end`
("now"), with every row the real actions (`episodes/actions.py`) would have written: the
Episode with its cached columns, its Party rows, its Event rows (same kinds, same `data`
keys, same actor and units) and its Message rows with their acknowledgements.

How an episode is made: a plan of timed steps (admission, assessment, notice, date moves,
planning, care contact, SIP, ready notice and revocation, information transfer, summary,
discharge or exit) is drawn from the shapes below; the steps are then applied in time order
by `EpisodeBuilder`, whose methods mirror the actions one for one. A step due after `end`
is not applied, so the episodes of the last weeks are a realistic present: admitted, ready,
with unacknowledged messages in the inboxes.

The shapes (see `SHAPES`) follow the national figures in RESEARCH-NOTES.md §5: about two
thirds discharged on the ready day, SKR mean ready days (over episodes with ≥ 1 day) about
2, a long tail; about 1 in 10 of the elderly readmitted within 30 days.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bench.builder import EpisodeBuilder
from bench.bulk import IdAllocator, Table, reset_sequences, secondary_indexes_deferred
from bench.shapes import (
    ADMISSION_HOURS,
    DESTINATIONS,
    REVOCATION_REASONS,
    SHAPES,
    WEEKDAY,
)
from bench.world import (
    Person,
    World,
    at_daytime,
    create_people,
    create_staff,
    local_moment,
    poisson,
    weighted,
)
from core.configuration import regional_count_periods
from core.models import CountKey, RegionalCount
from core.timerules import UTC, local_date
from episodes.models import (
    DischargeDestination,
    Episode,
    EpisodeState,
    Event,
    ExitReason,
    Message,
    MessageKind,
    Party,
)
from individuals.models import Individual
from organisations.models import Unit, UnitKind, User
from organisations.register import DEMO_SIZE, FULL_SIZE, build_register

EPISODES_PER_YEAR_FULL = 40_000


def _counts_from(day: dt.date) -> None:
    """A history older than the law (ten years back from 2026 begins in 2016, the law's counts
    in 2018): each regional count gets a period from the history's first day to the day before
    its first one, with that one's value, so every stay has its deadlines. Bench databases
    only; the product's own counts are untouched."""
    for key in CountKey:
        periods = regional_count_periods(key)
        if periods and periods[0].valid_from > day:
            RegionalCount.objects.create(
                key=key,
                value=periods[0].value,
                valid_from=day,
                valid_to=periods[0].valid_from - dt.timedelta(days=1),
                source="Syntetisk historik (bench): samma värde före lagens ikraftträdande",
            )


@dataclass
class GenerationReport:
    years: float
    seed: int
    end: dt.datetime
    vendor: str
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    shape: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"Historik för {self.years:g} år till {self.end:%Y-%m-%d %H:%M} (frö {self.seed},"
            f" {self.vendor}) "
            f"på {self.seconds:.1f} s:",
        ]
        out += [
            f"  {name:<22} {count:>12,}".replace(",", " ") for name, count in self.counts.items()
        ]
        out += [f"  {name:<22} {value}" for name, value in self.shape.items()]
        return out


# -- the generator --------------------------------------------------------------------------------


EPISODE_COLUMNS = [
    "id",
    "public_id",
    "individual_id",
    "ward_id",
    "admitted_at",
    "may_need_help",
    "help_assessed_at",
    "is_compulsory_care",
    "estimated_discharge_date",
    "state",
    "admission_notice_sent_at",
    "ready_at",
    "care_contact_name",
    "care_contact_unit_id",
    "sip_needed",
    "sip_invited_at",
    "information_transferred_at",
    "summary_given_at",
    "discharged_at",
    "discharge_destination",
    "exit_reason",
    "ended_at",
    "readmission_of_id",
    "admission_notice_due_at",
    "sip_invitation_due_at",
    "created_at",
    "updated_at",
]
PARTY_COLUMNS = ["id", "episode_id", "unit_id", "role", "added_at", "removed_at", "visible_until"]
MESSAGE_COLUMNS = [
    "id",
    "public_id",
    "episode_id",
    "kind",
    "sender_unit_id",
    "sender_id",
    "recipient_unit_id",
    "sent_at",
    "body",
    "data",
    "read_at",
    "read_by_id",
    "acknowledged_at",
    "acknowledged_by_id",
    "forwarded_to_id",
]
EVENT_COLUMNS = [
    "id",
    "episode_id",
    "kind",
    "occurred_at",
    "recorded_at",
    "actor_id",
    "actor_unit_id",
    "unit_id",
    "message_id",
    "data",
]
INDIVIDUAL_COLUMNS = [
    "id",
    "public_id",
    "identifier",
    "identifier_kind",
    "given_name",
    "family_name",
    "birth_date",
    "address",
    "postal_code",
    "city",
    "phone",
    "municipality_id",
    "residence_area_id",
    "listed_unit_id",
    "protected_identity",
    "created_at",
]


class _Generator:
    def __init__(
        self,
        *,
        years: float,
        seed: int,
        end: dt.datetime,
        scale: str,
        per_year: int,
        batch_episodes: int,
        log,
        process_days: float | None = 90,
    ):
        self.years, self.seed, self.end, self.scale = years, seed, end, scale
        self.process_days = process_days
        self.per_year, self.batch_episodes, self.log = per_year, batch_episodes, log
        self.rng = random.Random(seed)
        self.ids = IdAllocator()
        self.tables = {
            "individuals": Table(Individual, INDIVIDUAL_COLUMNS),
            "episodes": Table(Episode, EPISODE_COLUMNS),
            "parties": Table(Party, PARTY_COLUMNS),
            "messages": Table(Message, MESSAGE_COLUMNS),
            "events": Table(Event, EVENT_COLUMNS),
        }
        self.stats: dict[str, float] = defaultdict(float)

    def flush(self, *names) -> None:
        started = time.monotonic()
        with transaction.atomic():
            for name in names or self.tables:
                self.tables[name].flush()
        self.stats["flush_seconds"] += time.monotonic() - started

    def run(self) -> GenerationReport:
        started = time.monotonic()
        report = GenerationReport(self.years, self.seed, self.end, connection.vendor)
        build_register(FULL_SIZE if self.scale == "full" else DEMO_SIZE)
        units = list(Unit.objects.filter(is_active=True).order_by("pk"))
        create_staff(self.rng, units, self.scale)
        self.world = World(self.rng)
        end_day = local_date(self.end)
        start_day = end_day - dt.timedelta(days=round(self.years * 365.25))
        _counts_from(start_day)
        population = max(50, self.per_year * 4)
        self.log(f"Individer: {population}")
        self.people = create_people(
            self.rng,
            self.world,
            population,
            end_day,
            self.ids,
            self.tables["individuals"],
            local_moment(start_day, 0),
        )
        big = [Individual, Episode, Party, Message, Event]
        with secondary_indexes_deferred(big):
            self.flush("individuals")
            self.log(f"Vårdtillfällen från {start_day} till {end_day} …")
            self._episodes(start_day, end_day)
            self.flush()
            self.log(
                f"Index byggs … (skrivning hittills {self.stats['flush_seconds']:.0f} s,"
                f" totalt {time.monotonic() - started:.0f} s)"
            )
        reset_sequences(big)
        self.log(f"Index klara efter {time.monotonic() - started:.0f} s")
        derived = self.derive_process_state()
        self.log(
            f"Processmotorns aktiviteter för {derived} vårdtillfällen efter"
            f" {time.monotonic() - started:.0f} s"
        )
        vacuum_analyze()
        self.log(f"VACUUM (ANALYZE) klar efter {time.monotonic() - started:.0f} s")
        report.seconds = time.monotonic() - started
        report.counts = {
            "enheter": len(units),
            "användare": User.objects.count(),
            "individer": self.tables["individuals"].written,
            "vårdtillfällen": self.tables["episodes"].written,
            "  varav pågående": self.stats["active"],
            "parter": self.tables["parties"].written,
            "meddelanden": self.tables["messages"].written,
            "  varav okvitterade": self.stats["unacknowledged"],
            "händelser": self.tables["events"].written,
        }
        report.shape = self.shape()
        self.log(f"Formen mätt efter {time.monotonic() - started:.0f} s")
        return report

    def _episodes(self, start_day: dt.date, end_day: dt.date) -> None:
        rng, per_day = self.rng, self.per_year / 365.25
        readmissions: dict[dt.date, list[Person]] = defaultdict(list)
        pending = 0
        day = start_day
        while day <= end_day:
            season = 1 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)
            due = readmissions.pop(day, [])
            count = max(0, poisson(rng, per_day * WEEKDAY[day.weekday()] * season) - len(due))
            hours = rng.choices(range(24), ADMISSION_HOURS, k=len(due) + count)
            for index, hour in enumerate(hours):
                admitted_at = local_moment(day, hour, rng.randrange(60))
                if admitted_at > self.end:
                    continue
                person = due[index] if index < len(due) else self._pick(admitted_at)
                if (
                    person is None
                    or person.dead
                    or (person.busy_until and person.busy_until >= admitted_at)
                ):
                    continue
                self._episode(person, admitted_at, readmissions, end_day)
                pending += 1
            if pending >= self.batch_episodes:
                self.flush()
                pending = 0
                self.log(f"  … {day}: {self.tables['episodes'].written} vårdtillfällen")
            day += dt.timedelta(days=1)

    def _pick(self, admitted_at: dt.datetime) -> Person | None:
        for _ in range(20):
            person = self.people[self.rng.randrange(len(self.people))]
            if not person.dead and not (person.busy_until and person.busy_until >= admitted_at):
                return person
        return None

    def _episode(
        self, person: Person, admitted_at: dt.datetime, readmissions, end_day: dt.date
    ) -> None:
        rng = random.Random(self.rng.getrandbits(64))
        world, shapes = self.world, SHAPES
        age = (local_date(admitted_at) - person.birth).days // 365
        group = "elderly" if age >= shapes["elderly_age"] else "younger"
        ward_id = rng.choices(world.wards, world.ward_weights)[0].pk
        b = EpisodeBuilder(self, rng, person, ward_id)

        needs_help = rng.random() < shapes["may_need_help"][group]
        later = needs_help and rng.random() < shapes["help_assessed_later"]
        stay = max(
            0.1,
            rng.lognormvariate(math.log(shapes["stay_median_days"][group]), shapes["stay_sigma"]),
        )
        ready_day = local_date(admitted_at + dt.timedelta(days=stay))
        ready_at = max(admitted_at + dt.timedelta(hours=1), at_daytime(rng, ready_day, 8, 15))
        ready_day = local_date(ready_at)
        compulsory = (
            ward_id in world.psychiatry_wards
            and rng.random() < shapes["compulsory_care_on_psychiatry"]
        )

        concerned: list[int] = []
        right_needs_assessment = None
        if needs_help:
            units = world.area_units[person.area_id]
            concerned = units[UnitKind.HOME_HEALTH_CARE][:1] + units[UnitKind.NEEDS_ASSESSMENT][:1]
            if concerned and rng.random() < shapes["misdirected_notice"]:
                others = [a for a in world.areas if a.pk != person.area_id]
                wrong = world.area_units[rng.choice(others).pk][UnitKind.NEEDS_ASSESSMENT][:1]
                if wrong and units[UnitKind.NEEDS_ASSESSMENT]:
                    right_needs_assessment = units[UnitKind.NEEDS_ASSESSMENT][0]
                    concerned = units[UnitKind.HOME_HEALTH_CARE][:1] + wrong
            if person.listed_unit_id:
                concerned.append(person.listed_unit_id)

        first_estimate = ready_day + dt.timedelta(days=rng.choice([-2, -1, 0, 0, 0, 1, 2]))
        b.at(
            admitted_at,
            b.admit,
            needs_help and not later,
            first_estimate if (needs_help and not later) or rng.random() < 0.5 else None,
            concerned,
            compulsory,
        )

        # Exits cut the stay short; the steps after them are not applied.
        exit_reason = None
        roll = rng.random()
        for reason, share in shapes["exit"].items():
            if roll < share:
                exit_reason = reason
                break
            roll -= share

        if not needs_help:
            discharge_at = at_daytime(rng, ready_day, 10, 17)
            discharge_at = max(discharge_at, admitted_at + dt.timedelta(hours=2))
            self._close(
                b,
                rng,
                admitted_at,
                discharge_at,
                exit_reason,
                DischargeDestination.HOME,
                transfer=False,
            )
            self._finish(b, person, group, readmissions, end_day, rng)
            return

        assessed_at = admitted_at
        if later:
            assessed_at = admitted_at + dt.timedelta(hours=rng.uniform(12, 60))
            ready_at = max(ready_at, assessed_at + dt.timedelta(hours=12))
            ready_day = local_date(ready_at)
            b.at(assessed_at, b.assess_help_need)
            b.at(assessed_at, b.set_estimated_date, first_estimate)
        if rng.random() < shapes["notice_within_24h"]:
            delay = rng.lognormvariate(math.log(2.5), 1.0) % 23.5
        else:
            delay = rng.uniform(24.5, 72)
        notice_at = assessed_at + dt.timedelta(hours=delay)
        if ready_at < notice_at + dt.timedelta(hours=2):
            ready_at = notice_at + dt.timedelta(hours=rng.uniform(2, 20))
            ready_day = local_date(ready_at)
        b.at(notice_at, b.send_admission_notice)
        if right_needs_assessment is not None:
            b.at(
                notice_at + dt.timedelta(minutes=1),
                self._forward_misdirected,
                b,
                right_needs_assessment,
            )

        # planned-date moves between the notice and the ready day
        moves = weighted(rng, enumerate(shapes["estimated_date_moves"]))
        span = max(ready_at - notice_at, dt.timedelta(hours=2))
        estimate = first_estimate
        for number in range(moves):
            moment = notice_at + span * ((number + 1) / (moves + 1))
            estimate = (
                ready_day + dt.timedelta(days=rng.choice([-1, 1, 2, 3]))
                if number < moves - 1
                else ready_day
            )
            if estimate == first_estimate:
                estimate += dt.timedelta(days=1)
            b.at(moment, b.set_estimated_date, estimate)

        midway = notice_at + span / 2
        if rng.random() < shapes["care_request"]:
            b.at(notice_at + span * 0.3, b.send_care_request)
        for kind, key in (
            (UnitKind.NEEDS_ASSESSMENT, "planning_from_needs_assessment"),
            (UnitKind.HEALTH_CENTRE, "planning_from_health_centre"),
        ):
            if rng.random() < shapes[key]:
                for unit_id in concerned:
                    if world.unit_kind[unit_id] == kind:
                        b.at(
                            midway + dt.timedelta(hours=rng.uniform(0, 8)),
                            b.send_planning_message,
                            unit_id,
                        )
        if rng.random() < shapes["planning_from_ward"]:
            b.at(midway + dt.timedelta(hours=rng.uniform(-4, 4)), b.send_planning_message, ward_id)
        if rng.random() < shapes["care_contact"]:
            b.at(midway + dt.timedelta(hours=rng.uniform(0, 12)), b.appoint_care_contact)

        # the ready notice, a revocation now and then, the ready days and the discharge
        b.at(ready_at, b.send_ready_notice)
        if rng.random() < shapes["revocation"]:
            revoke_at = ready_at + dt.timedelta(hours=rng.uniform(3, 30))
            b.at(revoke_at, b.revoke_ready_notice, rng.choice(REVOCATION_REASONS))
            ready_at = at_daytime(
                rng, local_date(revoke_at) + dt.timedelta(days=rng.randint(1, 4)), 8, 14
            )
            ready_day = local_date(ready_at)
            b.at(ready_at, b.send_ready_notice)
        if rng.random() < shapes["same_day_discharge"]:
            discharge_at = min(
                ready_at + dt.timedelta(hours=rng.uniform(1.5, 7)), local_moment(ready_day, 21, 30)
            )
            discharge_at = max(discharge_at, ready_at + dt.timedelta(minutes=20))
        else:
            if rng.random() < shapes["long_tail"]:
                days = rng.randint(5, 30)
            else:
                days = 1 + min(6, int(rng.expovariate(1 / 0.75)))
            discharge_day = ready_day + dt.timedelta(days=days)
            if discharge_day.weekday() >= 5 and rng.random() < 0.5:
                discharge_day += dt.timedelta(days=7 - discharge_day.weekday())
            discharge_at = at_daytime(rng, discharge_day, 10, 17)

        # SIP: judged needed (or not), offered, invited within 3 days of the ready notice or late
        if rng.random() < shapes["sip_needed"]:
            judged_at = notice_at + span * 0.4
            b.at(judged_at, b.assess_sip_need, True)
            consent = weighted(rng, shapes["sip_consent"].items())
            by = "individual" if consent != "unable" else "relative"
            b.at(
                judged_at + dt.timedelta(hours=rng.uniform(2, 24)), b.record_sip_offer, consent, by
            )
            if consent == "accepted":
                roll = rng.random()
                if roll < shapes["sip_invited_on_time"]:
                    invited_at = ready_at + dt.timedelta(hours=rng.uniform(1, 60))
                elif roll < shapes["sip_invited_on_time"] + shapes["sip_invited_late"]:
                    invited_at = at_daytime(
                        rng, ready_day + dt.timedelta(days=rng.randint(4, 9)), 8, 16
                    )
                else:
                    invited_at = None
                if invited_at is not None:
                    meeting = at_daytime(
                        rng, local_date(invited_at) + dt.timedelta(days=rng.randint(3, 14)), 9, 14
                    )
                    b.at(invited_at, b.record_sip_invitation, meeting)
        elif rng.random() < shapes["sip_judged_not_needed"]:
            b.at(notice_at + span * 0.4, b.assess_sip_need, False)

        destination = weighted(rng, DESTINATIONS)
        self._close(b, rng, admitted_at, discharge_at, exit_reason, destination)
        self._finish(b, person, group, readmissions, end_day, rng)

    def _forward_misdirected(self, at, b: EpisodeBuilder, to_unit: int):
        # Schedule the forward for when the wrong unit opens its inbox, before it acknowledges.
        notices = [
            m
            for m in b.messages
            if m[3] == MessageKind.ADMISSION_NOTICE
            and b.g.world.unit_kind[m[6]] == UnitKind.NEEDS_ASSESSMENT
            and m[6] != to_unit
        ]
        if notices:
            b.misdirected.add(notices[0][0])
            b.at(at + dt.timedelta(minutes=b.rng.randint(20, 240)), b.forward, notices[0], to_unit)

    def _close(
        self, b, rng, admitted_at, discharge_at, exit_reason, destination, *, transfer=True
    ) -> None:
        if exit_reason:
            exit_at = admitted_at + (discharge_at - admitted_at) * rng.uniform(0.1, 0.95)
            b.at(exit_at, b.exit, exit_reason)
            b.end_at = exit_at
        else:
            b.end_at = discharge_at
        if transfer and rng.random() < SHAPES["information_transfer"]:
            b.at(
                max(admitted_at, discharge_at - dt.timedelta(minutes=rng.randint(10, 180))),
                b.record_information_transfer,
            )
        if rng.random() < SHAPES["summary"]:
            b.at(
                max(admitted_at, discharge_at - dt.timedelta(minutes=rng.randint(5, 30))),
                b.record_summary,
            )
        b.at(discharge_at, b.discharge, destination)

    def _finish(
        self, b: EpisodeBuilder, person: Person, group: str, readmissions, end_day, rng
    ) -> None:
        b.run(self.end)
        episode, parties, messages, events = b.rows()
        tables = self.tables
        tables["episodes"].add(episode)
        for row in parties:
            tables["parties"].add(row)
        for row in messages:
            tables["messages"].add(row)
            if row[12] is None and row[14] is None:
                self.stats["unacknowledged"] += 1
        for row in events:
            tables["events"].add(row)
        state = b.ep["state"]
        if state in (EpisodeState.ADMITTED, EpisodeState.READY):
            self.stats["active"] += 1
            person.busy_until = dt.datetime.max.replace(tzinfo=UTC)
            return
        person.busy_until = b.end_at
        if state == EpisodeState.EXITED:
            person.dead = b.ep["exit_reason"] == ExitReason.DEATH
            return
        if rng.random() < SHAPES["readmission_scheduled"][group]:
            roll = rng.random()
            gap = (
                rng.randint(1, 3)
                if roll < 0.2
                else rng.randint(4, 7)
                if roll < 0.38
                else rng.randint(8, 30)
            )
            assert b.end_at is not None  # an ended stay
            day = local_date(b.end_at) + dt.timedelta(days=gap)
            if day <= end_day:
                readmissions[day].append(person)

    def derive_process_state(self) -> int:
        """Let the process engine build the activities, as the live product would have them:
        every event of each episode replayed through the engine in time order
        (`process.engine.replay`; bulk rows bypass `episodes.events.record` and so its
        subscribers), for the active episodes and those ended within `process_days` of the
        end (None: all). Then one sweep at the end time, as the periodic sweeper would have
        left the table. The activity log is not written (no page reads it at scale)."""
        try:
            from process.engine import current_version, replay
            from process.models import EpisodeActivity, EpisodeProcess
            from process.sweeper import sweep
        except ImportError:
            return 0
        version = current_version()
        pending = Episode.objects.exclude(id__in=EpisodeProcess.objects.values("episode_id"))
        if self.process_days is not None:
            since = self.end - dt.timedelta(days=self.process_days)
            pending = pending.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        ids = list(pending.order_by("id").values_list("id", flat=True))
        units = {unit.id: unit for unit in Unit.objects.all()}
        count = 0
        for offset in range(0, len(ids), 500):
            chunk = ids[offset : offset + 500]
            episodes = Episode.objects.in_bulk(chunk)
            history: dict[int, list[Event]] = defaultdict(list)
            for event in Event.objects.filter(episode_id__in=chunk).order_by("occurred_at", "id"):
                event.unit = units.get(event.unit_id) if event.unit_id else None
                event.actor_unit = units.get(event.actor_unit_id) if event.actor_unit_id else None
                history[event.episode_id].append(event)
            parties: dict[int, list[tuple]] = defaultdict(list)
            for episode_id, unit_id, role, added, removed in (
                Party.objects.filter(episode_id__in=chunk)
                .order_by("id")
                .values_list("episode_id", "unit_id", "role", "added_at", "removed_at")
            ):
                parties[episode_id].append((units[unit_id], role, added, removed))
            processes, activities = [], []
            for pk in chunk:
                episode = episodes[pk]
                processes.append(
                    EpisodeProcess(
                        episode_id=pk, version_id=version.id, started_at=episode.admitted_at
                    )
                )
                activities += replay(episode, history[pk], parties[pk], version)
            with transaction.atomic():
                EpisodeProcess.objects.bulk_create(processes, batch_size=2000)
                EpisodeActivity.objects.bulk_create(activities, batch_size=2000)
            count += len(chunk)
            if offset and offset % 5000 == 0:
                self.log(f"  … aktiviteter för {count} vårdtillfällen")
        swept = sweep(now=self.end)
        self.stats["process_episodes"] = count
        self.stats["swept_overdue"] = swept.overdue
        self.log(f"Svep vid slutet: {swept.overdue} försenade, {swept.candidates} kandidater")
        return count

    def shape(self) -> dict:
        """The measured shape of what was made (by PROCESS.md's counting conventions)."""
        return measure_shape(Episode.objects.all())


def measure_shape(episodes) -> dict:
    """Ready days, same-day share, readmission share of the elderly and a few other figures,
    for the given episodes, computed from their events and columns."""
    rows = list(
        episodes.filter(state=EpisodeState.DISCHARGED).values_list(
            "id",
            "ready_at",
            "discharged_at",
            "individual__birth_date",
            "sip_needed",
            "sip_invited_at",
            "admission_notice_sent_at",
            "admitted_at",
            "help_assessed_at",
        )
    )
    ready_days = [(local_date(d) - local_date(r)).days for _, r, d, *_ in rows if r]
    at_least_one = [d for d in ready_days if d >= 1]
    readmitted = set(
        Episode.objects.filter(readmission_of__isnull=False).values_list(
            "readmission_of_id", flat=True
        )
    )
    elderly = [r for r in rows if (local_date(r[2]) - r[3]).days // 365 >= SHAPES["elderly_age"]]
    notices = [r for r in rows if r[6]]
    on_time = [r for r in notices if (r[6] - (r[8] or r[7])) <= dt.timedelta(hours=24)]
    invited = [r for r in rows if r[4] and r[5] and r[1]]
    sip_on_time = [r for r in invited if (local_date(r[5]) - local_date(r[1])).days <= 3]

    def share(part, whole):
        return round(len(part) / len(whole), 3) if whole else None

    return {
        "utskrivna": len(rows),
        "medel_uk_dagar_vgr": round(sum(ready_days) / len(ready_days), 2) if ready_days else None,
        "medel_uk_dagar_skr": round(sum(at_least_one) / len(at_least_one), 2)
        if at_least_one
        else None,
        "andel_samma_dag": share([d for d in ready_days if d == 0], ready_days),
        "andel_aterinskrivna_aldre": share([r for r in elderly if r[0] in readmitted], elderly),
        "andel_im_inom_24h": share(on_time, notices),
        "andel_sip_kallelse_i_tid": share(sip_on_time, invited),
    }


def vacuum_analyze() -> None:
    """Fresh planner statistics, and on PostgreSQL the visibility map too, so index-only scans
    need no heap fetches: what autovacuum (on in production, see README) does after a load.
    A freshly loaded table was never vacuumed; measuring it so measures a database no
    running region has."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
        else:
            # SQLite; or PostgreSQL inside a transaction (a test), where VACUUM cannot run.
            cursor.execute("ANALYZE")


def derive_process(
    *, end: dt.datetime | None = None, process_days: float | None = 90, log=lambda line: None
) -> int:
    """Build (again) the process state of an existing history: drop the process rows, replay
    (`_Generator.derive_process_state`), vacuum. For a history generated before the engine's
    replay existed, or to compare engine versions on the same episodes."""
    from process.models import ActivityLog, DeviationCandidate, EpisodeActivity, EpisodeProcess

    end = (end or timezone.now()).astimezone(UTC).replace(second=0, microsecond=0)
    generator = _Generator(
        years=0,
        seed=0,
        end=end,
        scale="full",
        per_year=0,
        batch_episodes=0,
        log=log,
        process_days=process_days,
    )
    with transaction.atomic():
        DeviationCandidate.objects.all().delete()
        ActivityLog.objects.all().delete()
        EpisodeActivity.objects.all().delete()
        EpisodeProcess.objects.all().delete()
    count = generator.derive_process_state()
    vacuum_analyze()
    return count


def generate_history(
    *,
    years: float = 1,
    seed: int = 1,
    end: dt.datetime | None = None,
    scale: str = "full",
    episodes_per_year: int | None = None,
    batch_episodes: int = 5000,
    log=lambda line: None,
    process_days: float | None = 90,
) -> GenerationReport:
    """Generate `years` of history up to `end` (now) into the default database.

    Deterministic for the same seed, end, scale and episodes per year. Adds to what is there
    (ids continue after the largest); meant for a fresh database.
    """
    end = (end or timezone.now()).astimezone(UTC).replace(second=0, microsecond=0)
    per_year = episodes_per_year or (EPISODES_PER_YEAR_FULL if scale == "full" else 400)
    generator = _Generator(
        years=years,
        seed=seed,
        end=end,
        scale=scale,
        per_year=per_year,
        batch_episodes=batch_episodes,
        log=log,
        process_days=process_days,
    )
    return generator.run()
