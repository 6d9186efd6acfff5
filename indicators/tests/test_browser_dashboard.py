"""A manager filters the dashboard to one municipality and a quarter and downloads Excel."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from conftest import assert_accessible, login
from organisations.models import Role
from tests.factories import make_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_filters_to_a_municipality_and_quarter_and_downloads_excel(
    march, org, page, tmp_path
):
    # A transactional test starts from a flushed database: an earlier one in the same run may
    # have emptied the agreements and rates. Load any that are missing.
    call_command("load_configuration")
    manager = make_user("chef", org.home_health_care, Role.MANAGER)
    login(page, manager)
    page.goto(page.base_url + "/statistik/")
    page.get_by_label("Period").select_option("quarter")
    page.get_by_label("Kvartal").select_option("2025-Q1")
    page.get_by_label("Folkbokföringskommun").select_option(label="Partille kommun")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**quarter=2025-Q1**")
    assert page.get_by_role("heading", name="Urval: kvartal 1 2025").is_visible()
    vgr = page.locator('td.value[data-key="ready_days_vgr"]')
    assert vgr.inner_text().strip() == "4,0 dagar"
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner Excel").click()
    path = tmp_path / "statistik.xlsx"
    info.value.save_as(path)
    workbook = load_workbook(path)
    rows = {row[0]: row for row in workbook["Indikatorer"].iter_rows(values_only=True)}
    # Hand-computed in conftest.march: 28 ready days over 7 episodes in Partille, Q1 2025.
    assert rows["Utskrivningsklara dagar (VGR)"][1] == pytest.approx(4.0)
    assert rows["Utskrivningsklara dagar (VGR)"][2:4] == (28, 7)

    page.get_by_role("link", name="Kommunalt betalningsansvar per kommun och månad").click()
    page.get_by_label("Kommun").select_option(label="Partille kommun")
    page.get_by_label("Månad (ÅÅÅÅ-MM)").fill("2025-03")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**month=2025-03**")
    # Waits for the answer page (is_visible alone would look at the form page once more).
    page.get_by_text("1,50 dagar (6 dagar / 4 vårdtillfällen)").wait_for(timeout=10_000)
    assert_accessible(page)
