"""The deviation API: the story through JSON, and a structured error for each bad input."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from deviations.models import CandidateDecision, Deviation
from organisations.models import ApiToken
from process.models import DeviationCandidate
from process.sweeper import sweep
from tests.factories import admit

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client):
    def call(user, method, path, body=None, **headers):
        _token, key = ApiToken.issue(user, "test")
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}", **headers}
        if method == "get":
            return client.get(f"/api/deviations{path}", **kwargs)
        return client.post(
            f"/api/deviations{path}", body or {}, content_type="application/json", **kwargs
        )

    return call


def body(org, episode, **changes):
    data = {
        "episode": str(episode.public_id),
        "receiving_unit": str(org.ward.public_id),
        "category": "medication_list",
        "event_date": timezone.localdate().isoformat(),
        "what_happened": "Ingen läkemedelslista.",
        "consequence": "",
    }
    data.update(changes)
    return data


def error(response):
    [only] = response.json()["errors"]
    return response.status_code, only["code"], only["field"]


def test_report_acknowledge_answer_and_close_through_the_api(org, contacts, episode, call):
    created = call(org.home_care_nurse, "post", "", body(org, episode))
    assert created.status_code == 201, created.content
    deviation = created.json()["deviation"]
    assert deviation["state"] == "reported"
    path = f"/{deviation['id']}"
    assert call(contacts.ward, "post", path + "/acknowledge").json()["state"] == "acknowledged"
    answered = call(
        contacts.ward,
        "post",
        path + "/answer",
        {"cause": "Skiftbyte.", "measures": "Checklista.", "systemic": False},
    )
    assert answered.json()["state"] == "answered"
    closed = call(org.home_care_nurse, "post", path + "/close", {"text": ""})
    assert closed.json()["state"] == "closed"
    assert [d["id"] for d in call(contacts.ward, "get", "").json()] == [deviation["id"]]


def test_the_warning_about_names_is_given_before_saving_and_in_the_answer(org, episode, call):
    warned = call(
        org.home_care_nurse,
        "post",
        "/check-text",
        {"episode": str(episode.public_id), "text": "Sven kom hem utan lista."},
    )
    assert warned.status_code == 200
    assert "Skriv vad som hände, inte vem" in warned.json()[0]
    created = call(
        org.home_care_nurse, "post", "", body(org, episode, what_happened="Sven kom hem.")
    )
    assert created.status_code == 201
    assert len(created.json()["warnings"]) == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"receiving_unit": None}, (400, "required", "receiving_unit")),
        ({"receiving_unit": str(uuid.uuid4())}, (400, "unknown_unit", "receiving_unit")),
        ({"category": "nonsense"}, (400, "invalid_category", "category")),
        ({"event_date": "2099-01-01"}, (400, "future_date", "event_date")),
        ({"event_date": "2001-01-01"}, (400, "before_episode", "event_date")),
        ({"what_happened": "x" * 4001}, (400, "too_long", "what_happened")),
        ({"consequence": "x" * 2001}, (400, "too_long", "consequence")),
    ],
)
def test_each_bad_report_gets_a_structured_error_and_nothing_is_written(
    org, episode, call, changes, expected
):
    response = call(org.home_care_nurse, "post", "", body(org, episode, **changes))
    assert error(response) == expected
    assert not Deviation.objects.exists()


def test_a_report_about_ones_own_unit_is_refused(org, episode, call):
    response = call(
        org.home_care_nurse,
        "post",
        "",
        body(org, episode, receiving_unit=str(org.home_health_care.public_id)),
    )
    assert error(response) == (400, "own_unit", "receiving_unit")


def test_a_malformed_date_is_a_validation_error(org, episode, call):
    response = call(org.home_care_nurse, "post", "", body(org, episode, event_date="igår"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "event_date"


def test_refusals_of_the_steps(org, contacts, episode, call):
    deviation = call(org.home_care_nurse, "post", "", body(org, episode)).json()["deviation"]
    path = f"/{deviation['id']}"
    assert error(
        call(org.home_care_nurse, "post", path + "/answer", {"cause": "a", "measures": "b"})
    ) == (403, "not_contact", None)
    assert error(call(org.home_care_nurse, "post", path + "/close")) == (409, "not_answered", None)
    call(contacts.ward, "post", path + "/answer", {"cause": "a", "measures": "b", "systemic": True})
    call(org.home_care_nurse, "post", path + "/send-back", {"text": "Oklart."})
    call(contacts.ward, "post", path + "/answer", {"cause": "a", "measures": "c", "systemic": True})
    assert error(call(org.home_care_nurse, "post", path + "/send-back", {"text": "Igen."})) == (
        409,
        "already_sent_back",
        None,
    )
    assert call(org.outsider, "get", path).status_code == 404


def test_a_repeated_idempotency_key_changes_nothing(org, episode, call):
    first = call(org.home_care_nurse, "post", "", body(org, episode), HTTP_IDEMPOTENCY_KEY="k1")
    again = call(org.home_care_nurse, "post", "", body(org, episode), HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201
    assert error(again) == (409, "duplicate_submission", None)
    assert Deviation.objects.count() == 1


def test_a_draft_is_sent_or_dismissed_through_the_api(org, contacts, call):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    candidate = DeviationCandidate.objects.get(episode=episode, rule_key="SV-04")
    [draft] = call(contacts.municipality, "get", "/drafts").json()
    assert draft["candidate"] == str(candidate.public_id)
    refused = call(contacts.municipality, "post", f"/drafts/{candidate.public_id}/dismiss", {})
    assert error(refused) == (400, "required", "reason")
    sent = call(
        contacts.municipality,
        "post",
        f"/drafts/{candidate.public_id}/send",
        {
            "reporting_unit": str(org.home_health_care.public_id),
            "category": draft["category"],
            "what_happened": draft["what_happened"],
        },
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["deviation"]["from_candidate"] is True
    assert CandidateDecision.objects.get().decision == "sent"
    again = call(contacts.municipality, "post", f"/drafts/{candidate.public_id}/dismiss", {})
    assert again.status_code == 404


def test_statistics_through_the_api_for_a_process_leader_only(org, contacts, episode, call):
    call(org.home_care_nurse, "post", "", body(org, episode))
    figures = call(contacts.process_leader, "get", "/statistics").json()
    assert figures["total"]["count"] == 1
    assert figures["groupings"]["Kategori"][0]["label"] == "Läkemedelslista saknas"
    assert error(call(org.home_care_nurse, "get", "/statistics")) == (403, "forbidden", None)
    bad = call(contacts.process_leader, "get", "/statistics?from=2026-13")
    assert error(bad) == (400, "invalid_filter", "from")
