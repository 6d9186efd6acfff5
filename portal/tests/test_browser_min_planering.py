"""The individual's story in a real browser at phone width: Min planering after e-ID login
(the citizen session through the identity seam), the plan, what matters to them, marking their
own part done, a relative
given access who then sees the same until it is taken back; the SIP's health centre nurse
reads what was written."""

import pytest

from conftest import assert_accessible, login
from portal.models import Representation
from portal.tests.citizens import log_in_browser
from sip.tests.builders import planned
from tests.factories import TEST_IDENTIFIERS

pytestmark = pytest.mark.browser

SVEN = TEST_IDENTIFIERS[0]
KARIN = TEST_IDENTIFIERS[1]


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_individual_writes_what_matters_and_gives_their_daughter_access(org, page):
    sip = planned(org)
    page.set_viewport_size({"width": 375, "height": 740})
    log_in_browser(page, SVEN, "Sven Testsson")
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("heading", name="Min planering", exact=True).wait_for()
    assert page.get_by_text("Du är på sjukhuset nu").is_visible()
    assert page.get_by_text("Att få bo kvar hemma och gå till affären själv.").is_visible()
    assert page.get_by_role("link", name="Min plan (PDF)").is_visible()
    _fits_the_phone(page)
    assert_accessible(page)

    page.get_by_label("Det här är viktigt för mig").fill("Att jag får sova ut på morgonen.")
    page.get_by_role("button", name="Spara det som är viktigt för mig").click()
    page.get_by_text("Tack! Det du skrev är sparat").wait_for()
    assert sip.own_words.get().text == "Att jag får sova ut på morgonen."
    # His own part of the planning: he marks what he has done himself.
    knows = "Den enskilde vet vad som händer och vem som gör vad"
    page.get_by_role("button", name=f"Klart: {knows}").click()
    page.get_by_text(f"”{knows}” är markerat som klart").wait_for()
    assert page.get_by_role("button", name=f"Klart: {knows}").count() == 0
    _fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Närstående som får se").click()
    page.get_by_role("heading", name="Närstående som får se min planering").wait_for()
    assert_accessible(page)
    page.get_by_label("Personens personnummer").fill("19390222-9925")
    page.get_by_label("Personens namn").fill("Karin Testsson")
    page.get_by_label("Vem är personen för dig?").fill("dotter")
    page.get_by_role("button", name="Ge tillgång").click()
    page.get_by_text("Karin Testsson kan nu se din planering till och med").wait_for()
    assert Representation.objects.get().representative_identifier == KARIN
    assert_accessible(page)

    # The daughter logs in with her own e-ID and chooses her father.
    log_in_browser(page, KARIN, "Karin Testsson")
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("heading", name="Vems planering vill du se?").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Du företräder: Sven Testsson").click()
    page.get_by_text("Du företräder Sven Testsson").wait_for()
    assert page.get_by_text("Att få bo kvar hemma och gå till affären själv.").is_visible()
    assert page.get_by_role("link", name="Närstående som får se").count() == 0
    _fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Vem har läst mina uppgifter").click()
    page.get_by_role("heading", name="Vem har läst mina uppgifter").wait_for()
    # Her own reading of her father's planning is on his log too.
    assert page.get_by_role("cell", name="Karin Testsson").count() >= 1
    assert_accessible(page)

    # Sven takes the access back; Karin's next page is refused at once.
    log_in_browser(page, SVEN, "Sven Testsson")
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("link", name="Närstående som får se").click()
    page.get_by_role("button", name="Ta tillbaka tillgången för Karin Testsson").click()
    page.get_by_text("Karin Testsson kan inte längre se din planering.").wait_for()
    log_in_browser(page, KARIN, "Karin Testsson")
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("heading", name="Det finns inget att visa här").wait_for()
    assert page.get_by_text("Sven Testsson").count() == 0
    assert_accessible(page)

    # The SIP's health centre nurse sees the individual's own words on the SIP page.
    login(page, org.gp_nurse)
    page.goto(page.base_url + f"/sip/{sip.public_id}/")
    page.get_by_text("Att jag får sova ut på morgonen.").wait_for()


def test_the_needs_assessor_records_a_forvaltare_from_the_episode_page(org, page):
    from tests.factories import admit

    episode = admit(org)
    login(page, org.needs_assessor)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    page.get_by_role("link", name="Närstående och företrädare i Min planering").click()
    page.get_by_role("heading", name="Registrera legal företrädare").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Registrera företrädaren").click()
    page.get_by_text("Välj vilken sorts företrädare.").wait_for()
    assert_accessible(page)
    page.get_by_label("Sorts företrädare").select_option(label="Förvaltare")
    page.get_by_label("Företrädarens personnummer").fill("19390222-9925")
    page.get_by_label("Företrädarens namn").fill("Karin Testsson")
    page.get_by_label("Beslutet det bygger på").fill("Tingsrättens beslut 2026-10-01")
    page.get_by_label("Gäller till och med").fill("2027-12-31")
    page.get_by_role("button", name="Registrera företrädaren").click()
    page.get_by_text("Företrädaren är registrerad.").wait_for()
    assert page.get_by_role("cell", name="Karin Testsson", exact=True).is_visible()
    assert_accessible(page)
