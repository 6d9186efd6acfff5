"""Assignments (uppdragshandling): drafted, decided, changed only by a new version, and
reported back twice a year answering the assignment's own questions."""

import datetime as dt
import json

import pytest

from core.errors import ActionError
from governance import actions
from governance.models import Assignment, ReportBack

JUNE = dt.date(2026, 6, 30)
DECEMBER = dt.date(2026, 12, 15)


def _input(**changes) -> actions.AssignmentInput:
    data = actions.AssignmentInput(
        title="Uppdrag: en ny form av in- och utskrivningsprocess",
        texts={
            "commissioner": "Styrgrupp för samverkan",
            "purpose": "Trygg och effektiv utskrivning",
            "goal": "Färre utskrivningsklara dagar",
        },
        report_questions=["Vad har gjorts?", "Vilka hinder finns?"],
        report_due_dates=[JUNE, DECEMBER],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


@pytest.fixture
def assignment(org, groups):
    return actions.do_create_assignment(org.admin, groups["theme"], _input())


def test_a_decided_assignment_is_changed_only_by_a_new_version(org, assignment):
    actions.do_edit_assignment(org.admin, assignment, _input(title="Rättad rubrik"))
    actions.do_decide_assignment(org.admin, assignment, dt.date(2026, 2, 1))
    with pytest.raises(ActionError) as error:
        actions.do_edit_assignment(org.admin, assignment, _input(title="Ändrad i efterhand"))
    assert error.value.message == "Uppdraget är beslutat: ändra det genom en ny version."
    assert Assignment.objects.get(pk=assignment.pk).title == "Rättad rubrik"
    new = actions.do_new_assignment_version(org.admin, assignment, _input(title="Version 2"))
    assert (new.version, new.previous, new.decided_on) == (2, assignment, None)


def test_the_process_leader_reports_back_on_the_assignment_page(client, org, groups):
    actions.do_add_member(org.admin, groups["theme"], user=groups["leader"], role="process_leader")
    assignment = actions.do_create_assignment(org.admin, groups["theme"], _input())
    actions.do_decide_assignment(org.admin, assignment, dt.date(2026, 2, 1))
    client.force_login(groups["leader"])
    page = f"/styrning/uppdrag/{assignment.public_id}/"
    response = client.post(page, {"due_on": JUNE.isoformat(), "answer_0": "Rutin klar"})
    assert response.status_code == 400
    assert "Fältet måste fyllas i." in response.content.decode()
    assert not ReportBack.objects.exists()
    response = client.post(
        page, {"due_on": JUNE.isoformat(), "answer_0": "Rutin klar", "answer_1": "Bemanning"}
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert "Vilka hinder finns?" in html and "Bemanning" in html
    assert "2026-12-15 – ännu inte lämnad" in html


def test_a_report_back_needs_a_decided_assignment_and_one_of_its_dates(org, groups):
    actions.do_add_member(org.admin, groups["theme"], user=groups["leader"], role="process_leader")
    assignment = actions.do_create_assignment(org.admin, groups["theme"], _input())
    with pytest.raises(ActionError) as error:
        actions.do_report_back(groups["leader"], assignment, due_on=JUNE, answers=["a", "b"])
    assert error.value.code == "not_decided"
    actions.do_decide_assignment(org.admin, assignment, dt.date(2026, 2, 1))
    with pytest.raises(ActionError) as error:
        actions.do_report_back(
            groups["leader"], assignment, due_on=dt.date(2026, 7, 1), answers=["a", "b"]
        )
    assert error.value.code == "unknown_due_date"
    with pytest.raises(ActionError) as error:
        actions.do_report_back(groups["member"], assignment, due_on=JUNE, answers=["a", "b"])
    assert error.value.code == "forbidden"
    assert not ReportBack.objects.exists()


def test_the_api_reports_back_and_refuses_a_missing_answer(client, org, groups):
    actions.do_add_member(org.admin, groups["theme"], user=groups["leader"], role="process_leader")
    assignment = actions.do_create_assignment(org.admin, groups["theme"], _input())
    actions.do_decide_assignment(org.admin, assignment, dt.date(2026, 2, 1))
    client.force_login(groups["leader"])
    path = f"/api/governance/assignments/{assignment.public_id}/report-backs"
    body = {"due_on": JUNE.isoformat(), "answers": ["Rutin klar"]}
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "answers_missing"
    body["answers"].append("Bemanning")
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    reports = response.json()["report_backs"]
    assert [r["submitted"] for r in reports] == [True, False]


def test_a_due_report_back_is_on_the_leaders_list_until_given(org, groups):
    from governance.todo import report_backs_due

    actions.do_add_member(org.admin, groups["theme"], user=groups["leader"], role="process_leader")
    assignment = actions.do_create_assignment(org.admin, groups["theme"], _input())
    assert report_backs_due(groups["leader"], today=JUNE) == []  # not decided yet
    actions.do_decide_assignment(org.admin, assignment, dt.date(2026, 2, 1))
    # 14 days' notice: on 16 June the report of 30 June shows, the one of 15 December not
    assert [d.due_on for d in report_backs_due(groups["leader"], dt.date(2026, 6, 16))] == [JUNE]
    assert report_backs_due(groups["leader"], dt.date(2026, 6, 15)) == []
    assert report_backs_due(groups["member"], dt.date(2026, 6, 16)) == []
    actions.do_report_back(groups["leader"], assignment, due_on=JUNE, answers=["a", "b"])
    assert report_backs_due(groups["leader"], dt.date(2026, 7, 1)) == []


def test_the_structure_page_lists_the_leaders_due_report_backs(client, org, groups):
    from django.utils import timezone

    today = timezone.localdate()
    actions.do_add_member(org.admin, groups["theme"], user=groups["leader"], role="process_leader")
    assignment = actions.do_create_assignment(
        org.admin, groups["theme"], _input(report_due_dates=[today - dt.timedelta(days=1)])
    )
    actions.do_decide_assignment(org.admin, assignment, today - dt.timedelta(days=30))
    client.force_login(groups["leader"])
    html = client.get("/styrning/").content.decode()
    assert "Att återrapportera" in html and "försenad" in html


def test_the_start_page_lists_the_leaders_due_report_backs(client, org, groups):
    from django.utils import timezone

    today = timezone.localdate()
    actions.do_add_member(org.admin, groups["theme"], user=groups["leader"], role="process_leader")
    assignment = actions.do_create_assignment(
        org.admin, groups["theme"], _input(report_due_dates=[today - dt.timedelta(days=1)])
    )
    actions.do_decide_assignment(org.admin, assignment, today - dt.timedelta(days=30))
    client.force_login(groups["leader"])
    html = client.get("/").content.decode()
    assert "Återrapporteringar att lämna" in html and assignment.title in html
    client.force_login(groups["member"])
    assert "Återrapporteringar att lämna" not in client.get("/").content.decode()
