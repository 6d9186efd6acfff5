"""The inbox of issue 10: filters by patient, kind and waiting time; a forward is confirmed."""

import datetime as dt

from django.utils import timezone

from audit.models import AccessLog
from episodes.models import Message
from tests.factories import TEST_IDENTIFIERS, admit, make_individual


def shown(response):
    return {(m.episode.individual.family_name, m.kind) for m in response.context["messages_page"]}


def two_patients(org):
    """Sven Testsson admitted two days ago, Gun Provsson two hours ago; both notices sent
    now to the needs assessment (so both have waited under an hour)."""
    make_individual(org, TEST_IDENTIFIERS[1], given_name="Gun", family_name="Provsson")
    first = admit(org, admitted_at=timezone.now() - dt.timedelta(days=2))
    second = admit(org, identifier=TEST_IDENTIFIERS[1])
    return first, second


def test_the_inbox_is_filtered_by_patient_name_or_number(org, client):
    two_patients(org)
    client.force_login(org.needs_assessor)
    assert shown(client.get("/inkorg/", {"patient": "provs"})) == {("Provsson", "admission_notice")}
    assert shown(client.get("/inkorg/", {"patient": "410708-9981"})) == {
        ("Testsson", "admission_notice")
    }


def test_the_inbox_is_filtered_by_kind_and_by_waiting_time(org, client):
    first, _second = two_patients(org)
    Message.objects.filter(episode=first).update(sent_at=timezone.now() - dt.timedelta(hours=30))
    client.force_login(org.needs_assessor)
    assert shown(client.get("/inkorg/", {"vantat": "24h"})) == {("Testsson", "admission_notice")}
    assert shown(client.get("/inkorg/", {"typ": "ready_notice"})) == set()
    assert len(shown(client.get("/inkorg/", {"typ": "admission_notice"}))) == 2


def test_ticked_messages_are_acknowledged_each_as_its_own_act_and_logged(org, client):
    first, second = two_patients(org)
    notices = Message.objects.filter(recipient_unit=org.needs_assessment)
    client.force_login(org.needs_assessor)
    response = client.post(
        "/inkorg/kvittera/", {"messages": [str(m.public_id) for m in notices]}, follow=True
    )
    assert "2 meddelanden är kvitterade." in response.text
    assert all(m.acknowledged_by == org.needs_assessor for m in notices.all())
    for episode in (first, second):
        assert episode.events.filter(kind="message_acknowledged").count() == 1
        assert AccessLog.objects.filter(user=org.needs_assessor, episode=episode).exists()


def test_another_units_message_cannot_be_acknowledged_in_bulk(org, client):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.home_health_care)
    client.force_login(org.needs_assessor)
    client.post("/inkorg/kvittera/", {"messages": [str(notice.public_id)]})
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_forwarding_asks_for_confirmation_first(org, client):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.home_health_care)
    client.force_login(org.home_care_nurse)
    url = f"/meddelanden/{notice.public_id}/vidare/"
    data = {"unit": str(org.unrelated_needs_assessment.public_id), "reason": "Fel kommun"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Bekräfta: skicka meddelandet vidare till Biståndshandläggning Öckerö?" in response.text
    assert not Message.objects.filter(recipient_unit=org.unrelated_needs_assessment).exists()
    client.post(url, {**data, "confirmed": "yes"})
    assert Message.objects.filter(recipient_unit=org.unrelated_needs_assessment).exists()
