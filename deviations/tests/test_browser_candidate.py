"""End to end in Chromium: a missed legal deadline found by the sweeper becomes a prepared draft
for the municipality's deviation contact, who sends it; the process leader sees it counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import assert_accessible, login
from deviations.models import CandidateDecision, Deviation
from process.sweeper import sweep
from tests.factories import admit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_sweeper_candidate_turned_into_a_sent_deviation(page, org, contacts, smtp_server):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()

    login(page, contacts.municipality)
    page.goto(page.base_url + "/")
    todo = page.locator(".deviation-todo")
    todo.get_by_role("link", name="Utkast till avvikelse: missad tidsfrist").click()
    page.wait_for_url("**/avvikelser/utkast/**")
    assert "Skicka inskrivningsmeddelande" in page.locator("h2").first.inner_text()
    assert page.get_by_label("Kategori").input_value() == "admission_notice"
    assert "missades av Medicinavdelning 1" in page.get_by_label("Vad hände?").input_value()
    assert_accessible(page)
    page.get_by_label("Rapporterande enhet").select_option(label="Hemsjukvård Partille")
    page.get_by_role("button", name="Skicka avvikelsen").click()
    page.wait_for_url("**/avvikelser/*/")
    assert "Missad tidsfrist som Samsyn upptäckte" in page.content()
    assert_accessible(page)

    deviation = Deviation.objects.get()
    assert deviation.candidate.episode == episode
    assert deviation.receiving_unit == org.ward
    assert CandidateDecision.objects.get().decision == "sent"
    assert [m["To"] for m in smtp_server.messages] == ["avvikelse.ward@example.org"]

    page.goto(page.base_url + "/")
    assert page.locator(".deviation-todo").count() == 0  # the draft has left the list

    login(page, contacts.process_leader)
    page.goto(page.base_url + "/avvikelser/statistik/")
    assert "1 skickade, 0 avfärdade" in page.content()
    assert_accessible(page)
