"""The survey in the JSON API: questionnaires as data, plans, results with suppression."""

import json

from organisations.models import Role
from surveys.models import BASELINE, Response
from tests.factories import make_user


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_process_leader_saves_a_questionnaire_and_a_change_after_answers_is_a_new_version(
    org, plan, client
):
    leader = make_user("leader", org.ward, Role.PROCESS_LEADER)
    client.force_login(leader)
    body = {
        "title": "Kort",
        "questions": [
            {"key": "helhet", "text": "Helhet?", "kind": "scale", "scale_min": 1, "scale_max": 5}
        ],
    }
    first = post(client, "/api/surveys/questionnaires/utskrivning", body).json()
    assert first["number"] == 1 and first["questions"] == ["helhet"]
    Response.objects.create(
        plan=plan, period=BASELINE, version=plan.questionnaire.current_version()
    )
    second = post(client, "/api/surveys/questionnaires/utskrivning", {**body, "title": "Ny"})
    assert second.json()["number"] == 2


def test_a_bad_questionnaire_gets_a_structured_error(org, client):
    client.force_login(org.admin)
    answer = post(client, "/api/surveys/questionnaires/x", {"title": "", "questions": []})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "title"


def test_a_nurse_may_not_define_questionnaires(org, client):
    client.force_login(org.nurse)
    answer = post(client, "/api/surveys/questionnaires/x", {"title": "T", "questions": []})
    assert answer.status_code == 403 and answer.json()["errors"][0]["code"] == "forbidden"


def test_results_in_the_api_mark_suppressed_groups_without_figures(org, plan, client):
    version = plan.questionnaire.current_version()
    Response.objects.create(
        plan=plan, period=BASELINE, version=version, submitted_at="2026-11-01T10:00Z"
    )
    client.force_login(org.manager)
    plans = client.get("/api/surveys/plans").json()
    assert [p["name"] for p in plans] == ["Utvärdering 2026–2028"]
    data = client.get(f"/api/surveys/results?plan={plans[0]['id']}").json()
    assert data["threshold"] == 5
    assert data["rows"] == [
        {
            "period": 0,
            "period_label": "Baslinje",
            "group": "Alla",
            "suppressed": True,
            "invitations": None,
            "responses": None,
            "response_rate": None,
            "means": {},
            "changes_from_baseline": {},
        }
    ]


def test_an_unknown_plan_is_a_structured_error(org, plan, client):
    client.force_login(org.manager)
    answer = client.get("/api/surveys/results?plan=nej")
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "plan"
    assert client.get("/api/surveys/results?plan=x&per=unit").json()["errors"][0]["field"] == "per"
