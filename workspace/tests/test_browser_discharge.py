"""A discharge in a real browser asks for confirmation, and the page lands at the step."""

import pytest

from conftest import assert_accessible
from episodes.models import Episode
from tests.factories import admit
from workspace.tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_discharge_asks_for_confirmation_before_it_is_recorded(org, page):
    episode = admit(org)
    sign_in(page, org.nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    assert_accessible(page)
    step = page.locator("#step-discharge")
    if not step.evaluate("el => el.open"):
        step.locator("summary").click()
    # No destination is chosen for the nurse: sending without one is refused at the field.
    step.get_by_role("button", name="Skriv ut").click()
    page.wait_for_url("**#step-discharge")
    step = page.locator("#step-discharge")
    assert "Välj vart patienten skrivs ut." in step.inner_text()
    assert step.evaluate("el => el.open")
    step.get_by_label("Utskrivning till").select_option("home_with_support")
    step.get_by_role("button", name="Skriv ut").click()
    step = page.locator("#step-discharge")
    step.get_by_text("Bekräfta: Utskrivning").wait_for()
    assert "Ordinärt boende med insatser" in step.inner_text()
    assert Episode.objects.get(pk=episode.pk).state == "admitted"
    assert_accessible(page)
    step.get_by_role("button", name="Ja, skriv ut").click()
    page.get_by_text("Klart: Utskrivning.").wait_for()
    episode.refresh_from_db()
    assert episode.state == "discharged" and episode.discharge_destination == "home_with_support"
    assert_accessible(page)
    page.screenshot(path="/tmp/episode.png", full_page=False)
