"""Action plans: a plan with a live and a manual metric, follow-ups with history, bad input.

Live figures: one admission in Partille a minute ago (`admit`), so "Antal inskrivningar" with
the NOSAM Partille group's filter (area Partille) is 1 for the plan's year so far.
"""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.errors import ActionError
from governance import actions
from governance.models import ActionPlan, ActivityState, FollowUp, Metric, PlanActivity
from indicators.filters import Filters
from indicators.periods import Period
from indicators.queries import compute
from tests.factories import admit


def _year() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _plan_input(**metric_changes) -> actions.PlanInput:
    start, end = _year()
    live: dict[str, Any] = dict(kind="live", indicator_key="admissions", target=40)
    live.update(metric_changes)
    return actions.PlanInput(
        title="Handlingsplan NOSAM Partille",
        period_start=start,
        period_end=end,
        purpose="Trygg och säker utskrivning",
        target_group="Personal i region och kommun",
        goal="Fler planeras i tid",
        focus_areas=[
            actions.FocusAreaInput(
                title="Inskrivning",
                sub_goals=[
                    actions.SubGoalInput(
                        text="Alla inskrivningsmeddelanden skickas i tid",
                        communication_plan="Nyhetsbrev till enheterna",
                        activities=[
                            actions.ActivityInput(
                                text="Utbildning i rutinen", responsible_role="Processledare"
                            )
                        ],
                        metrics=[
                            actions.MetricInput(**live),
                            actions.MetricInput(
                                kind="manual", name="Deltagare på temadag", unit="count", target=50
                            ),
                        ],
                    )
                ],
            )
        ],
    )


def test_a_live_metric_reads_the_statistics_figure_for_the_groups_area(client, org, groups):
    admit(org, admitted_at=timezone.now() - dt.timedelta(minutes=1))
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    metric = Metric.objects.get(kind="live")
    assert metric.filters == {"area": str(org.partille_area.public_id)}
    start, _ = _year()
    period = Period.custom(start, timezone.localdate())
    assert compute(Filters(area=org.partille_area), period)["admissions"].value == 1

    client.force_login(groups["member"])
    html = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    row = html[html.index(f'data-metric="{metric.pk}"') :]
    assert '<td class="metric-value">1</td>' in row[:600]
    assert "Trygg och säker utskrivning" in html and "Processledare" in html


def test_a_manual_metric_shows_its_latest_value_and_date(client, org, groups):
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    metric = Metric.objects.get(kind="manual")
    start, _ = _year()
    actions.do_record_manual_value(groups["leader"], metric, value=12, measured_on=start)
    actions.do_record_manual_value(
        groups["leader"], metric, value=35, measured_on=start + dt.timedelta(days=1)
    )
    client.force_login(groups["member"])
    html = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    row = html[html.index(f'data-metric="{metric.pk}"') :][:800]
    assert '<td class="metric-value">35 antal</td>' in row
    assert "mätt 2 januari" in row
    assert "50 antal" in row and "inte uppnått" in row


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"indicator_key": "hugs_given"}, "unknown_indicator", "indicator_key"),
        ({"filters": {"colour": "blue"}}, "unknown_filter", "filters.colour"),
        ({"filters": {"lane": "space"}}, "unknown", "filters.lane"),
        ({"unit": "days"}, "wrong_unit", "unit"),
    ],
)
def test_a_bad_live_metric_refuses_the_whole_plan(org, groups, changes, code, field):
    with pytest.raises(ActionError) as error:
        actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input(**changes))
    assert error.value.code == code
    assert error.value.field == f"focus_areas.0.sub_goals.0.metrics.0.{field}"
    assert not ActionPlan.objects.exists()


def test_the_wrong_unit_is_named_in_swedish(org, groups):
    with pytest.raises(ActionError) as error:
        actions.do_create_plan(
            groups["leader"],
            groups["nosam"],
            _plan_input(indicator_key="admission_notice_on_time", unit="days", target=90),
        )
    assert error.value.message == (
        "Målvärdet för ”Inskrivningsmeddelande i tid” anges i procent, inte i dagar."
    )


def test_a_percentage_target_above_100_is_refused(org, groups):
    with pytest.raises(ActionError) as error:
        actions.do_create_plan(
            groups["leader"],
            groups["nosam"],
            _plan_input(indicator_key="admission_notice_on_time", target=95.5 * 2),
        )
    assert error.value.code == "wrong_unit"


def test_an_activity_without_responsible_is_refused_on_the_page(client, org, groups):
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    sub_goal = plan.focus_areas.get().sub_goals.get()
    client.force_login(groups["leader"])
    response = client.post(
        f"/styrning/plan/{plan.public_id}/activity/",
        {"parent": sub_goal.pk, "text": "Workshop"},
    )
    assert response.status_code == 400
    assert "Ange vem som är ansvarig för aktiviteten" in response.content.decode()
    assert PlanActivity.objects.count() == 1


