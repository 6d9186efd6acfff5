"""axe-core over every page issue 10 changed, in the states a user meets, in both languages."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import assert_accessible
from episodes.models import Message
from tests.factories import admit
from workspace.tests.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pages_of_the_everyday_work_have_no_serious_accessibility_violation(
    org, page, language
):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=2), send_notice=False)
    sign_in(page, org.nurse)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    for path in ("/", "/att-gora/missade/", "/inskrivning/ny/", "/inkorg/"):
        page.goto(page.base_url + path)
        assert_accessible(page)
    page.goto(page.base_url + "/")
    if language == "sv":
        page.screenshot(path="/tmp/start.png", full_page=True)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    if language == "sv":
        page.screenshot(path="/tmp/episode-top.png")
    assert_accessible(page)
    # A step with an error, the folds open.
    if not page.locator("#step-exit").evaluate("el => el.open"):
        page.locator("#step-exit summary").click()
    page.locator("#step-exit button[type=submit]").click()
    page.wait_for_url("**#step-exit")
    page.locator("#parties summary").click()
    page.locator("#timeline summary").click()
    assert_accessible(page)

    # The needs assessor's inbox, a message and a forward waiting for its confirmation.
    episode_sent = admit(org, identifier="193902229925")
    sign_in(page, org.needs_assessor)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.goto(page.base_url + "/inkorg/")
    assert_accessible(page)
    notice = Message.objects.filter(
        episode=episode_sent, recipient_unit=org.needs_assessment
    ).first()
    page.goto(page.base_url + f"/meddelanden/{notice.public_id}/")
    assert_accessible(page)
    page.locator("details.action summary").click()
    page.locator("#forward-unit").select_option(str(org.unrelated_needs_assessment.public_id))
    page.locator("details.action button[type=submit]").click()
    page.locator("#forward-confirm").wait_for()
    assert_accessible(page)
