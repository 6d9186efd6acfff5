"""The API describes itself: OpenAPI at /api/openapi.json, interactive docs at /api/docs."""

from django.test import Client

EXPECTED_PATHS = [
    "/api/me",
    "/api/units",
    "/api/units/{id}",
    "/api/units/{id}/inbox",
    "/api/individuals",
    "/api/individuals/{id}",
    "/api/individuals/{id}/proposed-units",
    "/api/admissions/proposed-units",
    "/api/admissions/batch",
    "/api/episodes",
    "/api/episodes/{id}",
    "/api/episodes/{id}/events",
    "/api/messages/{id}",
    "/api/messages/{id}/acknowledge",
    "/api/messages/{id}/forward",
] + [
    f"/api/episodes/{{id}}/{step}"
    for step in (
        "admission-notice",
        "estimated-discharge-date",
        "parties",
        "planning-messages",
        "care-requests",
        "messages",
        "care-contact",
        "help-need",
        "sip-need",
        "sip-offer",
        "sip-invitation",
        "ready-notice",
        "ready-notice/revoke",
        "information-transfer",
        "summary",
        "discharge",
        "exit",
        "admission-correction",
    )
]


def test_the_openapi_document_lists_every_path_of_the_episode_api(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    missing = [path for path in EXPECTED_PATHS if path not in document["paths"]]
    assert missing == []
    assert set(document["components"]["securitySchemes"]) >= {"TokenAuth", "BrowserSessionAuth"}


def test_every_post_on_an_episode_takes_an_idempotency_key(db):
    document = Client().get("/api/openapi.json").json()
    paths = document["paths"]
    for path in EXPECTED_PATHS:
        if "post" in paths[path] and path != "/api/admissions/batch":
            names = [p["name"] for p in paths[path]["post"].get("parameters", [])]
            assert "Idempotency-Key" in names, path
    # A batch carries one key per admission, in its body.
    item = document["components"]["schemas"]["BatchAdmissionIn"]
    assert "idempotency_key" in item["properties"]


def test_the_interactive_docs_load_for_a_logged_in_user(org):
    client = Client()
    client.force_login(org.nurse)  # behind login (samsyn/tests/test_deployment.py)
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
