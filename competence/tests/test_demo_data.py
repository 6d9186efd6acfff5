"""The demo's training data: coverage that differs between units, and idempotent."""

from django.core.management import call_command

from competence.coverage import breakdown, coverage
from competence.models import Completion


def test_the_demo_gives_units_different_coverage_and_runs_once(org):
    call_command("seed_competence_demo", verbosity=0)
    count = Completion.objects.count()
    shares = {g.figure.share for g in breakdown("unit")}
    assert len(shares) > 3
    total = coverage()
    assert 0 < total.covered < total.staff
    call_command("seed_competence_demo", verbosity=0)
    assert Completion.objects.count() == count
