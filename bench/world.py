"""The world the synthetic episodes happen in: staff, fictional people, small helpers."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from bench.bulk import IdAllocator, Table
from bench.shapes import (
    AREA_POPULATION,
    GOTEBORG_DISTRICT_POPULATION,
    POSTAL,
    SHAPES,
    STAFF,
)
from core.timerules import STOCKHOLM, UTC
from individuals.fictional import FAMILY, GIVEN, STREETS
from individuals.identifiers import PERSONNUMMER
from individuals.models import Individual
from organisations.models import Area, Membership, Role, Unit, UnitKind, User

BENCH_PASSWORD = "samsyn-bench-1"


# -- the register and the staff -------------------------------------------------------------------


def create_staff(rng: random.Random, units: list[Unit], scale: str) -> None:
    """Users and memberships for every unit (idempotent: existing usernames are kept)."""
    factor = 1.0 if scale == "full" else 0.2
    password = make_password(BENCH_PASSWORD)
    users, wanted = [], []
    for unit in units:
        for role, count in STAFF.get(UnitKind(unit.kind), []):
            for number in range(max(1, round(count * factor))):
                username = f"u{unit.pk}-{role}-{number + 1}"
                users.append(
                    User(
                        username=username,
                        password=password,
                        first_name=rng.choice(GIVEN),
                        last_name=rng.choice(FAMILY),
                        title=str(Role(role).label),
                    )
                )
                wanted.append((username, unit.pk, role))
    admins = [("bench-admin", None, Role.ADMINISTRATOR)]
    region_unit = next((u for u in units if u.kind == UnitKind.WARD), None)
    for username, _, _ in admins:
        users.append(
            User(username=username, password=password, first_name="Admin", last_name="Bench")
        )
    User.objects.bulk_create(users, batch_size=1000, ignore_conflicts=True)
    ids = dict(
        User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id")
    )
    memberships = [
        Membership(user_id=ids[name], unit_id=unit_id, role=role) for name, unit_id, role in wanted
    ]
    if region_unit is not None:
        memberships += [
            Membership(user_id=ids[name], unit_id=region_unit.pk, role=role)
            for name, _, role in admins
        ]
    Membership.objects.bulk_create(memberships, batch_size=1000, ignore_conflicts=True)


# -- small helpers --------------------------------------------------------------------------------


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid_hex(rng: random.Random) -> str:
    """A random (version 4) UUID from the seeded generator, as 32 hex digits."""
    return "%032x" % (rng.getrandbits(128) & _UUID_CLEAR | _UUID_SET)


def dashed_uuid(hex32: str) -> str:
    return str(uuid.UUID(hex32))


def _luhn_digit(nine: str) -> int:
    total = 0
    for index, char in enumerate(nine):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def fictional_identifier(birth: dt.date, serial: int) -> str:
    """A 12-digit test personnummer: serial 980–999 (the 98xx/99xx test series), Luhn-valid."""
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{_luhn_digit(nine)}"


def local_moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


def at_daytime(rng: random.Random, day: dt.date, first_hour: int, last_hour: int) -> dt.datetime:
    return local_moment(day, rng.randint(first_hour, last_hour), rng.randrange(0, 60, 5))


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, count, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def iso_utc(moment: dt.datetime) -> str:
    # What `.isoformat()` gives on a datetime read back from the database (UTC).
    return moment.astimezone(UTC).isoformat()


# -- the world the episodes happen in ------------------------------------------------------------


class World:
    """The register, staff and people, loaded once, with the lookups the episodes need."""

    def __init__(self, rng: random.Random):
        units = list(Unit.objects.filter(is_active=True).select_related("area"))
        self.unit_public = {u.pk: u.public_id for u in units}
        self.unit_kind = {u.pk: u.kind for u in units}
        self.wards = [u for u in units if u.kind == UnitKind.WARD]
        self.ward_weights = [
            3 if u.name.startswith(("Medicin", "Geriatrik")) else 1 for u in self.wards
        ]
        self.psychiatry_wards = {u.pk for u in self.wards if u.name.startswith("Psykiatri")}
        self.areas = list(Area.objects.select_related("municipality"))
        self.area_units: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for unit in units:
            if unit.area_id:
                self.area_units[unit.area_id][unit.kind].append(unit.pk)
        self.staff: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.staff_names: dict[int, str] = {}
        rows = Membership.objects.filter(unit__in=units).values_list(
            "unit_id", "role", "user_id", "user__first_name", "user__last_name"
        )
        for unit_id, role, user_id, first, last in rows:
            self.staff[(unit_id, role)].append(user_id)
            self.staff_names[user_id] = f"{first} {last}"
        self.rng = rng

    def actor(self, rng: random.Random, unit_id: int, *roles: str) -> int | None:
        for role in roles:
            users = self.staff.get((unit_id, role))
            if users:
                return rng.choice(users)
        return None

    def care_actor(self, rng: random.Random, unit_id: int) -> int | None:
        kind = self.unit_kind[unit_id]
        if kind == UnitKind.NEEDS_ASSESSMENT:
            return self.actor(rng, unit_id, Role.NEEDS_ASSESSOR)
        if kind in (UnitKind.HEALTH_CENTRE, UnitKind.PSYCHIATRIC_OUTPATIENT):
            return self.actor(rng, unit_id, Role.COORDINATOR, Role.NURSE)
        return self.actor(rng, unit_id, Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR)


@dataclass
class Person:
    id: int
    area_id: int
    listed_unit_id: int | None
    birth: dt.date
    name: str
    identifier: str
    address: str
    protected: bool
    busy_until: dt.datetime | None = None
    dead: bool = False
    last_discharge: tuple | None = None  # (episode id, public id, discharged_at)


def create_people(
    rng,
    world: World,
    count: int,
    end: dt.date,
    ids: IdAllocator,
    table: Table,
    created_at: dt.datetime,
) -> list[Person]:
    taken = set(Individual.objects.values_list("identifier", flat=True))
    area_weights = []
    for area in world.areas:
        area_weights.append(AREA_POPULATION.get(area.name, GOTEBORG_DISTRICT_POPULATION))
    people: list[Person] = []
    elderly_share = SHAPES["share_elderly_in_population"]
    while len(people) < count:
        if rng.random() < elderly_share:
            age = min(104, 65 + int(rng.expovariate(1 / 13)))
        else:
            age = rng.randint(1, 64)
        birth = end - dt.timedelta(days=age * 365 + rng.randrange(365))
        identifier = fictional_identifier(birth, rng.randint(980, 999))
        if identifier in taken:
            continue
        taken.add(identifier)
        area = rng.choices(world.areas, area_weights)[0]
        centres = world.area_units[area.pk][UnitKind.HEALTH_CENTRE]
        listed = rng.choice(centres) if centres and rng.random() < 0.97 else None
        municipality = area.municipality
        prefix, city = POSTAL.get(municipality.name, ("41", municipality.name))
        postal = prefix + "".join(str(rng.randrange(10)) for _ in range(5 - len(prefix)))
        protected = rng.random() < SHAPES["protected_identity"]
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        person = Person(
            id=ids.next(Individual),
            area_id=area.pk,
            listed_unit_id=listed,
            birth=birth,
            name=f"{given} {family}",
            identifier=identifier,
            address="" if protected else f"{street} {postal} {city}",
            protected=protected,
        )
        table.add(
            (
                person.id,
                uuid_hex(rng),
                identifier,
                PERSONNUMMER,
                given,
                family,
                birth,
                "" if protected else street,
                "" if protected else postal,
                "" if protected else city,
                f"07{rng.randint(0, 99999999):08d}",
                municipality.pk,
                area.pk,
                listed,
                protected,
                created_at,
            )
        )
        people.append(person)
    return people
