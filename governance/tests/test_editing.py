"""Changing and removing a plan's items once added, and the assignment pages: each change
through governance's actions (one transaction, a Swedish message, the change log)."""

import datetime as dt

from django.utils import timezone

from governance import actions
from governance.models import (
    Assignment,
    ChangeRecord,
    FocusArea,
    Metric,
    PlanActivity,
    SubGoal,
)
from governance.tests.test_action_plans import _plan_input


def _plan(groups):
    return actions.do_create_plan(groups["leader"], groups["nosam"], _plan_input())


def _follow_up(groups, plan):
    activity = PlanActivity.objects.get(sub_goal__focus_area__plan=plan)
    actions.do_hold_follow_up(
        groups["leader"],
        plan,
        actions.FollowUpInput(
            held_on=timezone.localdate(),
            covers_start=plan.period_start,
            covers_end=timezone.localdate(),
            statuses=[actions.StatusInput(activity.pk, "ongoing", "Halvvägs")],
        ),
    )


def _url(plan, kind, pk):
    return f"/styrning/plan/{plan.public_id}/andra/{kind}/{pk}/"


def test_the_process_leader_changes_an_activity_and_its_responsible(client, org, groups):
    plan = _plan(groups)
    activity = PlanActivity.objects.get(sub_goal__focus_area__plan=plan)
    client.force_login(groups["leader"])
    page = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    assert _url(plan, "aktivitet", activity.pk) in page

    response = client.post(
        _url(plan, "aktivitet", activity.pk), {"text": "Utbildning för alla enheter"}
    )
    assert response.status_code == 400
    assert "Ange vem som är ansvarig för aktiviteten" in response.content.decode()
    assert PlanActivity.objects.get(pk=activity.pk).text == "Utbildning i rutinen"

    response = client.post(
        _url(plan, "aktivitet", activity.pk),
        {"text": "Utbildning för alla enheter", "responsible_person": "Processledaren"},
    )
    assert response.status_code == 302
    page = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    assert "Utbildning för alla enheter" in page and "Processledaren" in page
    record = ChangeRecord.objects.filter(kind="activity_edited").get()
    assert record.data["before"]["text"] == "Utbildning i rutinen"


def test_a_member_may_not_change_the_plan(client, org, groups):
    plan = _plan(groups)
    focus = FocusArea.objects.get(plan=plan)
    client.force_login(groups["member"])
    assert client.get(_url(plan, "fokusomrade", focus.pk)).status_code == 403
    assert client.post(_url(plan, "fokusomrade", focus.pk), {"title": "X"}).status_code == 403
    assert FocusArea.objects.get(pk=focus.pk).title == "Inskrivning"


def test_items_are_removed_until_a_follow_up_has_recorded_them(client, org, groups):
    plan = _plan(groups)
    manual = Metric.objects.get(sub_goal__focus_area__plan=plan, kind="manual")
    client.force_login(groups["leader"])
    assert client.post(_url(plan, "matt", manual.pk), {"delete": "1"}).status_code == 302
    assert not Metric.objects.filter(pk=manual.pk).exists()
    assert ChangeRecord.objects.filter(kind="metric_removed").exists()

    _follow_up(groups, plan)
    activity = PlanActivity.objects.get(sub_goal__focus_area__plan=plan)
    sub_goal = SubGoal.objects.get(focus_area__plan=plan)
    for kind, pk in (("aktivitet", activity.pk), ("delmal", sub_goal.pk)):
        response = client.post(_url(plan, kind, pk), {"delete": "1"})
        assert response.status_code == 400
        assert "finns med i en uppföljning och kan inte tas bort" in response.content.decode()
    assert PlanActivity.objects.filter(pk=activity.pk).exists()
    assert SubGoal.objects.filter(pk=sub_goal.pk).exists()


