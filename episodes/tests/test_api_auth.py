"""Who may call the API: bearer tokens, browser sessions with CSRF, and `/api/me`.

`Api` (a JSON client signed in with a freshly issued token) is shared by the other
`test_api_*` files.
"""

import json

from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from episodes.models import Event, Message
from organisations.models import ApiToken
from tests.factories import admit


class Api:
    """A JSON client for one user, authenticated by a bearer token issued for the test."""

    def __init__(self, user):
        self.user = user
        _, key = ApiToken.issue(user, "test")
        self.client = Client(headers={"Authorization": f"Bearer {key}"})

    def get(self, path: str, **params):
        return self.client.get("/api" + path, params)

    def post(
        self, path: str, body: dict | None = None, *, key: str | None = None, raw: str | None = None
    ):
        headers = {"Idempotency-Key": key} if key else {}
        data = raw if raw is not None else json.dumps(body or {}, default=str)
        return self.client.post(
            "/api" + path, data=data, content_type="application/json", headers=headers
        )


def error_of(response) -> dict:
    """The one structured error of a refusal."""
    [error] = response.json()["errors"]
    return error


def counts() -> tuple[int, int]:
    return Event.objects.count(), Message.objects.count()


def test_a_request_without_credentials_is_refused_with_401(org):
    response = Client().get("/api/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert error_of(response)["code"] == "unauthenticated"


def test_a_wrong_or_revoked_token_is_refused(org):
    assert (
        Client(headers={"Authorization": "Bearer sam_nonsense"}).get("/api/me").status_code == 401
    )
    api = Api(org.nurse)
    assert api.get("/me").status_code == 200
    ApiToken.objects.filter(user=org.nurse).update(revoked_at=timezone.now())
    assert api.get("/me").status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(org):
    api = Api(org.nurse)
    org.nurse.is_active = False
    org.nurse.save()
    assert api.get("/me").status_code == 401


def test_me_lists_the_units_and_roles_of_the_user(org):
    response = Api(org.needs_assessor).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == org.needs_assessor.username
    [membership] = body["memberships"]
    assert membership["unit"] == {
        "id": str(org.needs_assessment.public_id),
        "name": org.needs_assessment.name,
        "lane": "social_services",
        "kind": "needs_assessment",
    }
    assert membership["role"] == "needs_assessor"


def test_a_session_user_can_read_without_a_token(org):
    client = Client()
    client.force_login(org.nurse)
    assert client.get("/api/me").json()["username"] == org.nurse.username


def test_a_session_post_with_a_forged_csrf_token_is_refused_and_changes_nothing(org):
    episode = admit(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.nurse)
    before = counts()
    for headers in ({}, {"X-CSRFToken": "forged" * 6}):
        response = client.post(
            f"/api/episodes/{episode.public_id}/ready-notice",
            data="{}",
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 403
    assert counts() == before
    episode.refresh_from_db()
    assert episode.state == "admitted"


def test_a_session_post_with_the_right_csrf_token_is_carried_out(org):
    episode = admit(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.nurse)
    # What a page's {% csrf_token %} and cookie give the browser: the same secret twice.
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    response = client.post(
        f"/api/episodes/{episode.public_id}/ready-notice",
        data="{}",
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "ready"


def test_a_bearer_token_needs_no_csrf_token(org):
    episode = admit(org)
    _, key = ApiToken.issue(org.nurse, "csrf")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = client.post(
        f"/api/episodes/{episode.public_id}/ready-notice",
        data="{}",
        content_type="application/json",
    )
    assert response.status_code == 200


def test_a_csrf_refusal_is_a_structured_error(org):
    episode = admit(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.nurse)
    response = client.post(
        f"/api/episodes/{episode.public_id}/ready-notice",
        data="{}",
        content_type="application/json",
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"


def test_a_post_with_a_wrong_token_is_refused_with_401(org):
    episode = admit(org)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer sam_nonsense"})
    response = client.post(
        f"/api/episodes/{episode.public_id}/ready-notice",
        data="{}",
        content_type="application/json",
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
