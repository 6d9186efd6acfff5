"""Every kind of bad input gets a clear, structured refusal and leaves nothing half-written."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessLog
from episodes import actions
from episodes.models import Episode, EpisodeState
from episodes.tests.test_api_auth import Api, counts, error_of
from individuals.identifiers import luhn_ok
from individuals.models import Individual
from tests.factories import TEST_IDENTIFIERS, admit


def with_check_digit(twelve_without_check: str) -> str:
    """A 12-digit number whose last digit makes the Luhn check pass."""
    for digit in "0123456789":
        if luhn_ok(twelve_without_check[2:] + digit):
            return twelve_without_check + digit
    raise AssertionError("no check digit")


def refused(response, status: int, field: str | None, code: str) -> None:
    assert response.status_code == status, response.content
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]


def admission(org, **overrides) -> dict:
    body = {
        "identifier": TEST_IDENTIFIERS[4],
        "given_name": "Greta",
        "family_name": "Prov",
        "ward": org.ward.public_id,
        "admitted_at": timezone.now() - dt.timedelta(hours=1),
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "identifier, code",
    [
        ("19410708-9982", "invalid_checksum"),
        (with_check_digit("19410231998"), "invalid_date"),
        ("4107089", "invalid_length"),
        ("1941070899811", "invalid_length"),
    ],
)
def test_an_invalid_personnummer_is_refused_and_no_one_is_admitted(org, identifier, code):
    api = Api(org.nurse)
    before = counts(), Individual.objects.count(), Episode.objects.count()
    refused(api.post("/episodes", admission(org, identifier=identifier)), 400, "identifier", code)
    refused(api.get("/individuals", identifier=identifier), 400, "identifier", code)
    assert (counts(), Individual.objects.count(), Episode.objects.count()) == before


@pytest.mark.parametrize(
    "field, moment, code",
    [
        ("admitted_at", dt.timedelta(days=3), "future_time"),
        ("admitted_at", -dt.timedelta(days=400), "too_old"),
        ("admitted_at", dt.datetime(1900, 1, 1, 12, 0), "too_old"),
    ],
)
def test_an_admission_far_in_the_future_or_past_is_refused(org, field, moment, code):
    if isinstance(moment, dt.timedelta):
        # From the test's now, not the moment the module was collected (see --today).
        moment = timezone.now() + moment
    before = counts(), Episode.objects.count()
    refused(Api(org.nurse).post("/episodes", admission(org, **{field: moment})), 400, field, code)
    assert (counts(), Episode.objects.count()) == before


def test_an_estimated_discharge_date_years_ahead_is_refused(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/estimated-discharge-date", {"date": "2099-01-01"}
    )
    refused(response, 400, "date", "too_far_ahead")
    assert counts() == before


def test_a_discharge_before_the_admission_is_refused(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/discharge",
        {
            "destination": "home",
            "discharged_at": episode.admitted_at - dt.timedelta(hours=1),
        },
    )
    refused(response, 400, "discharged_at", "before_previous_step")
    assert counts() == before
    episode.refresh_from_db()
    assert episode.state == EpisodeState.ADMITTED and episode.discharged_at is None


def test_a_ready_notice_on_a_discharged_episode_is_refused(org):
    episode = admit(org)
    actions.do_discharge(org.nurse, episode, "home")
    before = counts()
    refused(
        Api(org.nurse).post(f"/episodes/{episode.public_id}/ready-notice"),
        400,
        None,
        "already_discharged",
    )
    assert counts() == before


def test_a_revocation_with_no_ready_notice_is_refused(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/ready-notice/revoke", {"reason": "Ångrar mig"}
    )
    refused(response, 400, None, "no_ready_notice")
    assert counts() == before


def test_a_second_ready_notice_is_a_conflict(org):
    episode = admit(org)
    api = Api(org.nurse)
    assert api.post(f"/episodes/{episode.public_id}/ready-notice").status_code == 200
    before = counts()
    refused(api.post(f"/episodes/{episode.public_id}/ready-notice"), 409, None, "already_ready")
    assert counts() == before


def test_the_same_idempotency_key_twice_is_refused_and_changes_nothing(org):
    episode = admit(org)
    api = Api(org.needs_assessor)
    path = f"/episodes/{episode.public_id}/planning-messages"
    assert api.post(path, {"status": "Påbörjad"}, key="form-123").status_code == 201
    before = counts()
    refused(
        api.post(path, {"status": "Påbörjad"}, key="form-123"), 409, None, "duplicate_submission"
    )
    assert counts() == before
    assert api.post(path, {"status": "Påbörjad"}, key="form-124").status_code == 201


def test_a_refused_request_does_not_use_up_its_idempotency_key(org):
    episode = admit(org)
    api = Api(org.needs_assessor)
    path = f"/episodes/{episode.public_id}/planning-messages"
    refused(api.post(path, {}, key="form-9"), 400, "status", "required")
    assert api.post(path, {"status": "Påbörjad"}, key="form-9").status_code == 201


def test_a_duplicate_admission_is_refused_by_its_key(org):
    api = Api(org.nurse)
    assert api.post("/episodes", admission(org), key="adm-1").status_code == 201
    before = counts(), Episode.objects.count()
    refused(api.post("/episodes", admission(org), key="adm-1"), 409, None, "duplicate_submission")
    assert (counts(), Episode.objects.count()) == before


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("planning-messages", {"status": "x" * 4001}, "status"),
        ("care-contact", {"name": "x" * 201}, "name"),
        ("ready-notice/revoke", {"reason": "x" * 1001}, "reason"),
    ],
)
def test_text_over_the_limits_is_refused(org, path, body, field):
    episode = admit(org)
    if path == "ready-notice/revoke":
        actions.do_send_ready_notice(org.nurse, episode)
    user = {"care-contact": org.gp_nurse}.get(path, org.nurse)
    before = counts()
    refused(Api(user).post(f"/episodes/{episode.public_id}/{path}", body), 400, field, "too_long")
    assert counts() == before


def test_a_name_over_the_limit_admits_no_one(org):
    before = Individual.objects.count()
    refused(
        Api(org.nurse).post("/episodes", admission(org, given_name="G" * 101)),
        400,
        "given_name",
        "too_long",
    )
    assert Individual.objects.count() == before


def test_acting_on_an_episode_my_unit_is_not_part_of_is_not_found_and_logged(org):
    episode = admit(org)
    before = counts()
    response = Api(org.outsider).post(
        f"/episodes/{episode.public_id}/planning-messages", {"status": "Hej"}
    )
    refused(response, 404, "id", "not_found")
    assert counts() == before
    attempt = AccessLog.objects.get(user=org.outsider)
    assert (attempt.granted, attempt.episode_id) == (False, episode.id)


def test_a_party_in_the_wrong_lane_may_not_take_the_step(org):
    episode = admit(org)
    before = counts()
    refused(
        Api(org.needs_assessor).post(f"/episodes/{episode.public_id}/ready-notice"),
        403,
        None,
        "forbidden",
    )
    assert counts() == before


def test_naming_an_acting_unit_i_do_not_work_at_is_refused(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/ready-notice", {"unit": str(org.needs_assessment.public_id)}
    )
    refused(response, 403, "unit", "not_a_party")
    assert counts() == before


UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_an_unknown_unit_id_is_not_found_naming_the_field(org):
    episode = admit(org)
    api = Api(org.nurse)
    before = counts(), Episode.objects.count()
    refused(api.post("/episodes", admission(org, ward=UNKNOWN)), 404, "ward", "not_found")
    refused(
        api.post(
            "/episodes", admission(org, concerned_units=[str(org.health_centre.public_id), UNKNOWN])
        ),
        404,
        "concerned_units",
        "not_found",
    )
    path = f"/episodes/{episode.public_id}"
    refused(
        api.post(f"{path}/messages", {"to_units": [UNKNOWN], "body": "Hej"}),
        404,
        "to_units",
        "not_found",
    )
    refused(
        api.post(f"{path}/care-requests", {"to_unit": UNKNOWN, "body": "Hej"}),
        404,
        "to_unit",
        "not_found",
    )
    refused(api.post(f"{path}/parties", {"add": [UNKNOWN]}), 404, "add", "not_found")
    refused(api.post(f"{path}/ready-notice", {"unit": UNKNOWN}), 404, "unit", "not_found")
    refused(api.get("/episodes", unit=UNKNOWN), 404, "unit", "not_found")
    refused(api.get(f"/units/{UNKNOWN}/inbox"), 404, "id", "not_found")
    refused(api.get(f"/episodes/{UNKNOWN}"), 404, "id", "not_found")
    assert (counts(), Episode.objects.count()) == before


def test_a_care_request_to_a_unit_that_is_not_concerned_names_the_recipient(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/care-requests",
        {"to_unit": str(org.unrelated_needs_assessment.public_id), "body": "Hej"},
    )
    refused(response, 400, "to_unit", "invalid_unit")
    assert counts() == before


def test_a_malformed_json_body_is_refused_and_changes_nothing(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/discharge", raw='{"destination": '
    )
    assert response.status_code == 400
    assert counts() == before


def test_a_malformed_json_body_gets_a_structured_error(org):
    episode = admit(org)
    response = Api(org.nurse).post(f"/episodes/{episode.public_id}/discharge", raw="not json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_body"
    episode.refresh_from_db()
    assert episode.state == EpisodeState.ADMITTED


@pytest.mark.parametrize(
    "body, field",
    [
        ({"identifier": TEST_IDENTIFIERS[4]}, "ward"),
        ({"identifier": TEST_IDENTIFIERS[4], "ward": "not-a-uuid"}, "ward"),
        (
            {"identifier": TEST_IDENTIFIERS[4], "ward": UNKNOWN, "admitted_at": "yesterday"},
            "admitted_at",
        ),
        (
            {"identifier": TEST_IDENTIFIERS[4], "ward": UNKNOWN, "concerned_units": "all"},
            "concerned_units",
        ),
        ({"identifier": ["a"], "ward": UNKNOWN}, "identifier"),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_naming_the_field(org, body, field):
    before = counts(), Episode.objects.count()
    response = Api(org.nurse).post("/episodes", body)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert (counts(), Episode.objects.count()) == before


def test_an_unknown_choice_is_refused_in_swedish(org):
    episode = admit(org)
    before = counts()
    response = Api(org.nurse).post(
        f"/episodes/{episode.public_id}/discharge", {"destination": "moon"}
    )
    refused(response, 400, "destination", "invalid_choice")
    assert counts() == before
