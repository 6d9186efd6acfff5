"""Process leaders set up questionnaires (as data) and measurement plans on pages."""

import json

from organisations.models import Role
from surveys.models import BASELINE, MeasurementPlan, Response
from surveys.tests.conftest import DEFINITION
from tests.factories import make_user


def test_a_process_leader_edits_a_questionnaire_and_answers_keep_their_version(org, plan, client):
    client.force_login(make_user("leader", org.ward, Role.PROCESS_LEADER))
    page = client.get("/enkat/formular/utskrivning/").content.decode()
    assert "Kändes vården som en helhet?" in page
    Response.objects.create(
        plan=plan, period=BASELINE, version=plan.questionnaire.current_version()
    )
    changed = {**DEFINITION, "title": "Ny rubrik"}
    saved = client.post("/enkat/formular/utskrivning/", {"definition": json.dumps(changed)})
    assert saved.status_code == 302
    assert plan.questionnaire.current_version().number == 2
    assert Response.objects.get().version.number == 1


def test_broken_json_and_an_overlapping_plan_get_a_clear_message(org, plan, client):
    client.force_login(org.admin)
    page = client.post("/enkat/formular/utskrivning/", {"definition": "{inte json"})
    assert page.status_code == 400 and "inte giltig JSON" in page.content.decode()
    overlap = client.post(
        "/enkat/uppsattning/",
        {
            "name": "Till",
            "questionnaire": str(plan.questionnaire.public_id),
            "start": plan.baseline_end.isoformat(),
            "end": plan.baseline_end.isoformat(),
        },
    )
    assert "Mätplanen överlappar" in overlap.content.decode()
    assert MeasurementPlan.objects.count() == 1


def test_care_staff_do_not_set_up_surveys(org, client):
    client.force_login(org.nurse)
    assert client.get("/enkat/uppsattning/").status_code == 403