def test_a_followed_up_metric_keeps_what_it_measures_but_its_target_changes(client, org, groups):
    plan = _plan(groups)
    live = Metric.objects.get(sub_goal__focus_area__plan=plan, kind="live")
    _follow_up(groups, plan)
    client.force_login(groups["leader"])
    response = client.post(
        _url(plan, "matt", live.pk), {"kind": "live", "indicator_key": "discharges", "target": 40}
    )
    assert response.status_code == 400
    assert "bara namn och målvärde kan ändras" in response.content.decode()
    assert Metric.objects.get(pk=live.pk).indicator_key == "admissions"
    response = client.post(
        _url(plan, "matt", live.pk), {"kind": "live", "indicator_key": "admissions", "target": 60}
    )
    assert response.status_code == 302
    assert Metric.objects.get(pk=live.pk).target == 60


def test_a_sub_goal_and_focus_area_are_renamed(client, org, groups):
    plan = _plan(groups)
    sub_goal = SubGoal.objects.get(focus_area__plan=plan)
    client.force_login(groups["leader"])
    client.post(
        _url(plan, "delmal", sub_goal.pk),
        {"text": "Alla meddelanden i tid", "result": "Nästan alla i tid"},
    )
    client.post(_url(plan, "fokusomrade", sub_goal.focus_area_id), {"title": "Inskrivningen"})
    page = client.get(f"/styrning/plan/{plan.public_id}/").content.decode()
    assert "Alla meddelanden i tid" in page and "Nästan alla i tid" in page
    assert "Inskrivningen" in page


ASSIGNMENT = {
    "title": "Uppdrag: ny in- och utskrivningsprocess",
    "commissioner": "Styrgrupp för samverkan",
    "purpose": "Trygg utskrivning",
    "report_questions": "Vad har gjorts?\nVilka hinder finns?",
    "report_due_dates": "2026-06-30, 2026-12-15",
}


def test_an_assignment_is_created_decided_and_then_changed_by_a_new_version(client, org, groups):
    client.force_login(org.admin)
    group_page = client.get(f"/styrning/grupp/{groups['theme'].public_id}/").content.decode()
    new_url = f"/styrning/grupp/{groups['theme'].public_id}/nytt-uppdrag/"
    assert new_url in group_page

    response = client.post(new_url, {**ASSIGNMENT, "report_due_dates": "30 juni"})
    assert response.status_code == 400
    assert "”30 juni” är inget datum: skriv ÅÅÅÅ-MM-DD." in response.content.decode()
    response = client.post(new_url, {**ASSIGNMENT, "report_questions": ""})
    assert "Ange de frågor som återrapporteringen ska besvara." in response.content.decode()
    assert not Assignment.objects.exists()

    assert client.post(new_url, ASSIGNMENT).status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.report_questions == ["Vad har gjorts?", "Vilka hinder finns?"]
    assert assignment.report_due_dates == ["2026-06-30", "2026-12-15"]
    edit = f"/styrning/uppdrag/{assignment.public_id}/andra/"
    client.post(edit, {**ASSIGNMENT, "goal": "Färre utskrivningsklara dagar"})
    assert Assignment.objects.get(pk=assignment.pk).goal == "Färre utskrivningsklara dagar"
    client.post(edit, {"decide": "1", "decided_on": "2026-02-01"})
    assert Assignment.objects.get(pk=assignment.pk).decided_on == dt.date(2026, 2, 1)

    page = client.get(edit).content.decode()
    assert "Det du sparar blir version 2" in page
    response = client.post(edit, {**ASSIGNMENT, "title": "Uppdrag, reviderat"})
    assert response.status_code == 302
    old, new = Assignment.objects.order_by("version")
    assert (old.title, old.decided_on) == (ASSIGNMENT["title"], dt.date(2026, 2, 1))
    assert (new.title, new.version, new.previous, new.decided_on) == (
        "Uppdrag, reviderat",
        2,
        old,
        None,
    )
    assert response["Location"] == f"/styrning/uppdrag/{new.public_id}/"
    kinds = set(ChangeRecord.objects.values_list("kind", flat=True))
    assert {"assignment_created", "assignment_edited", "assignment_decided"} <= kinds
    assert "assignment_versioned" in kinds


def test_an_ordinary_member_may_not_create_assignments(client, org, groups):
    client.force_login(groups["member"])
    new_url = f"/styrning/grupp/{groups['theme'].public_id}/nytt-uppdrag/"
    assert client.post(new_url, ASSIGNMENT).status_code == 403
    assert not Assignment.objects.exists()
