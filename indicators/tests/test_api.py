"""The statistics in the JSON API: one endpoint per indicator, and payment."""

import pytest

from organisations.models import ApiToken


@pytest.fixture
def manager_client(client, org):
    client.force_login(org.manager)
    return client


def test_each_indicator_has_a_json_endpoint_with_its_comparisons(march, org, manager_client):
    response = manager_client.get(
        "/api/statistics/indicators/ready_days_vgr",
        {
            "period": "month",
            "month": "2025-03",
            "municipality": str(org.partille_area.municipality.public_id),
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["current"]["value"] == pytest.approx(4.0)
    assert (body["current"]["numerator"], body["current"]["denominator"]) == (28, 7)
    assert body["previous"]["label"] == "februari 2025" and body["previous"]["value"] is None
    assert "samma dag" in body["indicator"]["definition"]
    keys = [i["key"] for i in manager_client.get("/api/statistics/indicators").json()]
    assert "sip_on_time" in keys and "readmission_30" in keys


def test_bad_input_gets_a_structured_error(org, manager_client):
    response = manager_client.get(
        "/api/statistics/indicators/ready_days_vgr",
        {"period": "custom", "from": "2025-03-31", "to": "2025-03-01"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "period_reversed"
    assert manager_client.get("/api/statistics/indicators/nonsense").status_code == 400


def test_a_token_user_without_a_statistics_role_is_refused(org, client):
    _, key = ApiToken.issue(org.nurse, "test")
    response = client.get("/api/statistics/indicators", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403


def test_payment_as_json(march, org, manager_client):
    response = manager_client.get(
        "/api/statistics/payment",
        {"municipality": str(org.partille_area.municipality.public_id), "month": "2025-03"},
    )
    [result] = response.json()
    assert (result["model"], result["pool_episodes"], result["pool_days"]) == ("vgr_average", 4, 6)
    assert len(result["episodes"]) == 8
