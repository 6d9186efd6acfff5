"""A process leader builds an action plan in the browser with a live and a manual metric,
holds a follow-up, and the live value is the dashboard's figure for the same filter.

Hand-computed: two admissions in Partille a minute ago, each with its admission notice sent at
once, so "Inskrivningsmeddelande i tid" for area Partille this year so far is 2 of 2 = 100 %.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import assert_accessible, login
from governance.models import ActivityStatus, FollowUp
from tests.factories import TEST_IDENTIFIERS, admit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_plan_with_a_live_and_a_manual_metric_is_followed_up(org, groups, page):
    call_command("load_configuration")
    for identifier in TEST_IDENTIFIERS[:2]:
        admit(org, identifier=identifier, admitted_at=timezone.now() - dt.timedelta(minutes=1))
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)

    login(page, groups["leader"])
    page.goto(page.base_url + f"/styrning/grupp/{groups['nosam'].public_id}/")
    page.get_by_role("link", name="Ny handlingsplan").click()
    page.get_by_label("Rubrik", exact=True).fill("Handlingsplan NOSAM Partille")
    page.get_by_label("Perioden börjar").fill(start.isoformat())
    page.get_by_label("Perioden slutar").fill(dt.date(today.year, 12, 31).isoformat())
    page.get_by_label("Övergripande syfte").fill("Trygg och säker utskrivning")
    page.get_by_role("button", name="Skapa planen").click()
    page.get_by_role("heading", name="Handlingsplan NOSAM Partille").wait_for()

    page.get_by_label("Fokusområde", exact=True).fill("Inskrivning")
    page.get_by_role("button", name="Lägg till fokusområde").click()
    page.get_by_label("Delmål", exact=True).fill("Meddelanden i tid")
    page.get_by_role("button", name="Lägg till delmål").click()
    page.get_by_label("Aktivitet", exact=True).fill("Utbildning i rutinen")
    page.get_by_role("button", name="Lägg till aktivitet").click()
    page.get_by_label("Ansvarig roll").fill("Enhetschefer")
    page.get_by_role("button", name="Lägg till aktivitet").click()
    page.get_by_role("cell", name="Enhetschefer").wait_for()

    page.get_by_label("Sort", exact=True).select_option("live")
    page.get_by_label("Nyckeltal (mäts i Samsyn)").select_option("admission_notice_on_time")
    page.get_by_label("Målvärde").fill("90")
    page.get_by_role("button", name="Lägg till mått").click()
    page.get_by_role("rowheader", name="Inskrivningsmeddelande i tid").wait_for()
    page.get_by_label("Sort", exact=True).select_option("manual")
    page.get_by_label("Namn (mått som förs in för hand)").fill("Deltagare på temadag")
    page.get_by_label("Enhet", exact=True).select_option("count")
    page.get_by_label("Målvärde").fill("50")
    page.get_by_role("button", name="Lägg till mått").click()
    page.get_by_label("Värde", exact=True).fill("35")
    page.get_by_label("Mätt den").fill(today.isoformat())
    page.get_by_role("button", name="Spara värdet").click()
    manual = page.locator("tr", has=page.get_by_role("rowheader", name="Deltagare på temadag"))
    assert manual.locator("td.metric-value").inner_text() == "35 antal"

    page.get_by_label("Status: Utbildning i rutinen").select_option("done")
    page.get_by_label("Resultat: Utbildning i rutinen").fill("Alla enheter utbildade")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_text("Utbildning i rutinen: Klar – Alla enheter utbildade").wait_for()
    assert FollowUp.objects.count() == 1
    assert ActivityStatus.objects.get().result == "Alla enheter utbildade"

    live = page.locator(
        "tr", has=page.get_by_role("rowheader", name="Inskrivningsmeddelande i tid")
    ).locator("td.metric-value")
    plan_value = live.inner_text().strip()
    assert plan_value == "100 %"
    assert_accessible(page)

    page.goto(
        page.base_url + f"/statistik/?period=custom&from={start.isoformat()}"
        f"&to={today.isoformat()}&area={org.partille_area.public_id}"
    )
    dashboard = page.locator('td.value[data-key="admission_notice_on_time"]')
    assert dashboard.inner_text().strip() == plan_value
