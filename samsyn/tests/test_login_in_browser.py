"""The two-step login in a real browser: password, then the code, with the CSP in force."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import assert_accessible
from tests.factories import PASSWORD


@pytest.mark.browser
def test_an_administrator_logs_in_with_password_and_code_and_reaches_the_admin(org, page):
    device = TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
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
