"""What the citizen portal calls: the individual's own words ahead of the meeting, and the
individual's "Jag vill ha en SIP"."""

import pytest

from core.errors import ActionError
from sip import actions, citizen, inbox
from sip.models import CloseReason, OwnWords, RequestState, SipRequest, SipState
from sip.tests.builders import in_a_stay, invited, planned
from tests.factories import TEST_IDENTIFIERS, make_individual


def own(sip, text="Att få vara hemma med katten.", **kw):
    args = dict(
        citizen_identifier=sip.individual.identifier,
        citizen_name=sip.individual.full_name,
        as_representative=False,
        text=text,
    )
    args.update(kw)
    return citizen.record_own_words(sip.public_id, **args)


def test_the_individual_writes_what_matters_and_participants_see_it_beside_the_plan(org):
    sip = planned(org)
    first = own(sip)
    second = own(sip, text="Att få vara hemma med katten, och gå till kyrkan.")
    assert (first.number, second.number) == (1, 2)
    assert second.written_by_name == "Sven Testsson" and not second.as_representative
    sip.refresh_from_db()
    # The staff-written plan is untouched: a separate, versioned input.
    assert sip.plan_version == 1
    assert citizen.current_plan(sip).what_matters.startswith("Att få bo kvar hemma")
    assert [w.number for w in citizen.own_words_of(sip)] == [2, 1]


def test_a_representative_writes_for_the_individual(org):
    sip = invited(org)
    words = own(
        sip,
        citizen_identifier=TEST_IDENTIFIERS[5],
        citizen_name="Karin Testsson",
        as_representative=True,
    )
    assert words.as_representative and words.written_by_name == "Karin Testsson"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"citizen_identifier": TEST_IDENTIFIERS[5]}, "not_your_sip", "sip"),
        ({"citizen_identifier": "19121212-1213"}, "invalid_checksum", "citizen_identifier"),
        ({"text": "  "}, "required", "text"),
        ({"text": "x" * 4001}, "too_long", "text"),
        ({"citizen_name": ""}, "required", "citizen_name"),
    ],
)
def test_bad_own_words_are_refused_and_nothing_is_written(org, changes, code, field):
    sip = invited(org)
    with pytest.raises(ActionError) as refused:
        own(sip, **changes)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message
    assert not OwnWords.objects.exists()


def test_own_words_for_an_unknown_or_closed_sip_are_refused(org):
    sip = in_a_stay(org)
    with pytest.raises(ActionError) as refused:
        citizen.record_own_words(
            "00000000-0000-0000-0000-000000000000",
            citizen_identifier=sip.individual.identifier,
            citizen_name="Sven",
            as_representative=False,
            text="Hej",
        )
    assert refused.value.code == "not_found"
    actions.do_close(org.gp_nurse, sip, CloseReason.NO_LONGER_NEEDED)
    with pytest.raises(ActionError) as refused:
        own(sip)
    assert refused.value.code == "sip_closed"
    own_same = planned(org, in_a_stay(org, identifier=TEST_IDENTIFIERS[1]))
    own(own_same)
    with pytest.raises(ActionError) as refused:
        own(own_same)
    assert refused.value.code == "unchanged"


def test_i_want_a_sip_reaches_the_health_centre_and_the_units_taking_part(org):
    sip = invited(org)
    req = citizen.request_sip(
        citizen_identifier=sip.individual.identifier,
        citizen_name="Sven Testsson",
        as_representative=False,
        text="Jag vill att alla pratar med varandra.",
    )
    assert req.kind == "sip" and req.state == RequestState.SENT
    assert set(req.recipients.values_list("unit", flat=True)) == {
        org.health_centre.pk,
        org.home_health_care.pk,
        org.needs_assessment.pk,
    }
    # On "Mina SIP" of those units, and not of others.
    assert list(inbox.waiting_requests(org.gp_nurse)) == [req]
    assert list(inbox.waiting_requests(org.home_care_nurse)) == [req]
    assert not inbox.visible_requests(org.outsider).exists()
    assert not inbox.visible_requests(org.nurse).exists()
    # The portal shows it back.
    assert list(citizen.requests_for_citizen(sip.individual.identifier)) == [req]
    # A second one while the first waits is refused.
    with pytest.raises(ActionError) as refused:
        citizen.request_sip(
            citizen_identifier=sip.individual.identifier,
            citizen_name="Sven Testsson",
            as_representative=False,
        )
    assert refused.value.code == "already_requested"


def test_staff_turn_the_citizen_request_into_a_sip_or_answer_it(org):
    person = make_individual(org, TEST_IDENTIFIERS[2], given_name="Elsa")
    req = citizen.request_sip(
        citizen_identifier=TEST_IDENTIFIERS[6],
        citizen_name="Per Hemma",
        as_representative=True,
        individual_identifier=person.identifier,
    )
    assert list(req.recipients.values_list("unit", flat=True)) == [org.health_centre.pk]
    sip = inbox.do_start_sip_from_request(org.gp_nurse, req)
    req.refresh_from_db()
    assert req.state == RequestState.SIP_STARTED and req.sip == sip
    assert sip.individual == person and sip.requested_by == "relative"
    assert sip.state == SipState.IDENTIFIED and sip.episode is None
    with pytest.raises(ActionError) as refused:
        inbox.do_answer_request(org.gp_nurse, req, "Nej")
    assert refused.value.code == "sip_started"
    assert list(citizen.sips_for_citizen(person.identifier)) == [sip]
    assert citizen.sip_for_citizen(person.identifier, sip.public_id) == sip
    with pytest.raises(ActionError):
        citizen.sip_for_citizen(TEST_IDENTIFIERS[0], sip.public_id)


def test_a_request_for_someone_samsyn_does_not_know_is_refused(org):
    with pytest.raises(ActionError) as refused:
        citizen.request_sip(
            citizen_identifier=TEST_IDENTIFIERS[7], citizen_name="Ny", as_representative=False
        )
    assert refused.value.code == "unknown_individual"
    make_individual(org, TEST_IDENTIFIERS[7], listed_unit=None)
    with pytest.raises(ActionError) as refused:
        citizen.request_sip(
            citizen_identifier=TEST_IDENTIFIERS[7], citizen_name="Ny", as_representative=False
        )
    assert refused.value.code == "no_recipient"
    with pytest.raises(ActionError) as refused:
        citizen.request_sip(
            citizen_identifier=TEST_IDENTIFIERS[7], citizen_name="Ny", as_representative=True
        )
    assert refused.value.field == "individual_identifier"
    assert not SipRequest.objects.exists()


def test_participants_are_told_of_the_own_words_on_mina_sip(org, client):
    from django.urls import reverse

    from sip.models import Notice, NoticeKind

    sip = invited(org)
    own(sip)
    told = Notice.objects.filter(kind=NoticeKind.OWN_WORDS)
    assert set(told.values_list("unit", flat=True)) == {
        org.health_centre.pk,
        org.home_health_care.pk,
        org.needs_assessment.pk,
    }
    client.force_login(org.home_care_nurse)
    listing = client.get(reverse("sip_list")).content.decode()
    assert "Den enskilde har skrivit vad som är viktigt" in listing
    assert "Den enskilde (Min planering)" in listing
    page = client.get(reverse("sip_detail", args=[sip.public_id])).content.decode()
    assert "Att få vara hemma med katten." in page and "Sven Testsson (den enskilde)" in page
    actions.do_acknowledge_notice(org.home_care_nurse, told.get(unit=org.home_health_care))
