"""POST /fhir/Communication sends a free message through the episode action: once per
Idempotency-Key, in one transaction, refused with an OperationOutcome that changes nothing."""

import json

from audit.models import AccessLog
from episodes.models import Message, MessageKind
from fhir.tests.conftest import parsed
from tests.factories import admit


def _message(episode, recipient, text="Patienten behöver hjälp med dusch.", **extra) -> dict:
    return {
        "resourceType": "Communication",
        "status": "completed",
        "encounter": {"reference": f"Encounter/{episode.public_id}"},
        "recipient": [{"reference": f"Organization/{recipient.public_id}"}],
        "payload": [{"contentString": text}],
        **extra,
    }


def _post(client, data, **headers):
    return client.post(
        "/fhir/Communication",
        json.dumps(data),
        content_type="application/fhir+json",
        headers=headers,
    )


def _free_messages(episode):
    return Message.objects.filter(episode=episode, kind=MessageKind.FREE)


def test_a_message_is_created_and_reads_back_as_the_same_communication(org, fhir):
    episode = admit(org)
    data = _message(
        episode,
        org.health_centre,
        subject={"reference": f"Patient/{episode.individual.public_id}"},
        sender={"reference": f"Organization/{org.ward.public_id}"},
    )
    response = _post(fhir.nurse, data, **{"Idempotency-Key": "a1"})
    assert response.status_code == 201, response.content
    created = parsed(response)
    (message,) = _free_messages(episode)
    assert message.body == "Patienten behöver hjälp med dusch."
    assert message.recipient_unit == org.health_centre and message.sender_unit == org.ward
    assert response["Location"].endswith(f"/fhir/Communication/{message.public_id}")
    assert created["id"] == str(message.public_id)
    # The receiving unit sees it in its own search.
    read = parsed(fhir.gp_nurse.get(f"/fhir/Communication/{message.public_id}"))
    assert read["payload"] == [{"contentString": "Patienten behöver hjälp med dusch."}]
    assert read["sender"]["display"] == org.ward.name


def test_the_same_idempotency_key_again_is_409_and_names_the_first_message(org, fhir):
    episode = admit(org)
    data = _message(episode, org.health_centre)
    first = _post(fhir.nurse, data, **{"Idempotency-Key": "k-1"})
    again = _post(fhir.nurse, data, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 409
    assert parsed(again)["issue"][0]["code"] == "duplicate"
    assert again["Location"] == first["Location"]
    assert _free_messages(episode).count() == 1


def test_bad_input_is_refused_400_and_sends_nothing(org, fhir):
    episode = admit(org)
    good = _message(episode, org.health_centre)
    cases = [
        ({**good, "status": "sent-ish"}, "status"),
        ({**good, "unknownElement": 1}, "unknownElement"),
        ({**good, "recipient": []}, "recipient"),
        (
            {
                **good,
                "recipient": good["recipient"]
                + [{"reference": f"Organization/{org.needs_assessment.public_id}"}],
            },
            "recipient",
        ),
        ({**good, "payload": [{"contentString": "  "}]}, "payload"),
        ({**good, "payload": [{"contentString": "nul\x00byte"}]}, "payload.0.contentString"),
        ({**good, "encounter": {"reference": "Patient/x"}}, "encounter"),
        ({**good, "subject": {"reference": f"Patient/{org.ward.public_id}"}}, "subject"),
        # A unit not taking part: the action's own refusal.
        (_message(episode, org.unrelated_needs_assessment), "recipient"),
        ({**good, "resourceType": "Patient"}, "resourceType"),
    ]
    for data, expression in cases:
        response = _post(fhir.nurse, data)
        assert response.status_code == 400, (expression, response.content)
        assert parsed(response)["issue"][0]["expression"] == [expression]
    not_json = fhir.nurse.post(
        "/fhir/Communication", "{not json", content_type="application/fhir+json"
    )
    assert not_json.status_code == 400
    form = fhir.nurse.post("/fhir/Communication", {"a": "b"})
    assert form.status_code == 415
    assert _free_messages(episode).count() == 0


def test_another_units_token_gets_404_and_a_role_that_may_not_send_403(org, fhir):
    episode = admit(org)
    response = _post(fhir.outsider, _message(episode, org.health_centre))
    assert response.status_code == 404
    assert AccessLog.objects.filter(
        user=org.outsider, action="fhir.communication.create", granted=False
    ).exists()
    # The ward nurse may not act through a unit she does not work at.
    through_other = _message(
        episode,
        org.health_centre,
        sender={"reference": f"Organization/{org.needs_assessment.public_id}"},
    )
    refused = _post(fhir.nurse, through_other)
    assert refused.status_code == 403
    assert parsed(refused)["issue"][0]["code"] == "forbidden"
    assert _free_messages(episode).count() == 0


def test_writing_anything_else_is_405(org, fhir):
    episode = admit(org)
    response = fhir.nurse.post(
        "/fhir/Encounter",
        json.dumps({"resourceType": "Encounter"}),
        content_type="application/fhir+json",
    )
    assert response.status_code == 405
    put = fhir.nurse.put(
        f"/fhir/Encounter/{episode.public_id}", "{}", content_type="application/fhir+json"
    )
    assert put.status_code == 405
