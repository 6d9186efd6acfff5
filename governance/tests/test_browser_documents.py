"""A process leader registers a governing document, replaces it with a new version, and the
work description's activity then shows only the new one."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import assert_accessible, login
from tests.factories import admit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_replaced_document_leaves_the_activity_for_the_new_one(org, groups, page):
    call_command("load_configuration")
    login(page, groups["leader"])
    for version, replaces in (("1.0", None), ("2.0", "Rutin för inskrivningsmeddelande 1.0")):
        page.goto(page.base_url + "/styrning/dokument/nytt/")
        page.get_by_label("Titel").fill("Rutin för inskrivningsmeddelande")
        page.get_by_label("Sort").select_option("routine")
        page.get_by_label("Version").fill(version)
        page.get_by_label("Gäller från").fill("2025-01-01")
        page.get_by_label("Aktiviteter i arbetsbeskrivningen (nycklar, kommaseparerade)").fill(
            "SV-01"
        )
        if replaces:
            page.get_by_label("Ersätter").select_option(label=replaces)
        page.get_by_role("button", name="Registrera").click()
        page.get_by_role("heading", name=f"Rutin för inskrivningsmeddelande {version}").wait_for()
    assert_accessible(page)

    page.goto(page.base_url + "/process/katalog/?q=Bedöm+om+patienten")
    card = page.locator("#activity-SV-01")
    links = card.get_by_role("link", name="Rutin för inskrivningsmeddelande")
    assert links.count() == 1
    assert "2.0" in card.inner_text() and "1.0" not in card.inner_text()

    page.goto(page.base_url + "/styrning/dokument/?alla=1")
    assert page.get_by_text("Ersatt").count() == 1

    # the episode page: the stay's activity shows the new version only
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=1))
    login(page, org.nurse)
    page.goto(page.base_url + f"/vardtillfallen/{episode.public_id}/")
    section = page.locator("#governing-documents")
    section.locator("summary").click()
    links = section.get_by_role("link", name="Rutin för inskrivningsmeddelande")
    assert links.count() == 1
    assert "2.0" in section.inner_text() and "1.0" not in section.inner_text()
    assert_accessible(page)
