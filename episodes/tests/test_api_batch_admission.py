"""Admissions in a batch (`POST /api/admissions/batch`, issue 17): each one as a single
admission would be made, each on its own (a refused one changes nothing and does not stop
the others), and a resend of the same keys admits nobody twice."""

import datetime as dt
import uuid

from django.utils import timezone

from audit.models import AccessLog
from episodes.models import Episode, Event
from episodes.tests.test_api_auth import Api
from individuals.models import Individual
from process.models import EpisodeActivity
from tests.factories import TEST_IDENTIFIERS, admit


def _item(org, identifier: str, key: str, **extra) -> dict:
    return {
        "identifier": identifier,
        "given_name": "Greta",
        "family_name": "Batchsson",
        "ward": org.ward.public_id,
        "may_need_help": True,
        "estimated_discharge_date": timezone.localdate() + dt.timedelta(days=3),
        "send_admission_notice": True,
        "concerned_units": [org.needs_assessment.public_id],
        "idempotency_key": key,
        **extra,
    }


def test_each_admission_of_a_batch_stands_on_its_own(org):
    admit(org, identifier=TEST_IDENTIFIERS[1])  # already in a running stay
    api = Api(org.nurse)
    items = [
        _item(org, TEST_IDENTIFIERS[0], "a-1"),
        _item(org, TEST_IDENTIFIERS[1], "a-2"),
        _item(org, TEST_IDENTIFIERS[2], "a-3", concerned_units=[str(uuid.uuid4())]),
        _item(org, TEST_IDENTIFIERS[3], "a-4"),
    ]
    response = api.post("/admissions/batch", {"admissions": items})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 400, 404, 201]
    assert results[1]["errors"][0]["code"] == "active_episode_exists"
    assert results[2]["errors"][0]["field"] == "concerned_units"
    # The refused ones changed nothing: no person, no second stay.
    assert not Individual.objects.filter(identifier=TEST_IDENTIFIERS[2]).exists()
    assert Episode.objects.filter(individual__identifier=TEST_IDENTIFIERS[1]).count() == 1
    # The admitted ones are whole: parties, the notice sent, the process started, the read
    # logged once, as for one admission.
    for result in (results[0], results[3]):
        episode = Episode.objects.get(public_id=result["episode"]["id"])
        assert {p["unit"]["name"] for p in result["episode"]["parties"]} == {
            org.ward.name,
            org.needs_assessment.name,
        }
        assert result["episode"]["admission_notice_sent_at"] is not None
        assert Event.objects.filter(episode=episode, kind="admission_notice_sent").count() == 1
        assert EpisodeActivity.objects.filter(episode=episode).exists()
        assert AccessLog.objects.filter(episode=episode, action="api.episode.create").count() == 1


def test_a_resent_batch_admits_nobody_twice_and_names_what_was_made(org):
    api = Api(org.nurse)
    items = [_item(org, TEST_IDENTIFIERS[0], "b-1"), _item(org, TEST_IDENTIFIERS[2], "b-2")]
    first = api.post("/admissions/batch", {"admissions": items}).json()["results"]
    assert [r["status"] for r in first] == [201, 201]
    again = api.post("/admissions/batch", {"admissions": items}).json()["results"]
    assert [r["status"] for r in again] == [409, 409]
    assert [r["errors"][0]["code"] for r in again] == ["duplicate_submission"] * 2
    assert [r["resources"] for r in again] == [
        [f"/api/episodes/{r['episode']['id']}"] for r in first
    ]
    assert Episode.objects.count() == 2


def test_a_batch_that_does_not_follow_the_schema_changes_nothing(org):
    api = Api(org.nurse)
    items = [_item(org, TEST_IDENTIFIERS[0], "c-1"), {"identifier": TEST_IDENTIFIERS[2]}]
    response = api.post("/admissions/batch", {"admissions": items})
    assert response.status_code == 422
    assert not Episode.objects.exists()


def test_one_who_may_not_admit_is_refused_for_each_admission(org):
    api = Api(org.needs_assessor)
    response = api.post("/admissions/batch", {"admissions": [_item(org, TEST_IDENTIFIERS[0], "d")]})
    [result] = response.json()["results"]
    assert result["status"] == 403 and result["errors"][0]["field"] == "ward"
    assert not Episode.objects.exists()
