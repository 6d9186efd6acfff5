"""The number of SQL queries of a page or list endpoint must not grow with the number of rows.

Each test renders a page for a few rows, adds many more, renders again and compares the
counts (after one warm-up request each, so caches are equally warm).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.world import fictional_identifier
from episodes import actions
from tests.factories import admit

FEW, MANY = 2, 10


def _identifiers(count: int, start: int = 0) -> list[str]:
    day = dt.date(1940, 1, 1) + dt.timedelta(days=start)
    return [fictional_identifier(day + dt.timedelta(days=n), 981) for n in range(count)]


def _admit_many(org, count: int, start: int = 0) -> list:
    return [admit(org, identifier=identifier) for identifier in _identifiers(count, start)]


def _count(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grows(org, user, url_for) -> tuple[int, int, list[str]]:
    client = Client()
    client.force_login(user)
    episodes = _admit_many(org, FEW)
    few = _count(client, url_for(episodes))
    episodes += _admit_many(org, MANY - FEW, start=FEW)
    with CaptureQueriesContext(connection) as captured:
        many = _count(client, url_for(episodes))
    return few, many, [q["sql"][:160] for q in captured.captured_queries]


@pytest.mark.parametrize(
    "path",
    ["/", "/inkorg/"],
)
def test_a_unit_page_makes_as_many_queries_for_many_episodes_as_for_few(org, path):
    few, many, queries = _grows(org, org.needs_assessor, lambda episodes: path)
    assert few == many, queries


def test_the_ward_start_page_makes_as_many_queries_for_many_episodes_as_for_few(org):
    few, many, queries = _grows(org, org.nurse, lambda episodes: "/")
    assert few == many, queries


def test_the_api_worklist_makes_as_many_queries_for_many_episodes_as_for_few(org):
    url = f"/api/episodes?unit={org.needs_assessment.public_id}&active=true"
    few, many, queries = _grows(org, org.needs_assessor, lambda episodes: url)
    assert few == many, queries


def test_the_api_inbox_makes_as_many_queries_for_many_messages_as_for_few(org):
    url = f"/api/units/{org.needs_assessment.public_id}/inbox"
    few, many, queries = _grows(org, org.needs_assessor, lambda episodes: url)
    assert few == many, queries


def _with_moves(org, episode, moves: int):
    start = timezone.localdate() + dt.timedelta(days=6)
    for number in range(moves):
        actions.do_set_estimated_date(org.nurse, episode, start + dt.timedelta(days=number))
    return episode


@pytest.mark.parametrize("path", ["/vardtillfallen/{}/", "/api/episodes/{}/events"])
def test_an_episode_with_a_long_timeline_makes_as_many_queries_as_a_short_one(org, path):
    client = Client()
    client.force_login(org.needs_assessor)
    [short, long] = _admit_many(org, 2)
    _with_moves(org, short, 1)
    _with_moves(org, long, 12)
    few = _count(client, path.format(short.public_id))
    with CaptureQueriesContext(connection) as captured:
        many = _count(client, path.format(long.public_id))
    assert few == many, [q["sql"][:160] for q in captured.captured_queries]


def test_the_start_page_reads_memberships_once_and_no_activity_definition_rows(org):
    # Issue 17: the memberships are kept on the request's user, the activity definitions come
    # from the process engine's cache, and the access-log rows go out in one INSERT.
    _admit_many(org, FEW)
    for user in (org.nurse, org.needs_assessor):
        client = Client()
        client.force_login(user)
        assert client.get("/").status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        statements = [q["sql"] for q in captured.captured_queries]
        # The user's memberships as such, once (a caller that filters them further, e.g. by
        # role, still asks the database, as a queryset does).
        plain_reads = [
            s
            for s in statements
            if s.startswith('SELECT "organisations_membership"."id"')
            and '"organisations_membership"."role" IN' not in s
        ]
        assert len(plain_reads) == 1, plain_reads
        assert not any('FROM "process_activitydefinition"' in s for s in statements)
        assert sum(s.startswith('INSERT INTO "audit_accesslog"') for s in statements) == 1
