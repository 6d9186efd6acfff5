"""The list endpoints answer their rows as plain data (`episodes.schemas.episode_data` and its
kind) instead of through ninja's validation: the answer must be, byte for byte, what the
declared schema makes of the same rows, and the OpenAPI description must still name it."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja.renderers import JSONRenderer

from episodes import actions
from episodes.api.common import messages_out, with_relations
from episodes.models import Episode, Event, Message
from episodes.schemas import EpisodeOut, EventOut, MessageOut
from episodes.tests.test_api_auth import Api
from episodes.tests.test_api_lists import admit_many


def rendered(body) -> bytes:
    """What ninja's renderer (the API's) writes of `body`."""
    return JSONRenderer().render(HttpRequest(), body, response_status=200).encode()


def by_schema(schema, rows) -> list[dict]:
    return [schema.model_validate(row).model_dump() for row in rows]


def a_busy_ward(org) -> list[Episode]:
    """Episodes with what a list may show: readiness, a message acknowledged, one discharged."""
    episodes = admit_many(org, 4)
    actions.do_send_ready_notice(org.nurse, episodes[0])
    message = Message.objects.filter(
        episode=episodes[1], recipient_unit=org.needs_assessment
    ).first()
    assert message is not None
    actions.do_acknowledge(org.needs_assessor, message)
    actions.do_discharge(
        org.nurse, episodes[2], "home", discharged_at=timezone.now() - dt.timedelta(minutes=5)
    )
    return episodes


def test_the_episode_list_is_what_its_schema_makes_of_the_rows(org):
    a_busy_ward(org)
    api = Api(org.needs_assessor)
    for params in ({}, {"page_size": 2}, {"page_size": 2, "page": 2}, {"active": "true"}):
        response = api.get("/episodes", **params)
        ids = [item["id"] for item in response.json()["items"]]
        rows = with_relations(Episode.objects.filter(public_id__in=ids))
        episodes = sorted(rows, key=lambda e: ids.index(str(e.public_id)))
        expected = {"items": by_schema(EpisodeOut, episodes), "count": response.json()["count"]}
        assert response.content == rendered(expected)
        assert response["Content-Type"] == "application/json; charset=utf-8"


def test_the_inbox_is_what_its_schema_makes_of_the_rows(org):
    a_busy_ward(org)
    api = Api(org.needs_assessor)
    path = f"/units/{org.needs_assessment.public_id}/inbox"
    for params in ({}, {"unacknowledged": "true"}, {"page_size": 3, "page": 2}):
        response = api.get(path, **params)
        ids = [item["id"] for item in response.json()["items"]]
        rows = messages_out(Message.objects.filter(public_id__in=ids))
        messages = sorted(rows, key=lambda m: ids.index(str(m.public_id)))
        expected = {"items": by_schema(MessageOut, messages), "count": response.json()["count"]}
        assert response.content == rendered(expected)


def test_the_timeline_is_what_its_schema_makes_of_the_events(org):
    episodes = a_busy_ward(org)
    api = Api(org.needs_assessor)
    for episode in episodes:
        response = api.get(f"/episodes/{episode.public_id}/events")
        events = (
            Event.objects.filter(episode=episode)
            .select_related("actor", "actor_unit", "unit", "message")
            .order_by("occurred_at", "id")
        )
        assert len(response.json()) >= 1
        assert response.content == rendered(by_schema(EventOut, events))


def test_the_openapi_description_still_names_the_schemas_of_the_lists(org):
    schema = Api(org.needs_assessor).get("/openapi.json").json()
    answers = {
        "/api/episodes": "PagedEpisodeOut",
        "/api/units/{id}/inbox": "PagedMessageOut",
    }
    for path, name in answers.items():
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{name}"}
    events = schema["paths"]["/api/episodes/{id}/events"]["get"]["responses"]["200"]
    items = events["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": "#/components/schemas/EventOut"}
