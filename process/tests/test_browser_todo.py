import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import assert_accessible, login
from process.models import DeviationCandidate
from tests.factories import admit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_overdue_admission_notice_is_first_sent_turns_done_late_and_leaves_one_candidate(
    page, org
):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    login(page, org.nurse)
    page.goto(page.base_url + "/")
    first = page.locator(".process-todo tbody tr").first
    assert "Skicka inskrivningsmeddelande" in first.inner_text()
    assert "Försenad" in first.inner_text()
    assert_accessible(page)

    first.get_by_role("link", name="Skicka inskrivningsmeddelande").click()
    page.wait_for_url(f"**/vardtillfallen/{episode.public_id}/**")
    # The lanes are folded below the steps (issue 10): read the text, shown or not.
    assert "Försenad" in page.locator("#activity-SV-04").text_content()
    assert_accessible(page)
    form = page.locator("#step-send_admission_notice")
    if form.evaluate("el => el.tagName") == "DETAILS" and not form.evaluate("el => el.open"):
        form.locator("summary").click()
    form.get_by_role("button", name="Skicka inskrivningsmeddelande").click()
    page.wait_for_load_state()

    notice = page.locator("#activity-SV-04")
    assert "Klar, försenad" in notice.text_content()

    call_command("sweep_process", verbosity=0)
    call_command("sweep_process", verbosity=0)
    candidates = DeviationCandidate.objects.filter(episode=episode, rule_key="SV-04")
    assert candidates.count() == 1
    assert candidates.get().completed_at is not None
