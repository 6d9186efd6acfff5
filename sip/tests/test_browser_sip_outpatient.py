"""The outpatient SIP in a real browser: a needs assessor starts a SIP for someone living at
home, the health centre acknowledges the invitation, the plan is written and printed."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessLog
from conftest import assert_accessible, login
from sip.models import Notice, Sip, SipState

pytestmark = pytest.mark.browser


def open_step(page, step):
    page.locator(f"#step-{step} summary").click()
    return page.locator(f"#step-{step}")


def test_a_sip_without_a_hospital_stay_from_start_to_printed_plan(org, page):
    login(page, org.needs_assessor)
    page.goto(page.base_url + "/sip/")
    assert_accessible(page)
    page.get_by_role("link", name="Starta SIP utan sjukhusvistelse").click()
    page.get_by_label("Personnummer eller samordningsnummer").fill("19341119-9916")
    page.get_by_label("Förnamn").fill("Greta")
    page.get_by_label("Efternamn").fill("Hemmasson")
    page.get_by_label("Närstående", exact=True).check()
    page.get_by_label("Varför behövs en SIP? (behov från båda huvudmännen)").fill(
        "Hemtjänst och sårvård; dottern bad om samordning."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Starta SIP").click()
    page.get_by_text("SIP:en är startad.").wait_for()
    sip = Sip.objects.get(individual__family_name="Hemmasson")
    assert sip.episode is None and sip.requested_by == "relative"

    # An invitation without consent is not offered; consent first.
    assert page.locator("#step-invite").count() == 0
    form = open_step(page, "consent")
    form.get_by_label("Den enskilde samtycker").check()
    form.get_by_role("button", name="Spara svaret").click()
    page.get_by_text("Klart: Erbjud SIP och registrera samtycke.").wait_for()
    form = open_step(page, "invite")
    form.get_by_label("Enheter som kallas (från båda huvudmännen)").select_option(
        label=[f"{org.health_centre.name} ({org.health_centre.principal.name})"]
    )
    form.get_by_label("Videomöte").check()
    form.get_by_label("Mötestid").fill(
        (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_role("button", name="Skicka kallelsen").click()
    page.get_by_text("Klart: Kalla till SIP-möte.").wait_for()

    # The health centre acknowledges the invitation on Mina SIP and holds the meeting.
    login(page, org.gp_nurse)
    page.goto(page.base_url + "/sip/")
    page.get_by_role("heading", name="Att kvittera").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Kvittera").click()
    page.get_by_text("Kvitterat.").wait_for()
    assert Notice.objects.get(sip=sip).acknowledged_by == org.gp_nurse
    page.get_by_role("link", name="Greta Hemmasson").click()
    form = open_step(page, "meeting")
    form.get_by_label("Greta Hemmasson – Den enskilde").check()
    form.get_by_role("button", name="Mötet är hållet").click()
    page.get_by_text("Klart: Registrera SIP-mötet.").wait_for()

    # A lead principal who is not taking part is refused, and the text typed stays.
    form = open_step(page, "plan")
    form.get_by_label("Vad är viktigt för dig? (med den enskildes egna ord)").fill(
        "Att kunna gå till kyrkan på söndagar."
    )
    form.locator("#id_plan_actions_0_description").fill("Hemtjänst: dusch två gånger i veckan")
    form.locator("#id_plan_actions_0_principal").select_option(
        label=org.needs_assessment.principal.name
    )
    form.get_by_label("Uppföljningsdatum").fill(
        (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    )
    form.get_by_role("button", name="Spara planen som ny version").click()
    page.get_by_text("Ange huvudansvarig huvudman.").wait_for()
    form = page.locator("#step-plan")
    assert (
        "kyrkan"
        in form.get_by_label("Vad är viktigt för dig? (med den enskildes egna ord)").input_value()
    )
    assert_accessible(page)
    form.get_by_label("Huvudansvarig huvudman").select_option(
        label=org.needs_assessment.principal.name
    )
    form.get_by_role("button", name="Spara planen som ny version").click()
    page.get_by_text("Klart: Skriv planen.").wait_for()
    sip.refresh_from_db()
    assert sip.state == SipState.ACTIVE and sip.plan_version == 1
    assert sip.individual_took_part is True

    # The needs assessor prints Min plan for Greta.
    login(page, org.needs_assessor)
    page.goto(page.base_url + f"/sip/{sip.public_id}/")
    pdf = page.request.get(page.base_url + f"/sip/{sip.public_id}/min-plan.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert AccessLog.objects.filter(user=org.needs_assessor, action="sip.pdf").exists()

    # A unit not taking part sees nothing, and the attempt is logged.
    login(page, org.outsider)
    response = page.goto(page.base_url + f"/sip/{sip.public_id}/")
    assert response.status == 404
    assert AccessLog.objects.filter(user=org.outsider, granted=False).exists()
