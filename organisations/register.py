"""The organisation register of Göteborgsområdet, as the seeds describe it (unit names invented).

`build_register` creates it idempotently at any size: the demo uses a small one, the
benchmark generator the full one (~100 wards, ~140 health centres).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from organisations.models import Area, Lane, Principal, PrincipalKind, Unit, UnitKind

REGION_NAME = "Västra Götalandsregionen"

# Principal name -> (SCB code, its NOSAM areas)
MUNICIPALITIES: dict[str, tuple[str, list[str]]] = {
    "Göteborgs stad": (
        "1480",
        [
            "Angered",
            "Askim/Frölunda/Högsbo",
            "Centrum",
            "Lundby",
            "Majorna/Linné",
            "Norra Hisingen",
            "Västra Göteborg",
            "Västra Hisingen",
            "Örgryte/Härlanda",
            "Östra Göteborg",
        ],
    ),
    "Partille kommun": ("1402", ["Partille"]),
    "Härryda kommun": ("1401", ["Härryda"]),
    "Mölndals stad": ("1481", ["Mölndal"]),
    "Öckerö kommun": ("1407", ["Öckerö"]),
}

HOSPITALS = ["Sjukhuset Öst", "Sjukhuset Väst", "Sjukhuset Centrum", "Sjukhuset Mölndal"]
WARD_SPECIALTIES = [
    "Medicin",
    "Geriatrik",
    "Kardiologi",
    "Ortopedi",
    "Kirurgi",
    "Neurologi",
    "Infektion",
    "Lungmedicin",
    "Njurmedicin",
    "Strokeenhet",
    "Akutvårdsavdelning",
    "Psykiatri",
]
HEALTH_CENTRE_SUFFIXES = [
    "",
    " Norra",
    " Södra",
    " Östra",
    " Västra",
    " Centrum",
    " Torget",
    " Parken",
    " Kyrkbyn",
    " Hamnen",
    " Backa",
    " Dalen",
    " Berget",
    " Ängen",
]


@dataclass(frozen=True)
class RegisterSize:
    wards: int = 8
    health_centres_per_area: int = 1


DEMO_SIZE = RegisterSize()
FULL_SIZE = RegisterSize(wards=100, health_centres_per_area=10)


@transaction.atomic
def build_register(size: RegisterSize = DEMO_SIZE) -> Principal:
    """Create (or complete) the region, municipalities, areas and units; returns the region."""
    region, _ = Principal.objects.get_or_create(
        name=REGION_NAME, defaults={"kind": PrincipalKind.REGION}
    )
    for municipality_name, (code, areas) in MUNICIPALITIES.items():
        municipality, _ = Principal.objects.get_or_create(
            name=municipality_name,
            defaults={"kind": PrincipalKind.MUNICIPALITY, "code": code},
        )
        for area_name in areas:
            area, _ = Area.objects.get_or_create(
                name=area_name, defaults={"municipality": municipality}
            )
            for kind, label in (
                (UnitKind.NEEDS_ASSESSMENT, "Biståndshandläggning"),
                (UnitKind.HOME_HEALTH_CARE, "Hemsjukvård"),
            ):
                Unit.objects.get_or_create(
                    principal=municipality,
                    name=f"{label} {area_name}",
                    defaults={"lane": _lane(kind), "kind": kind, "area": area},
                )
            for index in range(size.health_centres_per_area):
                suffix = HEALTH_CENTRE_SUFFIXES[index % len(HEALTH_CENTRE_SUFFIXES)]
                number = (
                    ""
                    if index < len(HEALTH_CENTRE_SUFFIXES)
                    else f" {index // len(HEALTH_CENTRE_SUFFIXES) + 1}"
                )
                Unit.objects.get_or_create(
                    principal=region,
                    name=f"Vårdcentralen {area_name}{suffix}{number}",
                    defaults={
                        "lane": Lane.REGIONAL_PRIMARY_CARE,
                        "kind": UnitKind.HEALTH_CENTRE,
                        "area": area,
                    },
                )
    for index in range(size.wards):
        hospital = HOSPITALS[index % len(HOSPITALS)]
        specialty = WARD_SPECIALTIES[(index // len(HOSPITALS)) % len(WARD_SPECIALTIES)]
        number = index // (len(HOSPITALS) * len(WARD_SPECIALTIES)) + 1
        Unit.objects.get_or_create(
            principal=region,
            name=f"{specialty}avdelning {number}, {hospital}",
            defaults={"lane": Lane.INPATIENT, "kind": UnitKind.WARD},
        )
    Unit.objects.get_or_create(
        principal=region,
        name="Psykiatrisk öppenvård Centrum",
        defaults={
            "lane": Lane.REGIONAL_PRIMARY_CARE,
            "kind": UnitKind.PSYCHIATRIC_OUTPATIENT,
            "area": Area.objects.get(name="Centrum"),
        },
    )
    return region


def _lane(kind: str) -> str:
    from organisations.models import LANE_OF_KIND

    return LANE_OF_KIND[kind]
