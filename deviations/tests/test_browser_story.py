"""End to end in Chromium: a home health care nurse reports a deviation from the episode page,
the ward's deviation contact is told by e-mail (a real SMTP server), follows the link, and
acknowledges and answers; the nurse reads the answer and closes it."""

from __future__ import annotations

import re

import pytest

from conftest import assert_accessible, login
from deviations.models import Deviation, DeviationState


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reporter_to_receiving_contact_and_back_with_the_email(
    page, org, contacts, episode, smtp_server
):
    org.home_care_nurse.email = "hemsjukvard@example.org"
    org.home_care_nurse.save()
    login(page, org.home_care_nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    page.get_by_role("link", name="Rapportera avvikelse").click()
    page.wait_for_url("**/avvikelser/ny/**")
    assert page.get_by_label("Mottagande enhet").input_value() == str(org.ward.pk)
    page.get_by_label("Kategori").select_option(label="Läkemedelslista saknas")
    page.get_by_label("Vad hände?").fill("Sven Testsson kom hem utan läkemedelslista.")
    page.get_by_role("button", name="Kontrollera texten").click()
    page.wait_for_load_state()
    assert "Skriv vad som hände, inte vem" in page.get_by_role("alert").first.inner_text()
    assert_accessible(page)
    page.get_by_label("Vad hände?").fill("Den enskilde kom hem utan läkemedelslista.")
    page.get_by_label("Vad innebar det för den enskilde?").fill("Fick vänta på sina mediciner.")
    page.get_by_role("button", name="Skicka avvikelsen").click()
    page.wait_for_url("**/avvikelser/*/")
    assert "Avvikelsen är skickad till Medicinavdelning 1, Sjukhuset Öst" in page.content()
    assert_accessible(page)

    [mail] = smtp_server.messages
    assert mail["To"] == "avvikelse.ward@example.org"
    body = smtp_server.bodies()[0]
    assert "Testsson" not in body and "Sven" not in body
    link = re.search(r"https?://\S+/avvikelser/[0-9a-f-]+/", body).group(0)
    path = link.split("/avvikelser/", 1)[1]

    login(page, contacts.ward)
    page.goto(page.base_url + "/")
    todo = page.locator(".deviation-todo")
    assert "Kvittera avvikelse" in todo.inner_text()
    page.goto(page.base_url + "/avvikelser/")
    assert "Läkemedelslista saknas" in page.locator("#handled-title + table").inner_text()
    assert_accessible(page)
    page.goto(page.base_url + "/avvikelser/" + path)
    assert "Visas bara för enheter som deltar i vården" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Kvittera").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("state").inner_text() == "Kvitterad, utreds"
    page.get_by_role("button", name="Skicka svaret").click()  # empty: refused at the fields
    page.wait_for_load_state()
    assert "Fältet måste fyllas i." in page.content()
    page.get_by_label("Orsak: vad ledde till avvikelsen?").fill("Utskrivning vid skiftbyte.")
    page.get_by_label("Åtgärder: vad görs för att det inte ska hända igen?").fill("Checklista.")
    page.get_by_label("Ja – en brist i systemet").check()
    page.get_by_role("button", name="Skicka svaret").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("state").inner_text() == "Besvarad"
    assert_accessible(page)
    # The reporter is told the answer is there (a link, no patient data).
    assert [m["To"] for m in smtp_server.messages][1] == "hemsjukvard@example.org"

    login(page, org.home_care_nurse)
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Läs svaret och avsluta avvikelsen").click()
    assert page.get_by_test_id("cause").inner_text() == "Utskrivning vid skiftbyte."
    page.get_by_role("button", name="Avsluta avvikelsen").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("state").inner_text() == "Avslutad"
    assert Deviation.objects.get().state == DeviationState.CLOSED
