"""Inputs that used to reach a 500 or the wrong shape get the API's structured refusal:
a page past the last, control characters, a body too large, a repeated idempotency key;
and the acknowledge form's `next` cannot send the user to another site."""

import json

import pytest
from django.test import Client

from episodes.models import Episode, Message
from episodes.tests.test_api_auth import Api, counts, error_of
from episodes.tests.test_api_bad_input import admission
from tests.factories import admit


def test_a_huge_page_number_is_a_404_on_page(org):
    admit(org)
    response = Api(org.nurse).get("/episodes", page=10**30)
    assert response.status_code == 404
    assert (error_of(response)["field"], error_of(response)["code"]) == ("page", "not_found")


def test_the_page_after_the_last_is_a_404_and_the_last_is_not(org):
    admit(org)
    api = Api(org.nurse)
    assert api.get("/episodes", page=1).json()["count"] == 1
    assert api.get("/episodes", page=2).status_code == 404


def test_an_empty_list_still_has_its_first_page(org):
    response = Api(org.outsider).get("/episodes", page=1)
    assert (response.status_code, response.json()["count"]) == (200, 0)


@pytest.mark.parametrize("text", ["Greta\x00", "Gr\x07eta", "Greta\x1b[31m", "Greta\x7f"])
def test_a_control_character_in_free_text_is_refused_on_its_field(org, text):
    before = counts(), Episode.objects.count()
    response = Api(org.nurse).post("/episodes", admission(org, given_name=text))
    assert response.status_code == 400
    assert error_of(response) == {
        "field": "given_name",
        "code": "control_character",
        "message": "Texten innehåller otillåtna kontrolltecken (t.ex. ett nolltecken)."
        " Inget har ändrats.",
    }
    assert (counts(), Episode.objects.count()) == before


def test_line_breaks_and_tabs_in_a_note_are_fine(org):
    episode = admit(org)
    api = Api(org.needs_assessor)
    path = f"/episodes/{episode.public_id}/planning-messages"
    assert api.post(path, {"status": "Påbörjad\n\tvid hembesök"}).status_code == 201


def test_a_nul_byte_in_a_query_is_refused(org):
    response = Api(org.nurse).get("/individuals", identifier="19410708\x009981")
    assert response.status_code == 400
    assert error_of(response)["code"] == "control_character"


def test_a_three_megabyte_body_gets_413_in_the_error_shape(org):
    body = admission(org, notice_note="x" * (3 * 1024 * 1024))
    before = counts(), Episode.objects.count()
    response = Api(org.nurse).post("/episodes", body)
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"
    assert (counts(), Episode.objects.count()) == before


def test_a_repeated_idempotency_key_is_409_naming_the_episode_it_created(org):
    api = Api(org.nurse)
    first = api.post("/episodes", admission(org), key="adm-7")
    assert first.status_code == 201
    again = api.post("/episodes", admission(org), key="adm-7")
    assert again.status_code == 409
    created = f"/api/episodes/{first.json()['id']}"
    assert again.json()["resources"] == [created]
    assert again.headers["Location"] == created
    assert Episode.objects.count() == 1


def test_a_repeated_step_names_the_messages_it_sent(org):
    episode = admit(org)
    api = Api(org.needs_assessor)
    path = f"/episodes/{episode.public_id}/planning-messages"
    sent = api.post(path, {"status": "Påbörjad"}, key="plan-1").json()
    again = api.post(path, {"status": "Påbörjad"}, key="plan-1")
    assert again.status_code == 409
    assert again.json()["resources"] == [f"/api/messages/{m['id']}" for m in sent]


def test_another_users_key_tells_nothing_of_what_it_created(org):
    assert Api(org.nurse).post("/episodes", admission(org), key="adm-8").status_code == 201
    again = Api(org.physician).post("/episodes", admission(org), key="adm-8")
    assert again.status_code == 409
    assert "resources" not in again.json()


def test_every_refusal_is_in_the_openapi_description(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert documented >= {"400", "401", "403", "404", "409", "413", "422"}, (method, path)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_acknowledge_form_does_not_send_the_user_to_another_site(org, client, target):
    episode = admit(org)
    message = Message.objects.filter(episode=episode).first()
    client.force_login(message_recipient(org, message))
    response = client.post(f"/meddelanden/{message.public_id}/kvittera/", {"next": target})
    assert response.status_code == 302
    assert response.url == f"/meddelanden/{message.public_id}/"


def test_the_acknowledge_form_follows_a_path_on_this_site(org, client):
    episode = admit(org)
    message = Message.objects.filter(episode=episode).first()
    client.force_login(message_recipient(org, message))
    response = client.post(f"/meddelanden/{message.public_id}/kvittera/", {"next": "/inkorg/"})
    assert response.url == "/inkorg/"


def message_recipient(org, message):
    by_unit = {
        org.health_centre.pk: org.gp_nurse,
        org.needs_assessment.pk: org.needs_assessor,
        org.home_health_care.pk: org.home_care_nurse,
    }
    return by_unit[message.recipient_unit_id]


def test_a_page_form_with_a_nul_byte_gets_a_swedish_400(org, client):
    client.force_login(org.nurse)
    response = client.get("/individer/sok/", {"personnummer": "19410708\x009981"})
    assert response.status_code == 400
    assert "otillåtna kontrolltecken" in response.content.decode()


def test_a_page_form_of_three_megabytes_gets_a_swedish_413(org, client):
    client.force_login(org.nurse)
    response = client.post("/inskrivning/ny/", {"notice_note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "för stort" in response.content.decode()


def test_an_idempotency_key_with_a_control_character_is_refused(org):
    api = Api(org.nurse)
    response = api.client.post(
        "/api/episodes",
        data=json.dumps(admission(org), default=str),
        content_type="application/json",
        headers={"Idempotency-Key": "adm\x00-9"},
    )
    assert response.status_code == 422
    assert error_of(response)["field"] == "Idempotency-Key"
    assert Episode.objects.count() == 0