def test_a_follow_up_records_status_and_result_and_keeps_the_earlier_one(client, org, groups):
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    activity = PlanActivity.objects.get()
    start, _ = _year()
    for held, state, result in (
        (start + dt.timedelta(days=10), ActivityState.ONGOING, "Halva enheterna utbildade"),
        (start + dt.timedelta(days=20), ActivityState.DONE, "Alla enheter utbildade"),
    ):
        actions.do_hold_follow_up(
            groups["leader"],
            plan,
            actions.FollowUpInput(
                held_on=held,
                covers_start=start,
                covers_end=held,
                statuses=[actions.StatusInput(activity.pk, state, result)],
            ),
        )
    assert FollowUp.objects.filter(plan=plan).count() == 2
    client.force_login(groups["member"])
    html = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    assert "Alla enheter utbildade" in html and "Halva enheterna utbildade" in html
    assert "<td>Klar</td>" in html  # the newest status in the activity table


def test_a_follow_up_outside_the_plan_period_is_refused(org, groups):
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    start, end = _year()
    with pytest.raises(ActionError) as error:
        actions.do_hold_follow_up(
            groups["leader"],
            plan,
            actions.FollowUpInput(
                held_on=end + dt.timedelta(days=5),
                covers_start=start,
                covers_end=end + dt.timedelta(days=1),
            ),
        )
    assert error.value.code == "outside_plan_period"
    assert "inom planens period" in error.value.message
    assert not FollowUp.objects.exists()


def test_an_ordinary_member_may_read_but_not_change_the_plan(client, org, groups):
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    with pytest.raises(ActionError) as error:
        actions.do_add_focus_area(groups["member"], plan, "Mer")
    assert error.value.code == "forbidden"
    client.force_login(groups["member"])
    response = client.post(f"/styrning/plan/{plan.public_id}/focus_area/", {"title": "Mer"})
    assert response.status_code == 403
    assert plan.focus_areas.count() == 1


def test_the_process_leader_builds_a_plan_on_its_pages(client, org, groups):
    client.force_login(groups["leader"])
    start, end = _year()
    response = client.post(
        f"/styrning/grupp/{groups['nosam'].public_id}/ny-plan/",
        {
            "title": "Plan",
            "period_start": start,
            "period_end": end,
            "follow_ups_per_year": 2,
        },
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302
    base = f"/styrning/plan/{plan.public_id}/"
    client.post(base + "focus_area/", {"title": "Utskrivning"})
    focus = plan.focus_areas.get()
    client.post(base + "sub_goal/", {"parent": focus.pk, "text": "Färre utskrivningsklara dagar"})
    sub_goal = focus.sub_goals.get()
    response = client.post(
        base + "metric/",
        {"parent": sub_goal.pk, "kind": "live", "indicator_key": "ready_days_vgr", "target": "2"},
    )
    assert response.status_code == 302
    metric = Metric.objects.get()
    assert (metric.unit, metric.target) == ("days", 2)
    response = client.post(
        base + "metric/",
        {"parent": sub_goal.pk, "kind": "live", "indicator_key": "nope", "target": "2"},
    )
    assert response.status_code == 400
    assert Metric.objects.count() == 1


def test_a_new_plan_period_carries_over_the_unfinished_activities(client, org, groups):
    plan = actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())
    sub_goal = plan.focus_areas.get().sub_goals.get()
    actions.do_add_activity(
        groups["leader"], sub_goal, actions.ActivityInput("Temadag", responsible_role="NOSAM")
    )
    done = PlanActivity.objects.get(text="Utbildning i rutinen")
    start, end = _year()
    actions.do_hold_follow_up(
        groups["leader"],
        plan,
        actions.FollowUpInput(
            held_on=start,
            covers_start=start,
            covers_end=start,
            statuses=[actions.StatusInput(done.pk, ActivityState.DONE)],
        ),
    )
    client.force_login(groups["leader"])
    next_start = end + dt.timedelta(days=1)
    response = client.post(
        f"/styrning/plan/{plan.public_id}/carry_over/",
        {
            "title": "Nästa plan",
            "period_start": next_start,
            "period_end": next_start.replace(month=12, day=31),
        },
    )
    new = ActionPlan.objects.get(title="Nästa plan")
    assert response.status_code == 302
    assert [a.text for a in PlanActivity.objects.filter(sub_goal__focus_area__plan=new)] == [
        "Temadag"
    ]
    assert Metric.objects.filter(sub_goal__focus_area__plan=new).count() == 2
    with pytest.raises(ActionError) as error:
        actions.do_carry_over(
            groups["leader"], plan, title="Krock", period_start=end, period_end=end
        )
    assert error.value.code == "overlapping_period"
