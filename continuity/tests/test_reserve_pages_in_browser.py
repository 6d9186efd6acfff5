"""The reserve pages in a real browser: reachable from the menu, accessible, printable."""

import pytest

from conftest import assert_accessible, login
from tests.factories import admit


@pytest.mark.browser
def test_a_needs_assessor_opens_the_reserve_list_from_the_menu(org, page):
    admit(org)
    login(page, org.needs_assessor)
    page.get_by_role("link", name="Reservrutin").click()
    assert_accessible(page)
    page.get_by_role(
        "link", name="Reservlista för utskrift – Biståndshandläggning Partille"
    ).click()
    assert page.get_by_role(
        "heading", name="Reservlista – Biståndshandläggning Partille"
    ).is_visible()
    assert page.get_by_text("Sven Testsson").is_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Huvudmeny").is_visible()
    page.goto(page.base_url + "/reserv/blankett/")
    assert_accessible(page)
