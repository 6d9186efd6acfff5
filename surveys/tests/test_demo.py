"""The demo: a questionnaire with its easy-read variant and a year of anonymous answers."""

from django.core.management import call_command

from organisations.models import Role
from surveys import results
from surveys.models import MeasurementPlan, Response
from tests.factories import make_user


def test_the_demo_has_a_year_of_answers_with_small_groups_suppressed(org):
    make_user("sjukskoterska", org.ward, Role.NURSE)
    call_command("seed_surveys_demo", verbosity=0)
    plan = MeasurementPlan.objects.get()
    assert plan.easy_read_questionnaire.current_version().easy_read
    report = results.report(plan, "area")
    periods = {r.period for r in report.rows}
    assert periods == {0, 1, 2, 3}
    ockero = [r for r in report.rows if r.group == "Öckerö"]
    assert ockero and all(r.suppressed for r in ockero)
    for period in periods:  # Öckerö, and (so it cannot be subtracted) one more are hidden
        shown = [r for r in report.rows if r.period == period and not r.suppressed]
        assert len(shown) == 3 and all(r.response_rate for r in shown)
    count = Response.objects.count()
    call_command("seed_surveys_demo", verbosity=0)
    assert Response.objects.count() == count
