"""The hand-computed history most statistics tests share: March 2025 in Partille.

Every figure the tests expect is worked out by hand in the docstring of `march`, from the
Stockholm dates below. (DST began on 2025-03-30 at 02:00, when clocks went to 03:00.)
"""

from dataclasses import dataclass

import pytest

from episodes.models import Episode
from indicators.tests.builders import history, pnr
from organisations.models import Area


@dataclass
class March:
    e1: Episode
    e2: Episode
    e3: Episode
    e5: Episode
    e6: Episode
    e7: Episode
    e8: Episode
    e9: Episode
    e10: Episode
    e11: Episode
    e12: Episode


@pytest.fixture
def march(org) -> March:
    """Episodes of Partille residents around March 2025, plus one Öckerö resident (E11).

    Discharged in March (Stockholm dates), Partille, ready days = discharge date − date of
    the ready notice in force:
      E1  ready 03-03 09:00, out 03-03 15:00 ............ 0 (discharge on the ready day)
      E2  ready 03-05, revoked 03-06, re-sent 03-10 11:00, out 03-12 ... 2 (not 7)
      E3  ready 02-27, out 03-02 (month boundary) ....... 3
      E5  no ready notice, out 03-14 .................... none
      E6  ready 03-10 09:00, out 03-20 09:00 ............ 10
      E7  ready 03-17, out 03-21 ........................ 4
      E8  ready 03-30 00:30 CET (03-29 23:30 UTC), out 03-30 23:30 CEST ... 0 (DST night;
          UTC dates would give 1)
      E12 ready 03-03 10:00, out 03-12 10:00 ............ 9
      E9  out 04-01 00:30 CEST (03-31 22:30 UTC): April, not March.
    → 8 discharges, 7 with a ready notice, 28 ready days: VGR mean 28/7 = 4.0;
      SKR: E2,E3,E6,E7,E12 = 28/5 = 5.6; same day E1,E8 = 2/7.
    Planned-date moves: E2 A→B→A = 2, E6 = 1, E7 sets the same date again = 0 → 3/8.
    SIP (latest assessment): needed E2, E3 (no then yes), E6; E7 yes then no = not needed.
      Offered E2, E6 → 2/3. On time (invitation ≤ 3 days after the ready notice in force):
      E2 invited 03-13 vs 03-10 = 3 ✓; E3 03-03 vs 02-27 = 4 ✗; E6 never ✗ → 1/3.
    Readmission: E10 (E1's person) admitted 04-02 = day 30 after E1's discharge → 1/8.

    Admitted in March (Partille): E1, E2, E5, E6, E7, E8, E9 = 7; with a help-need judgement
    (notice due): all but E6 = 6. Notice within 24 h of the judgement:
      E1 12 h ✓; E2 24 h 30 min ✗; E5 23 h after a later judgement ✓ (49 h after admission);
      E7 sent 03-17, two days late ✗; E8 Sat 03-29 10:00 CET → Sun 03-30 10:30 CEST is 23 h 30
      min elapsed ✓ (the wall clock says 24 h 30 min); E9 1 h ✓ → 4/6.
    Acknowledgements (admission month March): E1 needs assessment 2 h, home health care 4 h,
      health centre never; E2 needs assessment 6 h → mean (2+4+6)/3 = 4.0 h, 1 unacknowledged.
    E11 (Öckerö) ready 03-15, out 03-20 = 5 days: only without the municipality filter.
    """
    partille_na, partille_hhc, hc = org.needs_assessment, org.home_health_care, org.health_centre
    e1 = history(
        org,
        pnr(1),
        admitted="2025-03-01 08:00",
        notice="2025-03-01 20:00",
        acks={partille_na: 2, partille_hhc: 4, hc: None},
        estimated=["2025-03-05"],
        ready=["2025-03-03 09:00"],
        discharged="2025-03-03 15:00",
    )
    e2 = history(
        org,
        pnr(2),
        admitted="2025-03-04 10:00",
        notice="2025-03-05 10:30",
        acks={partille_na: 6},
        estimated=["2025-03-08", "2025-03-11", "2025-03-08"],
        ready=["2025-03-05 10:00", "2025-03-10 11:00"],
        revoked=["2025-03-06 08:00"],
        sip_needed=[("2025-03-05 12:00", True)],
        sip_offered="2025-03-06 09:00",
        sip_invited="2025-03-13 16:00",
        discharged="2025-03-12 10:00",
    )
    e3 = history(
        org,
        pnr(3),
        admitted="2025-02-25 09:00",
        notice="2025-02-25 12:00",
        estimated=["2025-02-27"],
        sip_needed=[("2025-02-26 09:00", False), ("2025-02-27 09:00", True)],
        sip_invited="2025-03-03 09:00",
        ready=["2025-02-27 14:00"],
        discharged="2025-03-02 12:00",
    )
    e5 = history(
        org,
        pnr(5),
        admitted="2025-03-08 10:00",
        help_assessed="2025-03-09 12:00",
        notice="2025-03-10 11:00",
        discharged="2025-03-14 12:00",
    )
    e6 = history(
        org,
        pnr(6),
        admitted="2025-03-08 06:00",
        help_assessed=None,
        estimated=["2025-03-12", "2025-03-15"],
        sip_needed=[("2025-03-09 09:00", True)],
        sip_offered="2025-03-10 09:00",
        ready=["2025-03-10 09:00"],
        discharged="2025-03-20 09:00",
    )
    e7 = history(
        org,
        pnr(7),
        admitted="2025-03-15 09:00",
        notice="2025-03-17 10:00",
        estimated=["2025-03-20", "2025-03-20"],
        sip_needed=[("2025-03-15 12:00", True), ("2025-03-16 12:00", False)],
        ready=["2025-03-17 08:00"],
        discharged="2025-03-21 16:00",
    )
    e8 = history(
        org,
        pnr(8),
        admitted="2025-03-29 10:00",
        notice="2025-03-30 10:30",
        ready=["2025-03-30 00:30"],
        discharged="2025-03-30 23:30",
    )
    e9 = history(
        org,
        pnr(9),
        admitted="2025-03-25 08:00",
        notice="2025-03-25 09:00",
        ready=["2025-03-31 10:00"],
        discharged="2025-04-01 00:30",
    )
    e10 = history(org, pnr(1), admitted="2025-04-02 08:00", readmission_of=e1)
    e12 = history(
        org,
        pnr(12),
        admitted="2025-02-20 08:00",
        notice="2025-02-20 10:00",
        ready=["2025-03-03 10:00"],
        discharged="2025-03-12 10:00",
    )
    ockero = Area.objects.get(name="Öckerö")
    e11 = history(
        org,
        pnr(11),
        admitted="2025-03-10 08:00",
        notice="2025-03-10 09:00",
        ready=["2025-03-15 09:00"],
        discharged="2025-03-20 11:00",
        concerned=[org.unrelated_needs_assessment],
        individual_fields={
            "municipality": ockero.municipality,
            "residence_area": ockero,
            "listed_unit": None,
            "city": "Öckerö",
        },
    )
    return March(e1, e2, e3, e5, e6, e7, e8, e9, e10, e11, e12)
