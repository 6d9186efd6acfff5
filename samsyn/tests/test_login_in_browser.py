"""The two-step login in a real browser: password, then the code, with the CSP in force."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import assert_accessible, login
from tests.factories import PASSWORD


@pytest.mark.browser
def test_an_administrator_logs_in_with_password_and_code_and_reaches_the_admin(org, page):
    device = TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(page.base_url + "/admin/")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/logga-in/kod/")
    assert_accessible(page)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Engångskod (sex siffror)").fill(f"{code:06d}")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Webbplatsadministration").is_visible()
    page.goto(page.base_url + "/admin/organisations/unit/")
    page.get_by_role("link", name="Medicinavdelning 1, Sjukhuset Öst").first.click()
    assert violations == []


@pytest.mark.browser
def test_the_api_docs_render_from_local_files_under_the_csp(org, page):
    login(page, org.nurse)
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    external = []
    page.on(
        "request",
        lambda r: not r.url.startswith(page.base_url) and external.append(r.url),
    )
    page.goto(page.base_url + "/api/docs")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "Samsyn API" in title.inner_text()
    assert external == [] and violations == []
