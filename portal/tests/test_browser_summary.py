"""The ward nurse gives the written summary in a real browser: from the episode page, told
what is missing, previewed, and printed; the copy stays with the stay."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import assert_accessible, login
from episodes import actions
from portal.models import DischargeSummary
from tests.factories import admit

pytestmark = pytest.mark.browser


def test_the_nurse_gives_the_written_summary_from_the_episode_page(org, page):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=3))
    actions.do_appoint_care_contact(org.gp_nurse, episode, "Eva Ek")
    login(page, org.nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    page.get_by_role("link", name="Skriftlig sammanfattning till den enskilde").click()
    page.get_by_role("heading", name="Skriftlig sammanfattning till den enskilde").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Förhandsgranska").click()
    page.get_by_text("Sammanfattningen kan inte skapas än. Det här saknas:").wait_for()
    # Each gap is named in the list at the top and again at its field.
    assert page.get_by_text("Skriv vilken vård den enskilde har fått.").count() == 2
    assert page.get_by_text("Vart den enskilde skrivs ut saknas").count() == 2

    page.get_by_label("Vården den enskilde har fått").fill("Behandling mot hjärtsvikt.")
    page.get_by_label("Så når den enskilde sin fasta vårdkontakt").fill("031-123 45 67")
    page.get_by_label("Vart den enskilde skrivs ut").select_option(label="Ordinärt boende")
    page.get_by_label("Utskrivningsdag").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator(".summary-preview")
    preview.get_by_text("Behandling mot hjärtsvikt.").wait_for()
    assert "Eva Ek, Vårdcentralen Partille" in preview.inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Skapa PDF och spara kopia").click()
    page.get_by_text("Sammanfattningen är skapad och en kopia sparad.").wait_for()
    link = page.get_by_role("link", name="Sammanfattning 1 (PDF)")
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert DischargeSummary.objects.get(episode=episode).created_by == org.nurse

    page.get_by_role("link", name="Tillbaka till vårdtillfället").click()
    assert page.locator("#actions .badge-done", has_text="Given").count() == 1


def test_the_brochure_reads_on_a_phone_without_logging_in(page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(page.base_url + "/information/")
    page.get_by_role("heading", name="Från sjukhuset till hemmet").wait_for()
    assert page.get_by_role("heading", name="Om hjälpen inte är klar").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    href = page.get_by_role("link", name="Skriv ut broschyren (PDF)").get_attribute("href")
    assert page.request.get(page.base_url + href).body().startswith(b"%PDF")
