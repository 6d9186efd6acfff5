"""Bulk acknowledgement in a real browser."""

import pytest

from conftest import assert_accessible
from episodes.models import Message
from tests.factories import TEST_IDENTIFIERS, admit, make_individual
from workspace.tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_needs_assessor_acknowledges_two_notices_at_once(org, page):
    make_individual(org, TEST_IDENTIFIERS[1], given_name="Gun", family_name="Provsson")
    admit(org)
    admit(org, identifier=TEST_IDENTIFIERS[1])
    sign_in(page, org.needs_assessor)
    page.goto(page.base_url + "/inkorg/")
    assert_accessible(page)
    page.get_by_label("Kvittera Inskrivningsmeddelande om Sven Testsson").check()
    page.get_by_label("Kvittera Inskrivningsmeddelande om Gun Provsson").check()
    page.get_by_role("button", name="Kvittera markerade").click()
    page.get_by_text("2 meddelanden är kvitterade.").wait_for()
    assert page.get_by_text("Inga meddelanden att visa.").is_visible()
    assert_accessible(page)
    acknowledged = Message.objects.filter(recipient_unit=org.needs_assessment)
    assert {m.acknowledged_by for m in acknowledged} == {org.needs_assessor}
