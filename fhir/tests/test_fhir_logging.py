"""Every page of a search is logged, one row per stay shown through the unit that grants it,
and a search costs the same number of queries however many rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from fhir.tests.conftest import client_for, parsed, resources
from sip.tests.builders import consented, in_a_stay
from tests.factories import TEST_IDENTIFIERS, admit


def _queries(client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured), parsed(response)


def test_a_search_page_logs_each_stay_once_through_the_granting_unit(org):
    episodes = [admit(org, identifier=number) for number in TEST_IDENTIFIERS[:3]]
    client = client_for(org.gp_nurse)
    bundle = parsed(client.get("/fhir/Encounter?_count=2"))
    assert bundle["total"] == 3 and len(resources(bundle)) == 2
    rows = AccessLog.objects.filter(user=org.gp_nurse, action="fhir.encounter.search")
    shown = {e["id"] for e in resources(bundle)}
    assert {str(row.episode.public_id) for row in rows} == shown
    assert {row.unit_id for row in rows} == {org.health_centre.pk}
    assert len(rows) == 2
    # The next page, by the link the bundle gives.
    (next_link,) = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
    second = parsed(client.get(next_link))
    assert {e["id"] for e in resources(second)} == {str(e.public_id) for e in episodes} - shown
    assert [link["relation"] for link in second["link"]] == ["self", "first", "previous"]


def test_count_zero_gives_the_total_alone_and_logs_nobody(org):
    admit(org)
    client = client_for(org.nurse)
    bundle = parsed(client.get("/fhir/Encounter?_count=0"))
    assert bundle["total"] == 1 and "entry" not in bundle
    assert not AccessLog.objects.filter(user=org.nurse, action="fhir.encounter.search").exists()


def test_a_task_search_logs_each_stay_once_not_each_task(org):
    episode = admit(org)
    client = client_for(org.nurse)
    bundle = parsed(client.get(f"/fhir/Task?encounter={episode.public_id}&_count=20"))
    assert len(resources(bundle)) == 20
    rows = AccessLog.objects.filter(user=org.nurse, action="fhir.task.search")
    assert [(row.episode_id, row.unit_id) for row in rows] == [(episode.pk, org.ward.pk)]


def _admit(org, numbers: list[str]) -> None:
    for number in numbers:
        admit(org, identifier=number)


def _sips(org, numbers: list[str]) -> None:
    for number in numbers:
        consented(org, in_a_stay(org, identifier=number))


@pytest.mark.parametrize(
    "path, build",
    [
        ("/fhir/Patient", _admit),
        ("/fhir/Encounter", _admit),
        ("/fhir/Task?_count=200", _admit),
        ("/fhir/Communication", _admit),
        ("/fhir/CarePlan", _sips),
        ("/fhir/Consent", _sips),
    ],
)
def test_a_search_costs_the_same_queries_for_one_row_as_for_several(org, path, build):
    build(org, TEST_IDENTIFIERS[:1])
    client = client_for(org.gp_nurse)
    few, small = _queries(client, path)
    build(org, TEST_IDENTIFIERS[1:4])
    many, large = _queries(client, path)
    assert len(resources(large)) > len(resources(small)) > 0
    assert many == few, path
    assert many <= 14, path
