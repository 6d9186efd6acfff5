"""Coverage: the share of staff who completed what their lane requires, and the priority list.

The `org` fixture's staff with a requirement (every lane requires five modules of the digital
course): nurse and physician (ward, inpatient), gpnurse (health centre), assessor and manager
(Biståndshandläggning Partille), homecare (home health care), outsider (Öckerö) — 7 people.
"""

import datetime as dt

import pytest
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.coverage import (
    CoverageFilters,
    breakdown,
    coverage,
    over_time,
    participants,
    priority,
)
from competence.models import Completion, Module
from organisations.models import Lane, Role
from process.models import DeviationCandidate
from process.sweeper import sweep
from tests.factories import admit

INPATIENT = ["LP-1", "LP-2", "LP-3A", "LP-4", "LP-5"]


def complete(user, codes, day):
    for code in codes:
        Completion.objects.create(user=user, module=Module.objects.get(code=code), completed_on=day)


@pytest.fixture
def trained(org):
    """The nurse completed all five inpatient modules (the last one today); the assessor
    completed five too, but part 3A instead of their own 3D."""
    install_standard_courses()
    today = timezone.localdate()
    complete(org.nurse, INPATIENT[:4], today - dt.timedelta(days=60))
    complete(org.nurse, INPATIENT[4:], today)
    complete(org.needs_assessor, INPATIENT, today - dt.timedelta(days=60))
    return org


def test_one_of_seven_staff_is_covered(trained):
    figure = coverage()
    assert (figure.covered, figure.staff, figure.percent) == (1, 7, 14)


def test_the_wrong_lane_module_does_not_count(trained):
    social = coverage(CoverageFilters(lane=Lane.SOCIAL_SERVICES))
    assert (social.covered, social.staff) == (0, 3)


def test_coverage_per_lane_and_role(trained):
    lanes = {g.key: (g.figure.covered, g.figure.staff) for g in breakdown("lane")}
    assert lanes[Lane.INPATIENT] == (1, 2)
    roles = {g.key: (g.figure.covered, g.figure.staff) for g in breakdown("role")}
    assert roles[Role.NURSE] == (1, 3)  # nurse, gpnurse, homecare
    assert roles[Role.PHYSICIAN] == (0, 1)


def test_coverage_yesterday_did_not_have_the_last_module(trained):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert coverage(day=yesterday).covered == 0
    series = over_time(months=3)
    assert [f.covered for _, f in series] == [0, 0, 1]


def test_participants_and_certificates_per_principal(trained):
    rows = {(r.principal, r.course): (r.participants, r.certificates) for r in participants()}
    # the nurse (all of it) and the assessor (part 3A is not theirs) took the digital course
    region = [v for (p, c), v in rows.items() if p.startswith("Västra")]
    assert region == [(1, 1)]
    municipal = [v for (p, c), v in rows.items() if p == "Partille kommun"]
    assert municipal == [(1, 0)]


def test_a_unit_with_missed_deadlines_and_low_coverage_comes_first(trained):
    admit(trained, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    missed = DeviationCandidate.objects.get(rule_key="SV-04")
    assert missed.unit == trained.ward
    first = priority()[0]
    # the ward: 1 of 2 covered, 1 missed deadline: 1 × 0.5
    assert (first.unit, first.missed, first.score) == (trained.ward, 1, 0.5)
