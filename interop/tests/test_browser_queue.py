"""End to end in Chromium: the administrator finds a waiting ADT message from the feed, maps
its ward and sees it replayed; both pages pass axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import assert_accessible
from episodes.models import Episode
from interop.hl7.intake import receive
from interop.tests.adt import adt, ts
from tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_maps_an_unknown_ward_and_the_admission_goes_through(page, org):
    admitted = ts(timezone.now() - dt.timedelta(hours=4))
    receive(adt("A01", "WEB-1", ward="SE-NY-AVD", admitted=admitted))

    device = TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    page.goto(page.base_url + "/logga-in/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/logga-in/kod/")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Engångskod (sex siffror)").fill(f"{code:06d}")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(lambda url: "/logga-in/" not in url)
    page.get_by_role("link", name="ADT-flödet").click()
    assert page.get_by_test_id("errors").inner_text() == "1"
    assert "WEB-1" in page.locator("table").nth(1).inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="1 meddelande väntar på en avdelning").click()
    page.get_by_label("Avdelning för HSA-id SE-NY-AVD").select_option(
        label="Geriatrikavdelning 1, Sjukhuset Väst"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Koppla avdelning och spela upp").click()

    assert "Meddelandet WEB-1 spelades upp igen: AA." in page.get_by_role("status").inner_text()
    assert "Inget väntar." in page.locator("table").inner_text()
    assert Episode.objects.get().ward == org.other_ward
