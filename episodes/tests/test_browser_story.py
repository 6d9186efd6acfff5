"""The story of issue 2 in a real browser: three users in three lanes carry one patient out."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessLog
from conftest import assert_accessible, login
from episodes.models import Episode
from tests.factories import make_individual

pytestmark = pytest.mark.browser


def open_step(page, step):
    details = page.locator(f"#step-{step}")
    if not details.evaluate("el => el.open"):  # the most pressing step is open already
        details.locator("summary").click()
    return details


def test_ward_municipality_and_health_centre_carry_a_patient_out(org, page):
    individual = make_individual(org)  # known from an earlier stay: residence and listing on file
    # The ward nurse registers the admission; Samsyn proposes the units concerned.
    login(page, org.nurse)
    page.goto(page.base_url + "/inskrivning/ny/")
    assert_accessible(page)
    page.get_by_label("Personnummer", exact=True).first.fill("410708-9981")
    page.get_by_role("button", name="Hämta och föreslå enheter").click()
    for unit in (org.needs_assessment, org.home_health_care, org.health_centre):
        assert page.get_by_label(unit.name).is_checked()
    # 50 minutes of real time ago (aware arithmetic on a local time is wall-clock arithmetic,
    # which lands in the skipped hour on the spring-forward night).
    this_morning = (
        timezone.localtime().replace(hour=0, minute=5)
        if timezone.localtime().hour < 1
        else timezone.localtime(timezone.now() - dt.timedelta(minutes=50))
    )
    page.get_by_label("Inskriven").fill(this_morning.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Läkaren bedömer att patienten kan behöva insatser efter utskrivning").check()
    page.get_by_label("Beräknat utskrivningsdatum").fill(
        (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    )
    page.get_by_label("Skicka inskrivningsmeddelande nu").check()
    page.get_by_role("button", name="Registrera inskrivning").click()
    page.get_by_text("Inskrivningen är registrerad.").wait_for()
    episode = Episode.objects.get(individual=individual)
    assert_accessible(page)

    # The needs assessor in Partille finds the notice in her unit's inbox and acknowledges it.
    login(page, org.needs_assessor)
    page.goto(page.base_url + "/inkorg/")
    page.get_by_role("link", name="Inskrivningsmeddelande").click()
    page.get_by_text("19410708-9981").first.wait_for()
    page.get_by_role("button", name="Kvittera").click()
    page.get_by_text("Meddelandet är kvitterat.").wait_for()
    page.get_by_role("link", name="Öppna vårdtillfället").click()
    form = open_step(page, "send_planning_message")
    form.get_by_label("Status").fill("Bor ensam i villa, klarade sig själv.")
    form.get_by_label("Kvarstående behov").fill("Hjälp med dusch och inköp.")
    form.get_by_label("Planerade insatser – Socialtjänst").fill("Hemtjänst från hemgångsdagen.")
    form.get_by_role("button", name="Skicka planeringsmeddelande").click()
    page.get_by_text("Klart: Planeringsmeddelande.").wait_for()

    # The health centre appoints the designated care contact.
    login(page, org.gp_nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    form = open_step(page, "appoint_care_contact")
    form.get_by_label("Fast vårdkontakt (namn och titel)").fill("Distriktssköterska Gun Vårdsson")
    form.get_by_role("button", name="Utse fast vårdkontakt").click()
    page.get_by_text("Klart: Fast vårdkontakt.").wait_for()

    # The ward moves the planned date; then the physician's ready notice.
    login(page, org.nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    form = open_step(page, "set_estimated_date")
    form.get_by_label("Beräknat utskrivningsdatum").fill(
        (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    )
    form.get_by_role("button", name="Spara datum").click()
    page.get_by_text("Klart: Beräknat utskrivningsdatum.").wait_for()
    login(page, org.physician)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    open_step(page, "send_ready_notice").get_by_role(
        "button", name="Skicka meddelande om utskrivningsklar"
    ).click()
    page.get_by_text("Klart: Utskrivningsklar.").wait_for()

    # The designated care contact judges SIP needed and sends the invitation.
    login(page, org.gp_nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    form = open_step(page, "assess_sip_need")
    form.get_by_label("Ja").check()
    form.get_by_role("button", name="Spara bedömning").click()
    page.get_by_text("Klart: Behov av SIP.").wait_for()
    form = open_step(page, "record_sip_invitation")
    meeting = timezone.localtime() + dt.timedelta(days=2)
    form.get_by_label("Tid för SIP-mötet").fill(meeting.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Skicka kallelse").click()
    page.get_by_text("Klart: Kallelse till SIP.").wait_for()

    # Discharge day: information transfer, written summary, discharge.
    login(page, org.nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    open_step(page, "record_information_transfer").get_by_role(
        "button", name="Registrera informationsöverföring"
    ).click()
    page.get_by_text("Klart: Informationsöverföring.").wait_for()
    open_step(page, "record_summary").get_by_role(
        "button", name="Registrera sammanfattning"
    ).click()
    page.get_by_text("Klart: Skriftlig sammanfattning till patienten.").wait_for()
    form = open_step(page, "discharge")
    form.get_by_label("Utskrivning till").select_option("home_with_support")
    form.get_by_role("button", name="Skriv ut").click()
    page.locator("#step-discharge").get_by_role("button", name="Ja, skriv ut").click()
    page.get_by_text("Klart: Utskrivning.").wait_for()
    assert_accessible(page)

    # Everyone concerned sees the same timeline.
    login(page, org.needs_assessor)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    timeline = page.locator(".timeline").text_content()  # folded below the steps
    for step in (
        "Inskrivningsmeddelande skickat",
        "Meddelande kvitterat",
        "Planeringsmeddelande skickat",
        "Fast vårdkontakt utsedd",
        "Beräknat utskrivningsdatum ändrat",
        "Meddelande om utskrivningsklar skickat",
        "Kallelse till SIP skickad",
        "Utskriven",
    ):
        assert step in timeline
    episode.refresh_from_db()
    assert episode.state == "discharged" and episode.discharge_destination == "home_with_support"


def test_a_user_at_an_unrelated_unit_cannot_see_the_episode_and_the_attempt_is_logged(org, page):
    from tests.factories import admit

    episode = admit(org)
    login(page, org.outsider)
    response = page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    assert response.status == 404
    assert "Testsson" not in page.content()
    page.goto(page.base_url + "/")
    assert "Testsson" not in page.content()
    page.goto(page.base_url + "/individer/sok/?personnummer=410708-9981")
    page.get_by_text("Ingen träff").wait_for()
    refused = AccessLog.objects.filter(user=org.outsider, granted=False)
    assert refused.filter(episode=episode, action="episode.view").exists()
    assert refused.filter(action="individual.search").exists()
