"""Shared test fixtures' building blocks: a small register, users per lane, episodes.

They live above every app (not in `core`, which imports no app), so any app's tests may
use them.

Fictional data only: the identity numbers below are Skatteverket-style test numbers
(valid checksum, invented people).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from episodes import actions
from episodes.models import Episode
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Area, Membership, Role, Unit, User
from organisations.register import build_register

PASSWORD = "samsyn-test-1"

# Test personal identity numbers (checksums valid), never real people.
TEST_IDENTIFIERS = [
    "194107089981",
    "193902229925",
    "194512319981",
    "193411199916",
    "195001019982",
    "192803139928",
    "193607159989",
    "194808259933",
    "194202289916",
    "195312249989",
]


@dataclass
class Org:
    ward: Unit
    other_ward: Unit
    health_centre: Unit
    needs_assessment: Unit
    home_health_care: Unit
    unrelated_needs_assessment: Unit
    partille_area: Area
    nurse: User
    physician: User
    gp_nurse: User  # health centre (regional primary care)
    needs_assessor: User
    home_care_nurse: User
    outsider: User  # needs assessor in Öckerö, party to nothing
    manager: User
    admin: User


def make_user(username: str, unit: Unit, role: str, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **extra
    )
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_org() -> Org:
    build_register()
    partille = Area.objects.get(name="Partille")
    units = {
        "ward": Unit.objects.get(name="Medicinavdelning 1, Sjukhuset Öst"),
        "other_ward": Unit.objects.get(name="Geriatrikavdelning 1, Sjukhuset Väst"),
        "health_centre": Unit.objects.get(name="Vårdcentralen Partille"),
        "needs_assessment": Unit.objects.get(name="Biståndshandläggning Partille"),
        "home_health_care": Unit.objects.get(name="Hemsjukvård Partille"),
        "unrelated_needs_assessment": Unit.objects.get(name="Biståndshandläggning Öckerö"),
    }
    admin = User.objects.create_superuser(username="admin", password=PASSWORD)
    return Org(
        **units,
        partille_area=partille,
        nurse=make_user("nurse", units["ward"], Role.NURSE),
        physician=make_user("physician", units["ward"], Role.PHYSICIAN),
        gp_nurse=make_user("gpnurse", units["health_centre"], Role.NURSE),
        needs_assessor=make_user("assessor", units["needs_assessment"], Role.NEEDS_ASSESSOR),
        home_care_nurse=make_user("homecare", units["home_health_care"], Role.NURSE),
        outsider=make_user("outsider", units["unrelated_needs_assessment"], Role.NEEDS_ASSESSOR),
        manager=make_user("manager", units["needs_assessment"], Role.MANAGER),
        admin=admin,
    )


def make_individual(org: Org, identifier: str = TEST_IDENTIFIERS[0], **fields) -> Individual:
    parsed = parse_identifier(identifier)
    defaults = dict(
        given_name="Sven",
        family_name="Testsson",
        address="Testgatan 1",
        postal_code="43330",
        city="Partille",
        municipality=org.partille_area.municipality,
        residence_area=org.partille_area,
        listed_unit=org.health_centre,
    )
    defaults.update(fields)
    return Individual.objects.create(
        identifier=parsed.number,
        identifier_kind=parsed.kind,
        birth_date=parsed.birth_date,
        **defaults,
    )


def admit(
    org: Org,
    *,
    identifier: str = TEST_IDENTIFIERS[0],
    admitted_at: dt.datetime | None = None,
    send_notice: bool = True,
    estimated: dt.date | None = None,
    **kw,
) -> Episode:
    """Admit through the real action, as the ward nurse, with the proposed units concerned."""
    if not Individual.objects.filter(identifier=identifier).exists():
        make_individual(org, identifier)
    admitted_at = admitted_at or timezone.now() - dt.timedelta(hours=2)
    return actions.do_admit(
        org.nurse,
        org.ward,
        actions.AdmissionInput(
            identifier=identifier,
            admitted_at=admitted_at,
            may_need_help=True,
            estimated_discharge_date=estimated
            or (timezone.localdate(admitted_at) + dt.timedelta(days=5)),
            send_admission_notice=send_notice,
            **kw,
        ),
    )
