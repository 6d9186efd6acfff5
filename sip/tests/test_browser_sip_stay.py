"""The SIP of a stay in a real browser: the health centre, home health care and social
services (three users, three lanes) take a patient from "SIP needed" to a followed-up plan."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import assert_accessible, login
from sip.models import Sip, SipState
from tests.factories import admit

pytestmark = pytest.mark.browser


def open_step(page, step):
    page.locator(f"#step-{step} summary").click()
    return page.locator(f"#step-{step}")


def test_three_lanes_carry_a_sip_from_need_to_follow_up(org, page):
    episode = admit(org)
    # The designated care contact sees the stay and starts the SIP from the episode page.
    login(page, org.gp_nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    page.get_by_label("Bedömning: vilka insatser från båda huvudmännen behövs?").fill(
        "Hemtjänst och hemsjukvård efter hemgång."
    )
    page.get_by_role("button", name="Behov av SIP: starta SIP").click()
    page.get_by_text("SIP:en är startad.").wait_for()
    assert_accessible(page)
    form = open_step(page, "consent")
    form.get_by_label("Den enskilde samtycker").check()
    form.get_by_label("Vad samtycket omfattar").fill("SIP och informationsdelning")
    form.get_by_label("Närstående får delta i SIP-mötet").check()
    form.get_by_role("button", name="Spara svaret").click()
    page.get_by_text("Klart: Erbjud SIP och registrera samtycke.").wait_for()
    form = open_step(page, "invite")
    form.get_by_label("Enheter som kallas (från båda huvudmännen)").select_option(
        label=[
            f"{org.home_health_care.name} ({org.home_health_care.principal.name})",
            f"{org.needs_assessment.name} ({org.needs_assessment.principal.name})",
        ]
    )
    form.get_by_label("Fysiskt möte").check()
    meeting = timezone.localtime() + dt.timedelta(days=2)
    form.get_by_label("Mötestid").fill(meeting.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Plats eller länk").fill("Vårdcentralen Partille, rum 3")
    form.get_by_label("Närstående som kallas (en per rad)").fill("Karin Testsson (dotter)")
    form.get_by_role("button", name="Skicka kallelsen").click()
    page.get_by_text("Klart: Kalla till SIP-möte.").wait_for()
    sip = Sip.objects.get(episode=episode)
    assert sip.state == SipState.INVITED
    assert_accessible(page)

    # Home health care finds the invitation in its inbox and opens the SIP from Mina SIP.
    login(page, org.home_care_nurse)
    page.goto(page.base_url + "/inkorg/")
    page.get_by_role("link", name="Kallelse till SIP").first.wait_for()
    page.goto(page.base_url + "/sip/")
    assert_accessible(page)
    page.get_by_role("link", name=episode.individual.full_name).click()
    page.get_by_role("heading", name="Deltagare").wait_for()
    assert page.get_by_text("Karin Testsson (dotter)").first.is_visible()

    # The needs assessor records the meeting and writes the plan with the others.
    login(page, org.needs_assessor)
    page.goto(page.base_url + f"/sip/{sip.public_id}/")
    form = open_step(page, "meeting")
    for box in form.get_by_role("checkbox").all():
        box.check()
    form.get_by_role("button", name="Mötet är hållet").click()
    page.get_by_text("Klart: Registrera SIP-mötet.").wait_for()
    form = open_step(page, "plan")
    form.get_by_label("Vad är viktigt för dig? (med den enskildes egna ord)").fill(
        "Att få bo kvar hemma med min katt."
    )
    form.locator("#id_plan_goals").fill("Klara frukosten själv.")
    form.locator("#id_plan_actions_0_description").fill("Hemtjänst morgon och kväll")
    form.locator("#id_plan_actions_0_principal").select_option(
        label=org.needs_assessment.principal.name
    )
    form.locator("#id_plan_actions_0_unit").select_option(label=org.needs_assessment.name)
    form.locator("#id_plan_actions_1_description").fill("Läkemedelsgenomgång")
    form.locator("#id_plan_actions_1_principal").select_option(
        label=org.health_centre.principal.name
    )
    form.get_by_label("Huvudansvarig huvudman").select_option(
        label=org.health_centre.principal.name
    )
    follow_up = timezone.localdate() + dt.timedelta(days=30)
    form.get_by_label("Uppföljningsdatum").fill(follow_up.isoformat())
    form.get_by_role("button", name="Spara planen som ny version").click()
    page.get_by_text("Klart: Skriv planen.").wait_for()
    page.get_by_role("link", name="Version 1").wait_for()
    assert_accessible(page)
    pdf = page.request.get(page.base_url + f"/sip/{sip.public_id}/min-plan.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # At the follow-up the health centre marks the actions and sets the next date.
    login(page, org.gp_nurse)
    page.goto(page.base_url + f"/sip/{sip.public_id}/")
    form = open_step(page, "follow_up")
    form.get_by_label("Hemtjänst morgon och kväll").select_option(label="Pågår")
    form.get_by_label("Läkemedelsgenomgång").select_option(label="Utförd")
    form.get_by_label("Nästa uppföljning").fill((follow_up + dt.timedelta(days=60)).isoformat())
    form.get_by_label("Vad kom uppföljningen fram till?").fill("Bra start hemma.")
    form.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_text("Klart: Följ upp planen.").wait_for()
    sip.refresh_from_db()
    assert sip.plan_version == 2 and sip.follow_up_date == follow_up + dt.timedelta(days=60)
    statuses = [a.status for a in sip.versions.get(number=2).actions.all()]
    assert statuses == ["ongoing", "done"]
