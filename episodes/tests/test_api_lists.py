"""List endpoints: paginated, filtered, one access-log row per episode shown, and a fixed
number of SQL queries however many rows there are."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLog
from episodes import actions
from episodes.tests.test_api_auth import Api
from individuals.identifiers import luhn_ok
from tests.factories import admit, make_individual


def identifiers(count: int) -> list[str]:
    """`count` fictional personnummer with valid check digits, born in 1940–41."""
    numbers = []
    day = dt.date(1940, 1, 1)
    while len(numbers) < count:
        stem = f"{day:%Y%m%d}998"
        digit = next(d for d in "0123456789" if luhn_ok(stem[2:] + d))
        numbers.append(stem + digit)
        day += dt.timedelta(days=1)
    return numbers


def admit_many(org, count: int) -> list:
    episodes = []
    for index, identifier in enumerate(identifiers(count)):
        make_individual(org, identifier)
        episodes.append(
            admit(
                org,
                identifier=identifier,
                admitted_at=timezone.now() - dt.timedelta(hours=2, minutes=index),
            )
        )
    return episodes


def queries_for(api: Api, path: str, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def test_listing_episodes_costs_the_same_queries_for_3_and_30_episodes(org):
    api = Api(org.needs_assessor)
    admit_many(org, 3)
    few, body = queries_for(api, "/episodes")
    assert body["count"] == 3
    admit_many_more = identifiers(30)[3:]
    for index, identifier in enumerate(admit_many_more):
        make_individual(org, identifier)
        admit(
            org,
            identifier=identifier,
            admitted_at=timezone.now() - dt.timedelta(hours=3, minutes=index),
        )
    many, body = queries_for(api, "/episodes")
    assert body["count"] == 30 and len(body["items"]) == 30
    assert all(len(item["parties"]) == 4 for item in body["items"])
    assert many == few


def test_an_inbox_costs_the_same_queries_for_3_and_30_messages(org):
    api = Api(org.needs_assessor)
    admit_many(org, 3)
    few, body = queries_for(api, f"/units/{org.needs_assessment.public_id}/inbox")
    assert body["count"] == 3
    for index, identifier in enumerate(identifiers(30)[3:]):
        make_individual(org, identifier)
        admit(
            org,
            identifier=identifier,
            admitted_at=timezone.now() - dt.timedelta(hours=3, minutes=index),
        )
    many, body = queries_for(api, f"/units/{org.needs_assessment.public_id}/inbox")
    assert body["count"] == 30
    assert many == few


def test_every_episode_listed_is_logged_once_with_the_unit_that_grants_it(org):
    episodes = admit_many(org, 3)
    Api(org.needs_assessor).get("/episodes")
    logged = AccessLog.objects.filter(user=org.needs_assessor, action="api.episode.list")
    assert sorted(logged.values_list("episode_id", flat=True)) == sorted(e.id for e in episodes)
    assert set(logged.values_list("unit_id", flat=True)) == {org.needs_assessment.id}
    assert all(log.individual_id for log in logged)


def test_episodes_are_paginated_newest_admission_first(org):
    episodes = admit_many(org, 5)
    page = Api(org.nurse).get("/episodes", page=2, page_size=2).json()
    assert page["count"] == 5
    assert [item["id"] for item in page["items"]] == [str(e.public_id) for e in episodes[2:4]]
    assert AccessLog.objects.filter(action="api.episode.list").count() == 2


def test_episodes_filter_by_state_activity_and_unit(org):
    first, second, third = admit_many(org, 3)
    actions.do_send_ready_notice(org.nurse, second)
    actions.do_discharge(org.nurse, third, "home")
    api = Api(org.nurse)

    def ids(**params):
        return {item["id"] for item in api.get("/episodes", **params).json()["items"]}

    assert ids(state="ready") == {str(second.public_id)}
    assert ids(active="true") == {str(first.public_id), str(second.public_id)}
    assert ids(active="false") == {str(third.public_id)}
    actions.do_edit_parties(org.nurse, first, remove=[org.health_centre])
    assert ids(unit=str(org.health_centre.public_id)) == {
        str(second.public_id),
        str(third.public_id),
    }
    assert api.get("/episodes", state="lost").status_code == 422


def test_the_timeline_lists_the_events_in_order(org):
    episode = admit(org)
    actions.do_send_ready_notice(org.nurse, episode)
    events = Api(org.needs_assessor).get(f"/episodes/{episode.public_id}/events").json()
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "admitted" and kinds[-1] == "ready_notice_sent"
    assert events[-1]["kind_label"] == "Meddelande om utskrivningsklar skickat"
    assert events[-1]["actor_unit"]["id"] == str(org.ward.public_id)
