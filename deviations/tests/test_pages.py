"""The deviation pages through the browser's requests: the report form from the episode page,
the check before saving, the contact's page, and a clear Swedish message for bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from deviations import actions
from deviations.models import Deviation
from organisations.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)


def form_data(org, **changes):
    data = {
        "receiving_unit": org.ward.pk,
        "category": "medication_list",
        "event_date": timezone.localdate().isoformat(),
        "what_happened": "Ingen läkemedelslista följde med.",
        "consequence": "",
        "send": "1",
    }
    data.update(changes)
    return data


def test_the_episode_page_links_to_a_report_form_with_the_ward_and_today_filled_in(
    client, org, episode
):
    login(client, org.home_care_nurse)
    page = client.get(reverse("episode", args=[episode.public_id])).content.decode()
    url = reverse("deviations:report", args=[episode.public_id])
    assert url in page and "Rapportera avvikelse" in page
    form = client.get(url).content.decode()
    assert f'<option value="{org.ward.pk}" selected>' in form
    assert f'value="{timezone.localdate().isoformat()}"' in form
    assert "Skriv vad som hände, inte vem" in form


def test_checking_the_text_warns_and_saves_nothing(client, org, episode):
    login(client, org.home_care_nurse)
    url = reverse("deviations:report", args=[episode.public_id])
    response = client.post(
        url, form_data(org, what_happened="Testsson fick inga läkemedel.", send="", check="1")
    )
    assert "Texten innehåller den enskildes namn" in response.content.decode()
    assert not Deviation.objects.exists()


def test_sending_shows_the_deviation_and_a_warning_if_the_text_names_the_person(
    client, org, contacts, episode
):
    login(client, org.home_care_nurse)
    url = reverse("deviations:report", args=[episode.public_id])
    response = client.post(url, form_data(org, what_happened="Sven fick fel."), follow=True)
    page = response.content.decode()
    assert "Avvikelsen är skickad till Medicinavdelning 1, Sjukhuset Öst" in page
    assert "Texten innehåller den enskildes namn" in page
    assert Deviation.objects.get().personal_data_warned


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"receiving_unit": ""}, "Välj den mottagande enheten"),
        ({"category": ""}, "Välj en kategori."),
        ({"event_date": "2099-01-01"}, "Händelsedatumet ligger i framtiden."),
        ({"event_date": "2001-01-01"}, "Händelsedatumet ligger före vårdtillfällets inskrivning"),
        ({"what_happened": "x" * 4001}, "Texten är för lång (4001 tecken, högst 4000)."),
    ],
)
def test_bad_input_gets_a_swedish_message_at_the_field(client, org, episode, changes, message):
    login(client, org.home_care_nurse)
    url = reverse("deviations:report", args=[episode.public_id])
    response = client.post(url, form_data(org, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Deviation.objects.exists()


def test_the_own_unit_is_refused_with_where_internal_deviations_go(client, org, episode):
    login(client, org.home_care_nurse)
    url = reverse("deviations:report", args=[episode.public_id])
    response = client.post(url, form_data(org, receiving_unit=org.home_health_care.pk))
    assert "egen avvikelsehantering" in response.content.decode()


def test_the_contact_answers_on_the_page_without_seeing_the_patient(client, org, contacts, episode):
    deviation = actions.do_report(
        org.home_care_nurse,
        episode,
        receiving_unit=org.ward,
        category_key="medication_list",
        event_date=timezone.localdate(),
        what_happened="Ingen läkemedelslista.",
    ).deviation
    login(client, contacts.ward)
    url = reverse("deviations:detail", args=[deviation.public_id])
    page = client.get(url).content.decode()
    assert "Testsson" not in page
    assert "Visas bara för enheter som deltar i vården" in page
    assert AccessLog.objects.filter(user=contacts.ward, action="deviation.view").exists()
    refused = client.post(
        reverse("deviations:act", args=[deviation.public_id, "answer"]),
        {"answer-cause": "Skiftbyte.", "answer-measures": ""},
    )
    assert refused.status_code == 400
    assert "Fältet måste fyllas i." in refused.content.decode()
    done = client.post(
        reverse("deviations:act", args=[deviation.public_id, "answer"]),
        {"answer-cause": "Skiftbyte.", "answer-measures": "Checklista.", "answer-systemic": "yes"},
        follow=True,
    )
    assert "Besvarad" in done.content.decode()


def test_the_start_page_shows_the_deviation_to_acknowledge(client, org, contacts, episode):
    actions.do_report(
        org.home_care_nurse,
        episode,
        receiving_unit=org.ward,
        category_key="medication_list",
        event_date=timezone.localdate(),
        what_happened="Ingen läkemedelslista.",
    )
    login(client, contacts.ward)
    page = client.get(reverse("home")).content.decode()
    assert "Avvikelser att hantera" in page
    assert "Kvittera avvikelse" in page
    assert "Läkemedelslista saknas – från Hemsjukvård Partille" in page


def test_statistics_are_for_managers_and_process_leaders_with_a_message_for_a_bad_month(
    client, org, contacts, episode
):
    client.force_login(org.home_care_nurse)
    assert client.get(reverse("deviations:statistics")).status_code == 403
    client.force_login(contacts.process_leader)
    page = client.get(reverse("deviations:statistics"), {"from": "2026-13"}).content.decode()
    assert "Ogiltig månad: 2026-13 (skriv ÅÅÅÅ-MM)." in page
    export = client.get(reverse("deviations:export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("deviations:export_pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_manager_sees_the_units_deviations_without_patient_details(
    client, org, contacts, episode
):
    actions.do_report(
        org.home_care_nurse,
        episode,
        receiving_unit=org.ward,
        category_key="aids_missing",
        event_date=timezone.localdate(),
        what_happened="Rullatorn saknades.",
    )
    manager = make_user("hhcmanager", org.home_health_care, Role.MANAGER)
    client.force_login(manager)
    page = client.get(reverse("deviations:overview")).content.decode()
    assert "Mina enheters avvikelser, skickade och mottagna" in page
    assert "Hjälpmedel saknas" in page
    assert "Testsson" not in page
