"""The outpatient care request in a real browser (the 2025–2030 plan's first priority): a
health centre sends a care request about someone living at home to municipal home health
care, without any stay; home health care finds it on Mina SIP, acknowledges it and turns it
into a SIP outside a stay. The health centre sees the outcome."""

import pytest

from audit.models import AccessLog
from conftest import assert_accessible, login
from sip.models import RequestState, SipRequest

pytestmark = pytest.mark.browser


def test_a_care_request_without_a_stay_becomes_a_sip(org, page):
    login(page, org.gp_nurse)
    page.goto(page.base_url + "/sip/")
    page.get_by_role("link", name="Skicka förfrågan eller vårdbegäran").click()
    page.get_by_label("Vårdbegäran").check()
    page.get_by_label("Personnummer eller samordningsnummer").fill("19341119-9916")
    page.get_by_label("Förnamn").fill("Greta")
    page.get_by_label("Efternamn").fill("Hemmasson")
    page.get_by_label("Till (den andra huvudmannens enheter)").select_option(
        label=[f"{org.home_health_care.name} ({org.home_health_care.principal.name})"]
    )
    page.get_by_label("Vad gäller det? Vilka insatser behövs?").fill(
        "Såromläggning tre gånger i veckan efter besök på vårdcentralen."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Skicka").click()
    page.get_by_text("Vårdbegäran är skickad.").wait_for()
    request = SipRequest.objects.get()
    assert request.kind == "care" and request.from_unit == org.health_centre

    # Home health care finds it on Mina SIP, reads it, acknowledges it.
    login(page, org.home_care_nurse)
    page.goto(page.base_url + "/sip/")
    page.get_by_role("heading", name="Förfrågningar").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Greta Hemmasson").click()
    page.get_by_text("Såromläggning tre gånger i veckan").wait_for()
    page.get_by_role("button", name="Kvittera").click()
    page.get_by_text("Kvitterat.").wait_for()
    page.get_by_text("Kvitterad", exact=True).wait_for()
    # An empty answer is refused with a message; then the request becomes a SIP.
    page.locator("#step-svara summary").click()
    page.get_by_role("button", name="Skicka svaret").click()
    page.get_by_text("Det sparades inte. Rätta felen nedan.").wait_for()
    page.locator("#step-starta-sip summary").click()
    page.get_by_role("button", name="Starta SIP").click()
    page.get_by_text("SIP:en är startad.").wait_for()
    page.get_by_text("Utan sjukhusvistelse (öppenvård)").wait_for()
    request.refresh_from_db()
    assert request.state == RequestState.SIP_STARTED
    assert request.sip.episode is None
    assert set(request.sip.participants.values_list("unit", flat=True)) == {
        org.home_health_care.pk,
        org.health_centre.pk,
    }

    # The health centre, as a participant, sees the outcome on its list.
    login(page, org.gp_nurse)
    page.goto(page.base_url + "/sip/")
    page.get_by_role("row", name="Vårdbegäran").get_by_text("SIP startad").wait_for()
    assert AccessLog.objects.filter(
        user=org.home_care_nurse, action="sip.request.view", granted=True
    ).exists()
