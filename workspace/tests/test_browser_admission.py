"""The admission form in a real browser: a mistyped number and its correction, and the whole
form by keyboard."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import assert_accessible
from episodes.models import Episode
from tests.factories import make_individual
from workspace.tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_mistyped_number_gets_a_message_beside_the_field_and_the_corrected_one_proposes_units(
    org, page
):
    make_individual(org)
    sign_in(page, org.nurse)
    page.goto(page.base_url + "/inskrivning/ny/")
    page.get_by_label("Personnummer", exact=True).fill("19410708-9982")  # the last digit mistyped
    page.get_by_role("button", name="Hämta och föreslå enheter").click()
    error = page.locator("#id_identifier_field .errorlist")
    assert "kontrollsiffran stämmer inte" in error.inner_text()
    assert "Något gick fel" not in page.content()
    assert_accessible(page)

    page.get_by_label("Personnummer", exact=True).fill("19410708-9981")
    page.get_by_role("button", name="Hämta och föreslå enheter").click()
    page.get_by_text("Sven Testsson").first.wait_for()
    assert page.locator("#id_identifier_field .errorlist").count() == 0
    for unit in (org.needs_assessment, org.home_health_care, org.health_centre):
        assert page.get_by_label(unit.name, exact=True).is_checked()
    assert_accessible(page)
    page.get_by_label("Läkaren bedömer att patienten kan behöva insatser efter utskrivning").check()
    page.get_by_label("Beräknat utskrivningsdatum").fill(
        (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    )
    page.get_by_role("button", name="Registrera inskrivning").click()
    page.get_by_text("Inskrivningen är registrerad.").wait_for()
    episode = Episode.objects.get()
    assert {p.unit for p in episode.parties.filter(role="concerned")} == {
        org.needs_assessment,
        org.home_health_care,
        org.health_centre,
    }


def test_the_admission_form_can_be_filled_and_sent_by_keyboard_in_few_tab_stops(org, page):
    make_individual(org)
    sign_in(page, org.nurse)
    page.goto(page.base_url + "/inskrivning/ny/")
    page.get_by_label("Personnummer", exact=True).focus()
    page.keyboard.type("410708-9981")
    page.keyboard.press("Enter")  # the first button after the number: propose units
    page.get_by_text("Sven Testsson").first.wait_for()

    page.get_by_label("Personnummer", exact=True).focus()
    stops, filled = 0, False
    while True:
        page.keyboard.press("Tab")
        stops += 1
        focused = page.evaluate(
            "() => (document.activeElement.labels && document.activeElement.labels[0]"
            " ? document.activeElement.labels[0].innerText : document.activeElement.innerText)"
        )
        if "Läkaren bedömer" in focused:
            page.keyboard.press("Space")
        if "Beräknat utskrivningsdatum" in focused and not filled:
            # The date segments' order follows the browser's locale: fill, then tab on.
            page.get_by_label("Beräknat utskrivningsdatum").fill(
                (timezone.localdate() + dt.timedelta(days=3)).isoformat()
            )
            filled = True
        if focused.strip() == "Registrera inskrivning":
            break
        assert stops < 60, "the submit button is out of reach"
    # Before issue 10: 94, one stop per unit of the region. Now the proposed units are
    # passed through and the others are folded: one stop per group.
    assert stops < 35
    page.keyboard.press("Enter")
    page.get_by_text("Inskrivningen är registrerad.").wait_for()
    episode = Episode.objects.get()
    assert episode.may_need_help
    assert episode.admission_notice_sent_at is not None
