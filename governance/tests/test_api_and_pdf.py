"""The governance API (plans, follow-ups, documents) and the plan's PDF."""

import datetime as dt
import json

from django.utils import timezone

from governance.models import ActionPlan, FollowUp, GoverningDocument


def _year() -> tuple[str, str]:
    year = timezone.localdate().year
    return f"{year}-01-01", f"{year}-12-31"


def _plan_body(groups, **metric) -> dict:
    start, end = _year()
    return {
        "group": str(groups["nosam"].public_id),
        "title": "Handlingsplan NOSAM Partille",
        "period_start": start,
        "period_end": end,
        "focus_areas": [
            {
                "title": "Utskrivning",
                "sub_goals": [
                    {
                        "text": "Färre utskrivningsklara dagar",
                        "activities": [{"text": "Veckomöte", "responsible_role": "Enhetschef"}],
                        "metrics": [{"kind": "live", "indicator_key": "discharges", **metric}],
                    }
                ],
            }
        ],
    }


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_plan_is_created_and_read_back_with_its_live_metric(client, org, groups):
    client.force_login(groups["leader"])
    response = _post(client, "/api/governance/plans", _plan_body(groups, target=30))
    assert response.status_code == 201, response.content
    plan = response.json()
    metric = plan["focus_areas"][0]["sub_goals"][0]["metrics"][0]
    assert metric["filters"] == {"area": str(org.partille_area.public_id)}
    assert (metric["unit"], metric["target"], metric["value"]) == ("count", 30, 0)
    assert client.get(f"/api/governance/plans/{plan['id']}").json()["title"] == plan["title"]


def test_a_bad_metric_is_a_structured_error_and_nothing_is_written(client, org, groups):
    client.force_login(groups["leader"])
    response = _post(client, "/api/governance/plans", _plan_body(groups, unit="percent"))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == "wrong_unit"
    assert error["field"] == "focus_areas.0.sub_goals.0.metrics.0.unit"
    assert not ActionPlan.objects.exists()


def test_a_follow_up_outside_the_period_is_refused_in_the_api(client, org, groups):
    client.force_login(groups["leader"])
    plan = _post(client, "/api/governance/plans", _plan_body(groups)).json()
    activity = plan["focus_areas"][0]["sub_goals"][0]["activities"][0]["id"]
    start, end = _year()
    late = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()
    body = {
        "held_on": late,
        "covers_start": start,
        "covers_end": late,
        "statuses": [{"activity": activity, "state": "done"}],
    }
    response = _post(client, f"/api/governance/plans/{plan['id']}/follow-ups", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "outside_plan_period"
    body["covers_end"] = body["held_on"] = end
    response = _post(client, f"/api/governance/plans/{plan['id']}/follow-ups", body)
    assert response.status_code == 201
    assert FollowUp.objects.count() == 1
    read = client.get(f"/api/governance/plans/{plan['id']}").json()
    assert read["focus_areas"][0]["sub_goals"][0]["activities"][0]["state"] == "done"


def test_documents_in_the_api_replace_and_refuse_a_reversed_validity(client, org):
    client.force_login(org.admin)
    body = {"title": "Rutin A", "kind": "routine", "valid_from": "2025-01-01"}
    old = _post(client, "/api/governance/documents", body).json()
    new = _post(
        client, "/api/governance/documents", {**body, "version": "2", "replaces": old["id"]}
    )
    assert new.status_code == 201
    listed = client.get("/api/governance/documents").json()
    assert [d["id"] for d in listed] == [new.json()["id"]]
    assert len(client.get("/api/governance/documents", {"all": "true"}).json()) == 2
    response = _post(client, "/api/governance/documents", {**body, "valid_to": "2024-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "valid_to"
    assert GoverningDocument.objects.count() == 2


def test_the_plan_downloads_as_a_pdf(client, org, groups):
    client.force_login(groups["leader"])
    plan = _post(client, "/api/governance/plans", _plan_body(groups)).json()
    client.force_login(groups["member"])
    response = client.get(f"/styrning/plan/{plan['id']}/handlingsplan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
