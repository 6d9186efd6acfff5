"""Deviation counts and training coverage as live metrics: read through the owners' own
functions (`deviations.statistics.build_report`, `competence.coverage.coverage`) with the
group's area and the plan's period — the figure the owners' pages show for the same cut."""

import datetime as dt

import pytest
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.coverage import CoverageFilters, coverage
from competence.models import Completion, Module
from core.errors import ActionError
from deviations import actions as deviation_actions
from deviations import statistics
from governance import actions
from governance.metrics import metric_row, plan_period_so_far
from governance.models import Metric
from organisations.models import Role
from tests.factories import admit, make_user


def _plan(actor, group, *metrics):
    today = timezone.localdate()
    return actions.do_create_plan(
        actor,
        group,
        actions.PlanInput(
            title="Plan",
            period_start=dt.date(today.year, 1, 1),
            period_end=dt.date(today.year, 12, 31),
            focus_areas=[
                actions.FocusAreaInput(
                    title="Fokus",
                    sub_goals=[actions.SubGoalInput(text="Delmål", metrics=list(metrics))],
                )
            ],
        ),
    )


@pytest.fixture
def deviations(org):
    """Two deviations reported today from Partille's home care to the ward: one about the
    medication list, one about the admission notice."""
    make_user("wardcontact", org.ward, Role.DEVIATION_CONTACT, email="avd@example.org")
    make_user("mas", org.home_health_care, Role.DEVIATION_CONTACT, email="mas@example.org")
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=3))
    for category in ("medication_list", "admission_notice"):
        deviation_actions.do_report(
            org.home_care_nurse,
            episode,
            receiving_unit=org.ward,
            category_key=category,
            event_date=timezone.localdate(),
            what_happened="Händelse.",
        )


def _owners_count(plan, area, category=""):
    period = plan_period_so_far(plan)
    filters = statistics.Filters(
        start=period.start,
        end=period.end,
        category=category,
        area_id=area.pk if area else None,
        quarter=statistics.quarter_of(period.end),
    )
    return statistics.build_report(statistics.Scope(None, ""), filters).total.count


def test_deviation_counts_are_the_deviation_statistics_for_the_groups_area(
    client, org, groups, deviations
):
    nosam = groups["nosam"]
    plan = _plan(
        groups["leader"],
        nosam,
        actions.MetricInput(kind="live", indicator_key="deviations", target=0),
        actions.MetricInput(
            kind="live",
            indicator_key="deviations",
            filters={"area": str(nosam.area.public_id), "category": "medication_list"},
        ),
    )
    every, medication = Metric.objects.filter(sub_goal__focus_area__plan=plan).order_by("id")
    assert every.filters == {"area": str(nosam.area.public_id)}
    assert medication.name == "Rapporterade avvikelser: Läkemedelslista saknas"
    period = plan_period_so_far(plan)
    expected = _owners_count(plan, nosam.area)
    assert expected == 2
    assert metric_row(every, period).value == expected
    assert metric_row(medication, period).value == _owners_count(
        plan, nosam.area, "medication_list"
    )
    assert metric_row(medication, period).value == 1
    assert metric_row(every, period).target_met is False  # fewer is better; the target is 0

    client.force_login(groups["member"])
    html = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    row = html[html.index(f'data-metric="{every.pk}"') :]
    assert '<td class="metric-value">2</td>' in row[:600]


def test_training_coverage_is_competences_coverage_on_the_periods_last_day(client, org, groups):
    install_standard_courses()
    for code in ["LP-1", "LP-2", "LP-3A", "LP-4", "LP-5"]:
        Completion.objects.create(
            user=org.nurse, module=Module.objects.get(code=code), completed_on=timezone.localdate()
        )
    theme = groups["theme"]  # no area: the whole region
    plan = _plan(
        org.admin, theme, actions.MetricInput(kind="live", indicator_key="training_coverage")
    )
    metric = Metric.objects.get(sub_goal__focus_area__plan=plan)
    assert (metric.unit, metric.filters) == ("percent", {})
    figure = coverage(CoverageFilters(), timezone.localdate())
    assert figure.covered == 1 and figure.staff > 1
    row = metric_row(metric, plan_period_so_far(plan))
    assert row.value == pytest.approx(figure.share * 100)

    client.force_login(groups["member"])
    html = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    row_html = html[html.index(f'data-metric="{metric.pk}"') :]
    assert f'<td class="metric-value">{figure.percent} %</td>' in row_html[:600]


def test_a_filter_the_source_does_not_take_or_a_category_that_does_not_exist(org, groups):
    nosam = groups["nosam"]
    with pytest.raises(ActionError) as error:
        _plan(
            groups["leader"],
            nosam,
            actions.MetricInput(kind="live", indicator_key="deviations", filters={"lane": "x"}),
        )
    assert (
        error.value.message == "Nyckeltalet ”Rapporterade avvikelser” kan inte filtreras på ”lane”."
    )
    with pytest.raises(ActionError) as error:
        _plan(
            groups["leader"],
            nosam,
            actions.MetricInput(
                kind="live", indicator_key="deviations", filters={"category": "nonsense"}
            ),
        )
    assert error.value.message == "Avvikelsekategorin ”nonsense” finns inte."
    assert error.value.field == "focus_areas.0.sub_goals.0.metrics.0.filters.category"
    with pytest.raises(ActionError) as error:
        _plan(
            groups["leader"],
            nosam,
            actions.MetricInput(kind="live", indicator_key="training_coverage", unit="count"),
        )
    assert error.value.code == "wrong_unit"
    assert not Metric.objects.exists()


def test_the_plan_page_adds_a_deviation_metric_of_one_category(client, org, groups, deviations):
    nosam = groups["nosam"]
    plan = _plan(groups["leader"], nosam)
    sub_goal = plan.focus_areas.get().sub_goals.get()
    client.force_login(groups["leader"])
    response = client.post(
        f"/styrning/plan/{plan.public_id}/metric/",
        {
            "parent": sub_goal.pk,
            "kind": "live",
            "indicator_key": "deviations",
            "category": "admission_notice",
        },
    )
    assert response.status_code == 302
    metric = Metric.objects.get()
    assert metric.filters == {"category": "admission_notice", "area": str(nosam.area.public_id)}
    assert metric_row(metric, plan_period_so_far(plan)).value == 1
