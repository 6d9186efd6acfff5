"""Browser: the ward prints an invitation, the individual answers on a phone from its code,
and the answer appears in the quarter's report — or is suppressed below the threshold."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import assert_accessible, login
from organisations.models import Role
from surveys.models import BASELINE, Answer, Question, Response
from tests.factories import admit, make_user

PHONE = {"width": 375, "height": 740}


def earlier_answers(plan, count: int) -> None:
    """`count` answers already in the baseline, all 2 on "helhet"."""
    version = plan.questionnaire.current_version()
    question = Question.objects.get(version=version, key="helhet")
    for _ in range(count):
        response = Response.objects.create(
            plan=plan,
            period=BASELINE,
            version=version,
            respondent="individual",
            submitted_at=timezone.now(),
        )
        Answer.objects.create(response=response, question=question, value=2)


@pytest.mark.browser
def test_an_answer_from_a_printed_code_on_a_phone_reaches_the_quarters_report(
    page, org, plan, settings
):
    cache.clear()
    episode = admit(org)
    earlier_answers(plan, 4)
    login(page, org.nurse)
    page.goto(f"{page.base_url}/enkat/inbjudan/{episode.public_id}/")
    page.get_by_role("button", name="Skapa inbjudan att skriva ut").click()
    code = page.locator("#invitation-code").inner_text()
    assert (
        page.get_by_role("img", name="QR-kod till enkäten").count() == 1
        or page.locator("svg.qr").count() == 1
    )
    assert_accessible(page)

    phone = page.context.browser.new_context(viewport=PHONE, locale="sv-SE", is_mobile=True)
    mobile = phone.new_page()
    mobile.goto(f"{page.base_url}/enkat/")
    assert_accessible(mobile)
    mobile.get_by_label("Din kod").fill(code.lower())
    mobile.get_by_role("button", name="Börja svara").click()
    mobile.get_by_role("heading", name="Din utskrivning från sjukhuset").wait_for()
    assert_accessible(mobile)
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Pause, come back with the same code, then finish.
    mobile.get_by_role("group", name="1. Kändes vården som en helhet?").get_by_label("5").check()
    mobile.get_by_role("button", name="Spara och fortsätt senare").click()
    mobile.get_by_role("heading", name="Dina svar är sparade").wait_for()
    mobile.get_by_role("link", name="Fortsätt svara").click()
    mobile.get_by_label("Din kod").fill(code)
    mobile.get_by_role("button", name="Börja svara").click()
    helhet = mobile.get_by_role("group", name="1. Kändes vården som en helhet?")
    assert helhet.get_by_label("5").is_checked()
    mobile.get_by_label("En närstående för den enskildes räkning").check()
    mobile.get_by_role("button", name="Skicka svaren").click()
    mobile.get_by_role("heading", name="Tack för dina svar!").wait_for()
    assert_accessible(mobile)
    # The code is spent: the same neutral message as for any wrong code.
    mobile.goto(f"{page.base_url}/enkat/")
    mobile.get_by_label("Din kod").fill(code)
    mobile.get_by_role("button", name="Börja svara").click()
    assert "Koden fungerar inte." in mobile.get_by_role("alert").inner_text()
    phone.close()

    leader = make_user("leader", org.ward, Role.PROCESS_LEADER)
    login(page, leader)
    page.goto(f"{page.base_url}/enkat/resultat/")
    baseline = page.locator("#results-table tbody tr").first
    # 4 earlier answers of 2 and this one of 5: 5 answers of 1 invitation, mean 2,6.
    assert baseline.locator("th").inner_text() == "Baslinje"
    assert baseline.locator("td").nth(2).inner_text() == "5"
    assert "2,6" in baseline.inner_text()
    assert_accessible(page)

    settings.SAMSYN_SURVEY_MIN_GROUP = 6
    page.reload()
    assert "Färre än 6 svar – visas inte" in page.locator("#results-table").inner_text()
    assert "Några grupper i urvalet är dolda" in page.locator("#suppression-note").inner_text()
