"""Demo data: Göteborgsområdet's register, demo logins and ~150 episodes in every phase.

1. Builds the organisation register (organisations/register.py) and one staff user per unit.
2. Creates the documented demo logins (one per lane, a manager, a process leader, an
   administrator and a user at an unrelated unit).
3. Plays out each episode's history through the real actions (episodes/actions.py) with a
   simulated clock, so that every event, message and acknowledgement is exactly what the
   product would have recorded, spread over the last six weeks.

Idempotent: a database that already has the demo logins is left as it is. Fictional people
only: test personal identity numbers (serial numbers 98xx/99xx) and invented names.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.errors import ActionError
from episodes import actions
from episodes.models import Episode, Message, MessageKind
from individuals.fictional import FAMILY, GIVEN, STREETS
from individuals.identifiers import luhn_ok
from individuals.models import Individual, Relative
from organisations.models import Area, Lane, Membership, Role, Unit, UnitKind, User
from organisations.register import build_register

DEMO_PASSWORD = "samsyn-demo"
DEMO_WARD = "Medicinavdelning 1, Sjukhuset Öst"

# username, first, last, title, unit name, role
DEMO_LOGINS = [
    ("sjukskoterska", "Maria", "Lindqvist", "Sjuksköterska, slutenvård", DEMO_WARD, Role.NURSE),
    ("lakare", "Erik", "Holmgren", "Läkare, slutenvård", DEMO_WARD, Role.PHYSICIAN),
    (
        "vardcentral",
        "Karin",
        "Bergström",
        "Distriktssköterska, fast vårdkontakt",
        "Vårdcentralen Partille",
        Role.NURSE,
    ),
    (
        "hemsjukvard",
        "Jonas",
        "Dahlberg",
        "Sjuksköterska, hemsjukvård",
        "Hemsjukvård Partille",
        Role.NURSE,
    ),
    (
        "bistand",
        "Lena",
        "Ekström",
        "Biståndshandläggare",
        "Biståndshandläggning Partille",
        Role.NEEDS_ASSESSOR,
    ),
    ("chef", "Eva", "Strandberg", "Enhetschef", "Biståndshandläggning Partille", Role.MANAGER),
    (
        "processledare",
        "Per",
        "Nyborg",
        "Processledare vårdsamverkan",
        "Vårdcentralen Partille",
        Role.PROCESS_LEADER,
    ),
    (
        "obehorig",
        "Olle",
        "Obehörigsson",
        "Biståndshandläggare (annan kommun)",
        "Biståndshandläggning Öckerö",
        Role.NEEDS_ASSESSOR,
    ),
]


class SimulatedClock:
    """Moves `timezone.now()` through the demo history while the actions run."""

    def __init__(self):
        self.now = timezone.now()

    @contextmanager
    def at(self, moment: dt.datetime):
        previous, self.now = self.now, moment
        try:
            yield
        finally:
            self.now = previous


def test_identity_numbers(rng: random.Random, count: int) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        birth = dt.date(1925, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
        stem = f"{birth:%Y%m%d}{rng.choice(['98', '99'])}{rng.randrange(10)}"
        for check in range(10):
            if luhn_ok(stem[2:] + str(check)):
                numbers.add(stem + str(check))
                break
    return sorted(numbers)


class Command(BaseCommand):
    help = "Create the demo: register, demo logins and ~150 episodes in every phase."

    def add_arguments(self, parser):
        parser.add_argument("--episodes", type=int, default=150)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if User.objects.filter(username="sjukskoterska").exists():
            self.stdout.write("Demo data finns redan.")
        else:
            self._seed(options["episodes"], random.Random(options["seed"]))
        call_command("seed_sip_demo", verbosity=options["verbosity"])
        call_command("seed_deviations_demo", verbosity=options["verbosity"])
        call_command("seed_reserve_contacts", verbosity=options["verbosity"])
        call_command("seed_surveys_demo", verbosity=options["verbosity"])
        call_command("seed_competence_demo", verbosity=options["verbosity"])
        call_command("seed_governance_demo", verbosity=options["verbosity"])
        call_command("seed_portal_demo", verbosity=options["verbosity"])
        call_command("seed_adt_demo", verbosity=options["verbosity"])
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"\nDemoinloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        for username, first, last, title, unit, _role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {first} {last} – {title}, {unit}")
        self.stdout.write(f"  {'admin':<14} Administratör (register, loggranskning, /admin/)")
        self.stdout.write("\nSamsyn: http://127.0.0.1:8000/\n")

    @transaction.atomic
    def _seed(self, count: int, rng: random.Random):
        build_register()
        clock = SimulatedClock()
        admin = User.objects.create_superuser(
            "admin", "", DEMO_PASSWORD, first_name="Ada", last_name="Admin"
        )
        Membership.objects.create(
            user=admin, unit=Unit.objects.get(name=DEMO_WARD), role=Role.ADMINISTRATOR
        )
        for username, first, last, title, unit, role in DEMO_LOGINS:
            user = User.objects.create_user(
                username, password=DEMO_PASSWORD, first_name=first, last_name=last, title=title
            )
            Membership.objects.create(user=user, unit=Unit.objects.get(name=unit), role=role)
        staff = self._staff_per_unit()

        individuals = self._individuals(count, rng)
        wards = list(Unit.objects.filter(kind=UnitKind.WARD).order_by("name"))
        demo_ward = Unit.objects.get(name=DEMO_WARD)
        made = {"episodes": 0, "refused": 0}
        with mock.patch("django.utils.timezone.now", lambda: clock.now):
            for index, individual in enumerate(individuals):
                ward = demo_ward if index % 3 == 0 else rng.choice(wards)
                try:
                    self._play_episode(clock, rng, staff, individual, ward, index, count)
                    made["episodes"] += 1
                except ActionError as error:  # a demo history that the rules refuse is skipped
                    made["refused"] += 1
                    self.stderr.write(f"Skipped one demo episode: {error.message}")
            self._acknowledge_waiting(clock, rng, staff)
        self.stdout.write(
            f"Skapade {Episode.objects.count()} vårdtillfällen, "
            f"{Message.objects.count()} meddelanden "
            f"för {len(individuals)} individer."
        )

    def _acknowledge_waiting(self, clock, rng, staff):
        """Offices work their inboxes: most messages are acknowledged within hours, so what
        waits in the demo inboxes is the last day's mail and a few forgotten ones."""
        now = clock.now
        waiting = (
            Message.objects.filter(acknowledged_at__isnull=True, forwarded_to__isnull=True)
            .select_related("episode")
            .order_by("sent_at")
        )
        for message in waiting:
            ack_at = message.sent_at + dt.timedelta(hours=rng.expovariate(1 / 8))
            user = staff.get(message.recipient_unit_id)
            if user is None or ack_at >= now - dt.timedelta(hours=12) or rng.random() < 0.05:
                continue
            with clock.at(ack_at):
                actions.do_acknowledge(user, message)

    def _staff_per_unit(self) -> dict[int, User]:
        """One care user per unit, so every unit in the demo can act (named after the unit)."""
        staff: dict[int, User] = {}
        demo_users = {
            m.unit_id: m.user
            for m in Membership.objects.select_related("user").filter(
                role__in=[Role.NURSE, Role.NEEDS_ASSESSOR]
            )
        }
        physicians = {m.unit_id: m.user for m in Membership.objects.filter(role=Role.PHYSICIAN)}
        for unit in Unit.objects.all():
            if unit.id in demo_users:
                staff[unit.id] = demo_users[unit.id]
                continue
            role = {Lane.SOCIAL_SERVICES: Role.NEEDS_ASSESSOR}.get(unit.lane, Role.NURSE)
            user = User.objects.create_user(
                f"personal{unit.id}",
                password=DEMO_PASSWORD,
                first_name="Personal",
                last_name=unit.name[:100],
            )
            Membership.objects.create(user=user, unit=unit, role=role)
            staff[unit.id] = user
        staff["physicians"] = physicians  # type: ignore[index]
        return staff

    def _individuals(self, count: int, rng: random.Random) -> list[Individual]:
        areas = list(Area.objects.select_related("municipality"))
        partille = Area.objects.get(name="Partille")
        people = []
        for index, number in enumerate(test_identity_numbers(rng, count)):
            area = partille if index % 3 == 0 else rng.choice(areas)
            listed = (
                Unit.objects.filter(area=area, kind=UnitKind.HEALTH_CENTRE).order_by("?").first()
            )
            person = Individual.objects.create(
                identifier=number,
                identifier_kind="personnummer",
                birth_date=dt.date(int(number[:4]), int(number[4:6]), int(number[6:8])),
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                address=f"{rng.choice(STREETS)} {rng.randrange(1, 60)}",
                postal_code=f"4{rng.randrange(1000, 9999)}",
                city=area.municipality.name.replace(" kommun", "").replace("s stad", ""),
                municipality=area.municipality,
                residence_area=area,
                listed_unit=listed,
                protected_identity=(index == 7),
            )
            if rng.random() < 0.6:
                Relative.objects.create(
                    individual=person,
                    name=f"{rng.choice(GIVEN)} {person.family_name}",
                    relation=rng.choice(["Make/maka", "Dotter", "Son", "Sambo"]),
                    phone=f"070-{rng.randrange(1000000, 9999999)}",
                    is_legal_representative=rng.random() < 0.1,
                )
            people.append(person)
        return people

    def _play_episode(self, clock, rng, staff, individual, ward, index, count):
        """One stay: how far it got depends on when it started (older ones are finished)."""
        now = timezone.localtime(clock.now)
        age_hours = rng.uniform(2, 24 * 42) if index % 5 else rng.uniform(2, 24 * 6)
        admitted_at = now - dt.timedelta(hours=age_hours)
        nurse = staff[ward.id]
        physician = staff["physicians"].get(ward.id, nurse)
        may_need_help = rng.random() < 0.85
        los_days = max(1, int(rng.gammavariate(2.0, 3.0)))
        estimated = timezone.localdate(admitted_at) + dt.timedelta(days=los_days)
        late_notice = rng.random() < 0.15
        send_now = may_need_help and not late_notice
        with clock.at(admitted_at):
            episode = actions.do_admit(
                nurse,
                ward,
                actions.AdmissionInput(
                    identifier=individual.identifier,
                    admitted_at=admitted_at,
                    may_need_help=may_need_help,
                    estimated_discharge_date=estimated,
                    send_admission_notice=send_now,
                ),
            )
        t = admitted_at

        def step(hours: float) -> bool:
            nonlocal t
            t = t + dt.timedelta(hours=hours)
            return t < now

        if may_need_help and late_notice and step(rng.uniform(20, 40)):
            with clock.at(t):
                actions.do_send_admission_notice(nurse, episode)
        if not may_need_help:
            if step(24 * los_days):
                with clock.at(t):
                    actions.do_discharge(nurse, episode, "home", discharged_at=t)
            return
        # The units concerned acknowledge and plan.
        for message in Message.objects.filter(episode=episode, kind=MessageKind.ADMISSION_NOTICE):
            ack_at = t + dt.timedelta(hours=rng.expovariate(1 / 6))
            if ack_at < now and rng.random() < 0.9:
                with clock.at(ack_at):
                    actions.do_acknowledge(staff[message.recipient_unit_id], message)
        municipal = [
            p.unit
            for p in episode.parties.select_related("unit")
            if p.unit.lane == Lane.SOCIAL_SERVICES
        ]
        if municipal and step(rng.uniform(6, 30)):
            with clock.at(t):
                actions.do_send_planning_message(
                    staff[municipal[0].id],
                    episode,
                    actions.PlanningInput(
                        status="Bor ensam, klarade sig själv före inskrivningen.",
                        remaining_needs=rng.choice(
                            [
                                "Hjälp med dusch och inköp.",
                                "Tillsyn nattetid.",
                                "Trygghetslarm och matdistribution.",
                            ]
                        ),
                        planned_actions="Hembesök med arbetsterapeut inför hemgång.",
                    ),
                )
        health_centre = individual.listed_unit
        if health_centre and step(rng.uniform(4, 24)):
            with clock.at(t):
                actions.do_appoint_care_contact(
                    staff[health_centre.id], episode, f"Distriktssköterska vid {health_centre.name}"
                )
                actions.do_assess_sip_need(staff[health_centre.id], episode, rng.random() < 0.45)
        if rng.random() < 0.3 and step(rng.uniform(12, 48)):
            with clock.at(t):
                moved = estimated + dt.timedelta(days=rng.choice([-1, 1, 2, 3]))
                if moved != episode.estimated_discharge_date and moved >= timezone.localdate(
                    admitted_at
                ):
                    actions.do_set_estimated_date(nurse, episode, moved)
        if index % 29 == 0 and step(rng.uniform(24, 72)):
            with clock.at(t):
                actions.do_exit(
                    nurse, episode, rng.choice(["death", "transfer", "declined"]), occurred_at=t
                )
            return
        ready_in = max(2.0, 24 * los_days - (t - admitted_at).total_seconds() / 3600)
        if not step(ready_in):
            return
        with clock.at(t):
            actions.do_send_ready_notice(physician, episode, occurred_at=t)
        if rng.random() < 0.08 and step(rng.uniform(4, 20)):
            with clock.at(t):
                actions.do_revoke_ready_notice(
                    physician, episode, "Nytillkommen infektion, fortsatt slutenvård."
                )
            if not step(rng.uniform(24, 72)):
                return
            with clock.at(t):
                actions.do_send_ready_notice(physician, episode, occurred_at=t)
        episode.refresh_from_db()
        if (
            episode.sip_needed
            and health_centre
            and step(rng.uniform(4, 24 * (4 if rng.random() < 0.2 else 2)))
        ):
            with clock.at(t):
                actions.do_record_sip_offer(
                    staff[health_centre.id], episode, "accepted", "individual"
                )
                actions.do_record_sip_invitation(
                    staff[health_centre.id], episode, t + dt.timedelta(days=5)
                )
        # Ready days: about two thirds leave on the ready day, with a long tail.
        ready_days = 0 if rng.random() < 0.65 else int(rng.expovariate(1 / 3)) + 1
        ready_at = timezone.localtime(episode.ready_at)
        discharge_at = ready_at.replace(hour=14, minute=0) + dt.timedelta(days=ready_days)
        if discharge_at <= ready_at:
            discharge_at = ready_at + dt.timedelta(hours=2)
        if discharge_at >= now:
            return
        with clock.at(discharge_at):
            actions.do_record_information_transfer(
                nurse, episode, occurred_at=discharge_at - dt.timedelta(hours=1)
            )
            actions.do_record_summary(
                nurse, episode, occurred_at=discharge_at - dt.timedelta(minutes=30)
            )
            actions.do_discharge(
                nurse,
                episode,
                rng.choice(["home", "home_with_support", "home_with_support", "short_term_care"]),
                discharged_at=discharge_at,
            )
