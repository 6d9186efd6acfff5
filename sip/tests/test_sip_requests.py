"""The outpatient care request and SIP request without a stay (vårdbegäran): sent by a unit
to the other principal's units, seen there with need-to-know, acknowledged, answered or
turned into a SIP outside a stay; every read logged."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from core import submissions
from core.errors import ActionError
from episodes.models import Message
from organisations.models import Role, Unit
from sip import inbox
from sip.models import RequestState, SipRequest, SipState
from sip.tests.test_sip_api import client_for, post
from tests.factories import TEST_IDENTIFIERS, make_individual, make_user


def send(org, *, kind="care", to=None, user=None, **kw):
    person = make_individual(org, TEST_IDENTIFIERS[4], given_name="Ingrid", family_name="Hemma")
    return inbox.do_send_request(
        user or org.gp_nurse,
        kind=kind,
        individual=person,
        to_units=to or [org.home_health_care],
        text="Behöver hjälp med såromläggning tre gånger i veckan.",
        **kw,
    )


def test_a_health_centre_sends_a_care_request_to_home_health_care_without_a_stay(org):
    req = send(org)
    assert req.kind == "care" and req.state == RequestState.SENT
    assert not Message.objects.exists()  # no episode, no episode message
    assert list(inbox.waiting_requests(org.home_care_nurse)) == [req]
    # The sender sees it too; the other units of the municipality and the ward do not.
    assert list(inbox.visible_requests(org.gp_nurse)) == [req]
    assert not inbox.visible_requests(org.needs_assessor).exists()
    assert not inbox.visible_requests(org.nurse).exists()
    assert not inbox.visible_requests(org.outsider).exists()


def test_acknowledged_then_answered(org):
    req = send(org)
    inbox.do_acknowledge_request(org.home_care_nurse, req)
    req.refresh_from_db()
    assert req.state == RequestState.ACKNOWLEDGED
    assert not inbox.waiting_requests(org.home_care_nurse).exists()
    with pytest.raises(ActionError) as refused:
        inbox.do_acknowledge_request(org.home_care_nurse, req)
    assert refused.value.code == "already_acknowledged"
    with pytest.raises(ActionError) as refused:
        inbox.do_answer_request(org.gp_nurse, req, "Jag svarar själv")
    assert refused.value.code == "not_recipient"
    inbox.do_answer_request(org.home_care_nurse, req, "Hemsjukvården börjar på måndag.")
    req.refresh_from_db()
    assert req.state == RequestState.ANSWERED and req.answered_unit == org.home_health_care


def test_turned_into_a_sip_outside_a_stay_with_the_sender_taking_part(org):
    req = send(org, kind="sip")
    sip = inbox.do_start_sip_from_request(org.home_care_nurse, req, note="Två huvudmän")
    assert sip.episode is None and sip.state == SipState.IDENTIFIED
    assert sip.requested_by == "other_principal"
    assert set(sip.participants.values_list("unit", flat=True)) == {
        org.home_health_care.pk,
        org.health_centre.pk,
    }
    req.refresh_from_db()
    assert req.state == RequestState.SIP_STARTED and req.sip == sip
    with pytest.raises(ActionError) as refused:
        inbox.do_start_sip_from_request(org.home_care_nurse, req)
    assert refused.value.code == "sip_started"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"kind": "letter"}, "invalid_choice", "kind"),
        ({"to": "same"}, "same_principal", "to_units"),
        ({"text": ""}, "required", "text"),
        ({"text": "x" * 2001}, "too_long", "text"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(org, changes, code, field):
    person = make_individual(org, TEST_IDENTIFIERS[4])
    args = dict(
        kind="care",
        individual=person,
        to_units=[org.home_health_care],
        text="Hjälp behövs.",
    )
    if changes.get("to") == "same":
        args["to_units"] = [Unit.objects.get(name="Psykiatrisk öppenvård Centrum")]
    for name in ("kind", "text"):
        if name in changes:
            args[name] = changes[name]
    with pytest.raises(ActionError) as refused:
        inbox.do_send_request(org.gp_nurse, **args)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not SipRequest.objects.exists()


def test_the_ward_sends_no_outpatient_request(org):
    with pytest.raises(ActionError) as refused:
        send(org, user=org.nurse)
    assert refused.value.code == "forbidden"


def test_the_pages_list_show_and_act_and_every_read_is_logged(org, client):
    req = send(org)
    client.force_login(org.home_care_nurse)
    listing = client.get(reverse("sip_list")).content.decode()
    assert "Förfrågningar" in listing and "Ingrid Hemma" in listing and "Vårdbegäran" in listing
    assert AccessLog.objects.filter(
        user=org.home_care_nurse, action="sip.requests", individual=req.individual
    ).exists()
    page = client.get(reverse("sip_request", args=[req.public_id])).content.decode()
    assert "såromläggning" in page and "Vårdcentralen Partille" in page
    assert AccessLog.objects.filter(
        user=org.home_care_nurse, action="sip.request.view", granted=True
    ).exists()
    empty = client.post(
        reverse("sip_request_step", args=[req.public_id, "svara"]),
        {"submission_key": submissions.new_key(), "answer": ""},
    )
    assert empty.status_code == 400
    assert "måste fyllas i" in empty.content.decode()
    started = client.post(
        reverse("sip_request_step", args=[req.public_id, "starta-sip"]),
        {"submission_key": submissions.new_key(), "note": ""},
    )
    assert started.status_code == 302
    req.refresh_from_db()
    assert started["Location"] == reverse("sip_detail", args=[req.sip.public_id])
    client.force_login(org.outsider)
    assert client.get(reverse("sip_request", args=[req.public_id])).status_code == 404
    assert AccessLog.objects.filter(
        user=org.outsider, action="sip.request.view", granted=False
    ).exists()


def test_sending_through_the_page_names_the_field_on_bad_input(org, client):
    client.force_login(org.gp_nurse)
    data = {
        "submission_key": submissions.new_key(),
        "kind": "care",
        "identifier": TEST_IDENTIFIERS[4],
        "given_name": "Ingrid",
        "family_name": "Hemma",
        "to_units": [str(Unit.objects.get(name="Psykiatrisk öppenvård Centrum").pk)],
        "text": "Hjälp",
    }
    refused = client.post(reverse("sip_request_new"), data)
    assert refused.status_code == 400
    assert "samma huvudman" in refused.content.decode()
    data.update(to_units=[str(org.home_health_care.pk)], submission_key=submissions.new_key())
    sent = client.post(reverse("sip_request_new"), data)
    assert sent.status_code == 302
    assert SipRequest.objects.get().individual.full_name == "Ingrid Hemma"


def test_the_api_sends_lists_acknowledges_and_starts_a_sip(org):
    psych = make_user("psych", Unit.objects.get(name="Psykiatrisk öppenvård Centrum"), Role.NURSE)
    sender = client_for(psych)
    bad = post(
        sender,
        "/api/sip/requests",
        {
            "kind": "sip",
            "identifier": TEST_IDENTIFIERS[4],
            "given_name": "Ingrid",
            "family_name": "Hemma",
            "to_units": [str(org.health_centre.public_id)],
            "text": "SIP behövs",
        },
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "same_principal"
    sent = post(
        sender,
        "/api/sip/requests",
        {
            "kind": "sip",
            "identifier": TEST_IDENTIFIERS[4],
            "given_name": "Ingrid",
            "family_name": "Hemma",
            "to_units": [str(org.needs_assessment.public_id)],
            "text": "SIP behövs: psykiatri och socialtjänst",
        },
    )
    assert sent.status_code == 201, sent.content
    req_id = sent.json()["id"]
    receiver = client_for(org.needs_assessor)
    listed = receiver.get("/api/sip/requests").json()
    assert [r["id"] for r in listed] == [req_id]
    assert client_for(org.outsider).get(f"/api/sip/requests/{req_id}").status_code == 404
    ack = post(receiver, f"/api/sip/requests/{req_id}/acknowledge", {})
    assert ack.json()["state"] == "acknowledged"
    started = post(receiver, f"/api/sip/requests/{req_id}/start-sip", {"note": ""})
    assert started.status_code == 201
    assert started.json()["episode"] is None
    again = post(receiver, f"/api/sip/requests/{req_id}/answer", {"answer": "Nej"})
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "sip_started"
