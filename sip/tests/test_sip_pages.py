"""The SIP pages: each step through its form, with Swedish messages for bad input."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from core import submissions
from sip.models import PlanVersion, SipState
from sip.tests import builders
from tests.factories import TEST_IDENTIFIERS


def post(client, sip, step, data):
    data = {"submission_key": submissions.new_key(), **data}
    return client.post(reverse("sip_step", args=[sip.public_id, step]), data)


def test_the_sip_page_shows_the_plan_to_a_participant(org, client):
    sip = builders.planned(org)
    client.force_login(org.home_care_nurse)
    page = client.get(reverse("sip_detail", args=[sip.public_id])).content.decode()
    assert "Att få bo kvar hemma" in page
    assert "Hemsjukvård: dosett varje vecka" in page


def test_an_outsider_gets_not_found(org, client):
    sip = builders.planned(org)
    client.force_login(org.outsider)
    assert client.get(reverse("sip_detail", args=[sip.public_id])).status_code == 404


def test_consent_and_invitation_through_the_pages(org, client):
    sip = builders.in_a_stay(org)
    client.force_login(org.gp_nurse)
    response = post(
        client, sip, "consent", {"consent": "individual", "relatives_may_take_part": "on"}
    )
    assert response.status_code == 302
    meeting = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = post(
        client,
        sip,
        "invite",
        {
            "units": [org.home_health_care.pk, org.needs_assessment.pk],
            "meeting_form": "in_person",
            "meeting_at": meeting,
            "individual_takes_part": "on",
            "relatives": "Karin (dotter)",
        },
    )
    assert response.status_code == 302
    sip.refresh_from_db()
    assert sip.state == SipState.INVITED


def test_a_stale_plan_save_keeps_the_users_text_in_the_form(org, client):
    sip = builders.planned(org)
    client.force_login(org.gp_nurse)
    response = post(
        client,
        sip,
        "plan",
        {
            "base_version": 0,
            "what_matters": "Min egen text som inte får försvinna",
            "lead_principal": org.health_centre.principal.pk,
            "follow_up_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Någon annan har sparat planen" in page
    assert "Min egen text som inte får försvinna" in page
    assert PlanVersion.objects.filter(sip=sip).count() == 1


def test_an_action_without_principal_is_refused_on_its_field(org, client):
    sip = builders.held(org)
    client.force_login(org.gp_nurse)
    response = post(
        client,
        sip,
        "plan",
        {
            "base_version": 0,
            "what_matters": "Bo hemma",
            "lead_principal": org.health_centre.principal.pk,
            "follow_up_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "actions_0_description": "Trygghetslarm",
            "actions_0_status": "planned",
        },
    )
    assert response.status_code == 400
    assert "Varje insats behöver en ansvarig huvudman." in response.content.decode()


def test_mina_sip_lists_overdue_follow_ups_first(org, client):
    late = builders.planned(org)
    type(late).objects.filter(pk=late.pk).update(
        follow_up_date=timezone.localdate() - dt.timedelta(days=2)
    )
    builders.invited(org, builders.in_a_stay(org, identifier=TEST_IDENTIFIERS[1]))
    client.force_login(org.home_care_nurse)
    page = client.get(reverse("sip_list")).content.decode()
    assert "1 uppföljning är försenad" in page
    assert page.index("Försenad") < page.index("Kallad")


def test_starting_outside_a_stay_through_the_page(org, client):
    client.force_login(org.home_care_nurse)
    response = client.post(
        reverse("sip_start"),
        {
            "submission_key": submissions.new_key(),
            "identifier": TEST_IDENTIFIERS[4],
            "given_name": "Gun",
            "family_name": "Hemma",
            "requested_by": "individual",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Gun Hemma" in page and "Utan sjukhusvistelse" in page
