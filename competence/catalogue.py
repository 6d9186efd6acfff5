"""The courses of the collaboration as the 2026 material describes them, with the lanes'
requirements: created by `install_standard_courses` (the demo and tests), editable in the admin."""

from __future__ import annotations

from competence.models import Course, CourseKind, Module, Requirement
from organisations.models import Lane

DIGITAL = "Samverkan vid in- och utskrivning (Lärportalen)"
BASIC = "Basnivå i samverkan"
SIP_LEADER = "SIP-samtalsledarutbildning"

# (code, part, title, lane or "", minutes)
DIGITAL_MODULES = [
    ("LP-1", 1, "Del 1: Gemensam introduktion", "", 10),
    ("LP-2", 2, "Del 2: Flödesschemat", "", 10),
    ("LP-3A", 3, "Del 3A: Simbana A – slutenvård", Lane.INPATIENT, 15),
    ("LP-3B", 3, "Del 3B: Simbana B – regional primärvård", Lane.REGIONAL_PRIMARY_CARE, 15),
    ("LP-3C", 3, "Del 3C: Simbana C – kommunal primärvård", Lane.MUNICIPAL_HEALTH_CARE, 15),
    ("LP-3D", 3, "Del 3D: Simbana D – kommunal socialtjänst", Lane.SOCIAL_SERVICES, 15),
    ("LP-4", 4, "Del 4: Delprocesserna SIP och egenvård", "", 15),
    ("LP-5", 5, "Del 5: Avslutning och utvärdering", "", 5),
]


def install_standard_courses() -> Course:
    """Create (or leave as they are) the three courses and the digital course's requirements:
    every lane takes parts 1, 2, 4 and 5 and its own part 3 module. Returns the digital course."""
    digital, _ = Course.objects.get_or_create(
        name=DIGITAL,
        defaults={
            "kind": CourseKind.DIGITAL,
            "description": "Webbutbildning om arbetsprocessen, cirka en timme per medarbetare.",
        },
    )
    for code, part, title, lane, minutes in DIGITAL_MODULES:
        module, _ = Module.objects.get_or_create(
            code=code,
            defaults={
                "course": digital,
                "part": part,
                "title": title,
                "lane": lane,
                "minutes": minutes,
            },
        )
        Requirement.objects.get_or_create(module=module, lane=lane, role="")
    basic, _ = Course.objects.get_or_create(
        name=BASIC,
        defaults={"kind": CourseKind.CLASSROOM, "description": "Tvådagarsutbildning med intyg."},
    )
    Module.objects.get_or_create(
        code="BAS", defaults={"course": basic, "title": "Basnivå i samverkan, två dagar"}
    )
    leader, _ = Course.objects.get_or_create(
        name=SIP_LEADER, defaults={"kind": CourseKind.SIP_LEADER}
    )
    Module.objects.get_or_create(
        code="SIP-LED", defaults={"course": leader, "title": "Samtalsledare för SIP"}
    )
    return digital
