"""The shapes of the synthetic history: shares, distributions and texts (names and streets
are in `individuals.fictional`, shared with the demo).

Probabilities unless said otherwise; days are calendar days. The figures follow the national
ones in RESEARCH-NOTES.md §5 (ready days, same-day discharge, readmissions of the elderly).
"""

from typing import Any

from episodes.models import DischargeDestination
from organisations.models import Role, UnitKind

# The shapes of the history. Probabilities unless said otherwise; days are calendar days.
SHAPES: dict[str, Any] = {
    "elderly_age": 65,
    "share_elderly_in_population": 0.62,
    "may_need_help": {"elderly": 0.82, "younger": 0.40},
    "help_assessed_later": 0.08,  # the physician's assessment comes during the stay
    "notice_within_24h": 0.90,
    # days from admission to the ready notice: log-normal median and spread
    "stay_median_days": {"elderly": 4.5, "younger": 3.0},
    "stay_sigma": 0.65,
    "same_day_discharge": 0.67,  # discharged on the ready day (ready days = 0)
    "long_tail": 0.03,  # of the others: 5–30 ready days
    "estimated_date_moves": [0.55, 0.28, 0.11, 0.06],  # 0, 1, 2, 3 moves
    "revocation": 0.04,
    "planning_from_needs_assessment": 0.6,
    "planning_from_health_centre": 0.3,
    "planning_from_ward": 0.5,
    "care_request": 0.5,
    "care_contact": 0.8,
    "sip_needed": 0.30,  # of episodes needing help
    "sip_judged_not_needed": 0.15,
    "sip_consent": {"accepted": 0.85, "declined": 0.10, "unable": 0.05},
    "sip_invited_on_time": 0.80,  # of consented: within 3 days of the ready notice
    "sip_invited_late": 0.15,  # the rest are never invited
    "misdirected_notice": 0.01,  # the notice reaches the wrong area's needs assessment
    "readmission_scheduled": {"elderly": 0.085, "younger": 0.035},
    "exit": {"death": 0.022, "transfer": 0.015, "declined": 0.005, "cancelled": 0.005},
    "information_transfer": 0.96,
    "summary": 0.92,
    "protected_identity": 0.002,
    "compulsory_care_on_psychiatry": 0.2,
}


WEEKDAY = [1.15, 1.10, 1.05, 1.05, 1.00, 0.78, 0.87]
ADMISSION_HOURS = [1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2, 2, 1]
DESTINATIONS = [
    (DischargeDestination.HOME_WITH_SUPPORT, 45),
    (DischargeDestination.HOME, 20),
    (DischargeDestination.SHORT_TERM_CARE, 20),
    (DischargeDestination.NURSING_HOME, 8),
    (DischargeDestination.OTHER_HOSPITAL, 3),
    (DischargeDestination.OTHER, 4),
]
POSTAL = {
    "Göteborgs stad": ("41", "Göteborg"),
    "Partille kommun": ("433", "Partille"),
    "Härryda kommun": ("435", "Mölnlycke"),
    "Mölndals stad": ("431", "Mölndal"),
    "Öckerö kommun": ("475", "Öckerö"),
}
# Inhabitants per area (rounded, Göteborg's districts about equal), for where people live.
AREA_POPULATION = {"Partille": 39_000, "Härryda": 38_000, "Mölndal": 70_000, "Öckerö": 13_000}
GOTEBORG_DISTRICT_POPULATION = 60_000

PLANNING_TEXTS = [
    (
        "Vistas på avdelningen, stabil.",
        "Behöver hjälp med personlig omvårdnad.",
        "Hemtjänst planeras.",
    ),
    ("Förbättras, mobiliseras.", "Behov av trygghetslarm.", "Kartläggning av hemmiljö."),
    ("Oförändrat allmäntillstånd.", "Läkemedelshantering.", "Hemsjukvård tar över läkemedel."),
    ("Inväntar bedömning av arbetsterapeut.", "Hjälpmedel i hemmet.", "Hembesök bokas."),
]
REVOCATION_REASONS = ["Feber, ny infektion.", "Försämrat allmäntillstånd.", "Fall på avdelningen."]
CARE_REQUEST_TEXTS = [
    "Ansökan om hemtjänst.",
    "Ansökan om korttidsboende.",
    "Begäran om utökade insatser.",
]


# Roles and how many of each per kind of unit, for ~5 000 users at full size.
STAFF = {
    UnitKind.WARD: [
        (Role.NURSE, 16),
        (Role.PHYSICIAN, 5),
        (Role.COORDINATOR, 2),
        (Role.MANAGER, 1),
    ],
    UnitKind.HEALTH_CENTRE: [
        (Role.NURSE, 6),
        (Role.PHYSICIAN, 2),
        (Role.COORDINATOR, 1),
        (Role.MANAGER, 1),
    ],
    UnitKind.PSYCHIATRIC_OUTPATIENT: [(Role.NURSE, 6), (Role.PHYSICIAN, 2), (Role.MANAGER, 1)],
    UnitKind.NEEDS_ASSESSMENT: [(Role.NEEDS_ASSESSOR, 25), (Role.MANAGER, 2)],
    UnitKind.HOME_HEALTH_CARE: [(Role.NURSE, 30), (Role.THERAPIST, 3), (Role.MANAGER, 1)],
}
