"""In Chromium, through the real OpenID Provider's own login form: a citizen goes to Min
planering, logs in with e-ID and is back on Min planering (an individual with a stay sees
where they are and writes what matters to them); a nurse logs in with SITHS and lands on the
start page."""

from __future__ import annotations

import pytest

from conftest import assert_accessible
from identity.tests.conftest import NURSE_HSA, OP_PASSWORD, start_op, stop_op


@pytest.fixture(scope="module")
def browser_op(live_server, tmp_path_factory):
    op = start_op(tmp_path_factory.mktemp("browser-op"), [live_server.url])
    yield op
    stop_op(op)


def _log_in_at_op(page, username: str) -> None:
    assert page.get_by_role(
        "heading", name="Test-IdP (identitetsleverantör för tester)"
    ).is_visible()
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(OP_PASSWORD)
    page.get_by_role("button", name="Logga in hos Test-IdP").click()


@pytest.mark.browser
def test_a_citizen_logs_in_to_min_planering_with_e_id(page, browser_op, settings, db):
    settings.SAMSYN_OIDC_CITIZEN = browser_op.citizen_settings()
    page.goto(page.base_url + "/min-planering/")
    page.wait_for_url("**/min-planering/logga-in/?next=*")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    _log_in_at_op(page, "tolvan")
    page.wait_for_url(page.base_url + "/min-planering/")
    assert page.get_by_text("Inloggad som Tolvan Tolvansson").is_visible()
    # the citizen's session opens no staff page
    page.goto(page.base_url + "/")
    page.wait_for_url("**/logga-in/?next=/")
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("button", name="Logga ut").click()
    # RP-initiated logout: through the provider's end-session and back to the login page
    page.wait_for_url("**/min-planering/logga-in/?state=*")
    assert page.get_by_role("link", name="Logga in med e-legitimation").is_visible()


@pytest.mark.browser
def test_an_individual_logs_in_with_e_id_sees_their_step_and_writes_what_matters(
    page, browser_op, settings, org
):
    from sip.tests.builders import planned

    sip = planned(org)  # Sven Testsson, in hospital, with a SIP
    settings.SAMSYN_OIDC_CITIZEN = browser_op.citizen_settings()
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    _log_in_at_op(page, "sven")
    page.get_by_role("heading", name="Min planering", exact=True).wait_for()
    assert page.get_by_text("Inloggad som Sven Testsson").is_visible()
    assert page.get_by_text("Du är på sjukhuset nu").is_visible()
    page.get_by_label("Det här är viktigt för mig").fill("Att min katt blir omhändertagen.")
    page.get_by_role("button", name="Spara det som är viktigt för mig").click()
    page.get_by_text("Tack! Det du skrev är sparat").wait_for()
    assert sip.own_words.get().text == "Att min katt blir omhändertagen."


@pytest.mark.browser
def test_a_nurse_logs_in_with_siths_and_lands_on_the_start_page(page, browser_op, settings, org):
    settings.SAMSYN_OIDC_STAFF = browser_op.staff_settings()
    org.nurse.hsa_id = NURSE_HSA
    org.nurse.save()
    page.goto(page.base_url + "/logga-in/")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med SITHS-kort / e-tjänstekort").click()
    _log_in_at_op(page, "anna")
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("button", name="Logga ut").is_visible()


@pytest.mark.browser
def test_the_demo_picks_a_fictional_individual_as_test_identification(page, settings, org):
    from sip.tests.builders import planned

    planned(org)
    settings.DEBUG = True
    settings.SAMSYN_DEMO_CITIZEN_LOGIN = True
    page.goto(page.base_url + "/min-planering/")
    page.get_by_role("link", name="Logga in med testlegitimation (demo)").click()
    page.get_by_role("heading", name="Testlegitimation (demo)").wait_for()
    assert page.get_by_text("Endast för demo.").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Logga in som Sven Testsson (19410708-9981)").click()
    page.get_by_role("heading", name="Min planering", exact=True).wait_for()
    assert page.get_by_text("Du är på sjukhuset nu").is_visible()
