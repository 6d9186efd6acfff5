"""Demo data for training, on top of `seed_demo`'s register and logins.

1. Installs the standard courses (the digital course with its parts and lane modules, Basnivå
   i samverkan, SIP meeting-leader training) and the lanes' requirements.
2. Gives every active unit a few fictional staff members (no password: they cannot log in),
   in roles that fit the unit's lane.
3. Lets each unit's staff complete the digital course at a rate of its own (between about a
   fifth and nine tenths), spread over the last eleven months, so coverage differs between
   units and grows over time; some take Basnivå i samverkan at one of three sessions, and a
   few in primary care the SIP meeting-leader training.
4. The demo logins get a part of their lane's modules, so the start page shows what is left.

Idempotent: a database that already has completions is left as it is. Fictional names only.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.models import Completion, Course, Module, Session
from organisations.models import Lane, Membership, Role, Unit, User

FIRST = ["Anna", "Per", "Sara", "Johan", "Eva", "Ali", "Lina", "Mats", "Fatima", "Ola", "Ida"]
LAST = ["Ek", "Lund", "Berg", "Sjöberg", "Nilsson", "Karlsson", "Öberg", "Hassan", "Strand"]
ROLES = {
    Lane.INPATIENT: [Role.NURSE, Role.NURSE, Role.PHYSICIAN, Role.THERAPIST],
    Lane.REGIONAL_PRIMARY_CARE: [Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR],
    Lane.MUNICIPAL_HEALTH_CARE: [Role.NURSE, Role.NURSE, Role.THERAPIST],
    Lane.SOCIAL_SERVICES: [Role.NEEDS_ASSESSOR, Role.NEEDS_ASSESSOR, Role.COORDINATOR],
}
# demo login -> module codes done
DEMO_DONE = {
    "sjukskoterska": ["LP-1", "LP-2", "LP-3A"],
    "lakare": ["LP-1"],
    "vardcentral": ["LP-1", "LP-2", "LP-3B", "LP-4", "LP-5"],
    "hemsjukvard": ["LP-1", "LP-2"],
    "bistand": ["LP-1", "LP-2", "LP-3D", "LP-4"],
}


class Command(BaseCommand):
    help = "Create demo courses, staff and completions with realistic training coverage."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if Completion.objects.exists():
            self.stdout.write("Utbildningsdata finns redan.")
            return
        count = self._seed(random.Random(options["seed"]))
        self.stdout.write(f"Utbildning: {count} genomförda moduler.")

    @transaction.atomic
    def _seed(self, rng: random.Random) -> int:
        digital = install_standard_courses()
        today = timezone.localdate()
        basic = Course.objects.get(name="Basnivå i samverkan")
        leader = Course.objects.get(name="SIP-samtalsledarutbildning")
        sessions = [
            Session.objects.create(
                course=basic,
                starts_on=today - dt.timedelta(days=days),
                ends_on=today - dt.timedelta(days=days - 1),
                place=place,
                capacity=30,
            )
            for days, place in [(300, "Göteborg"), (180, "Partille"), (60, "Kungälv")]
        ]
        leader_session = Session.objects.create(
            course=leader, starts_on=today - dt.timedelta(days=120), place="Göteborg", capacity=25
        )
        rows: list[Completion] = []
        basic_module = Module.objects.get(code="BAS")
        leader_module = Module.objects.get(code="SIP-LED")
        for unit in Unit.objects.filter(is_active=True).order_by("name"):
            rate = rng.uniform(0.2, 0.9)
            for n in range(rng.randint(3, 7)):
                role = rng.choice(ROLES[Lane(unit.lane)])
                user = User(
                    username=f"utb-{unit.pk}-{n + 1}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    title="Fiktiv medarbetare (demo)",
                )
                user.set_unusable_password()
                user.save()
                Membership.objects.create(user=user, unit=unit, role=role)
                modules = digital.modules_for_lane(unit.lane)
                if rng.random() < rate:
                    taken = modules  # all of it
                else:
                    taken = modules[: rng.randint(0, len(modules) - 1)]
                start = today - dt.timedelta(days=rng.randint(20, 330))
                for i, module in enumerate(taken):
                    day = min(today, start + dt.timedelta(days=i * rng.randint(0, 6)))
                    rows.append(Completion(user=user, module=module, completed_on=day))
                if rng.random() < 0.2:
                    session = rng.choice(sessions)
                    rows.append(
                        Completion(
                            user=user,
                            module=basic_module,
                            completed_on=session.ends_on or session.starts_on,
                            session=session,
                        )
                    )
                if unit.lane == Lane.REGIONAL_PRIMARY_CARE and rng.random() < 0.25:
                    rows.append(
                        Completion(
                            user=user,
                            module=leader_module,
                            completed_on=leader_session.starts_on,
                            session=leader_session,
                        )
                    )
        for username, codes in DEMO_DONE.items():
            login = User.objects.filter(username=username).first()
            if login is None:
                continue
            for i, code in enumerate(codes):
                rows.append(
                    Completion(
                        user=login,
                        module=Module.objects.get(code=code),
                        completed_on=today - dt.timedelta(days=40 - i * 3),
                    )
                )
        Completion.objects.bulk_create(rows)
        return len(rows)
