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


def test_an_assignment_is_drafted_decided_and_versioned_in_the_api(client, org, groups):
    client.force_login(org.admin)
    body = {
        "group": str(groups["theme"].public_id),
        "title": "Uppdrag: ny utskrivningsprocess",
        "sections": {"purpose": "Trygg utskrivning"},
        "report_questions": ["Vad har gjorts?"],
        "report_due_dates": ["2026-06-30"],
    }
    response = _post(client, "/api/governance/assignments", body)
    assert response.status_code == 201, response.content
    assignment = response.json()
    assert assignment["sections"]["purpose"] == "Trygg utskrivning"
    url = f"/api/governance/assignments/{assignment['id']}"
    change = {k: v for k, v in body.items() if k != "group"}
    assert _post(client, url, {**change, "title": "Rättad"}).json()["title"] == "Rättad"
    assert _post(client, url + "/decision", {"decided_on": "2026-02-01"}).status_code == 200
    response = _post(client, url, {**change, "title": "I efterhand"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "decided"
    response = _post(client, url + "/versions", {**change, "title": "Version 2"})
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["previous"]) == (2, assignment["id"])
    response = _post(client, "/api/governance/assignments", {**body, "sections": {"x": "y"}})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "x"


def test_events_and_the_annual_report_in_the_api(client, org, groups):
    client.force_login(groups["leader"])
    nosam = groups["nosam"]
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    body = {
        "title": "Nätverksträff",
        "kind": "network_meeting",
        "held_on": yesterday,
        "participants": [
            {
                "organisation": str(org.needs_assessment.principal.public_id),
                "unit": str(org.ward.public_id),
                "attended": 3,
            }
        ],
    }
    response = _post(client, f"/api/governance/groups/{nosam.public_id}/events", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unit_not_in_organisation"
    body["participants"][0]["unit"] = str(org.needs_assessment.public_id)
    response = _post(client, f"/api/governance/groups/{nosam.public_id}/events", body)
    assert response.status_code == 201 and response.json()["attended"] == 3
    event = response.json()["id"]
    rows = body["participants"] + [
        {"organisation": str(org.ward.principal.public_id), "registered": 2, "attended": 2}
    ]
    response = _post(client, f"/api/governance/events/{event}/participants", rows)
    assert response.json()["attended"] == 5
    listed = client.get(f"/api/governance/groups/{nosam.public_id}/events").json()
    assert [e["title"] for e in listed] == ["Nätverksträff"]

    year = timezone.localdate().year
    report = client.get(f"/api/governance/annual-reports/{year}").json()
    [section] = [g for g in report["groups"] if g["group"] == str(nosam.public_id)]
    assert (section["events"], section["participants"]) == (["Nätverksträff"], 5)
    response = client.get(f"/api/governance/annual-reports/{year + 1}")
    assert response.status_code == 400
