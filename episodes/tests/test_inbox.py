import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessLog
from episodes import actions, views
from episodes.models import EventKind, Message
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_notice_is_in_the_units_inbox_until_someone_acknowledges_it(org, client):
    episode = admit(org)
    client.force_login(org.needs_assessor)
    inbox = client.get("/inkorg/")
    assert "Inskrivningsmeddelande" in inbox.text and "Testsson" in inbox.text
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    page = client.get(f"/meddelanden/{notice.public_id}/")
    assert "19410708-9981" in page.text
    notice.refresh_from_db()
    assert notice.read_by == org.needs_assessor and notice.acknowledged_at is None
    client.post(f"/meddelanden/{notice.public_id}/kvittera/")
    notice.refresh_from_db()
    assert notice.acknowledged_by == org.needs_assessor
    assert episode.events.filter(
        kind=EventKind.MESSAGE_ACKNOWLEDGED, unit=org.needs_assessment
    ).exists()
    assert "Testsson" not in client.get("/inkorg/").text


def test_acknowledging_twice_is_refused(org, client):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    client.force_login(org.needs_assessor)
    client.post(f"/meddelanden/{notice.public_id}/kvittera/")
    response = client.post(f"/meddelanden/{notice.public_id}/kvittera/", follow=True)
    assert "redan kvitterat" in response.text
    assert episode.events.filter(kind=EventKind.MESSAGE_ACKNOWLEDGED).count() == 1


def test_a_misdirected_notice_is_sent_on_and_the_right_unit_takes_over(org, client):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.home_health_care)
    client.force_login(org.home_care_nurse)
    client.post(
        f"/meddelanden/{notice.public_id}/vidare/",
        {
            "unit": str(org.unrelated_needs_assessment.public_id),
            "reason": "Fel kommun",
            "confirmed": "yes",
        },
    )
    forwarded = Message.objects.get(episode=episode, recipient_unit=org.unrelated_needs_assessment)
    assert forwarded.kind == "admission_notice"
    assert episode.parties.get(unit=org.unrelated_needs_assessment).removed_at is None
    assert episode.parties.get(unit=org.home_health_care).removed_at is not None
    client.force_login(org.outsider)
    assert client.get(f"/vardtillfallen/{episode.public_id}/").status_code == 200


def test_another_units_message_is_not_found(org, client):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    client.force_login(org.home_care_nurse)
    assert client.get(f"/meddelanden/{notice.public_id}/").status_code == 404


def test_the_inbox_lists_each_shown_patient_in_the_access_log(org, client):
    episode = admit(org)
    client.force_login(org.needs_assessor)
    client.get("/inkorg/")
    row = AccessLog.objects.get(user=org.needs_assessor, action="inbox.view")
    assert row.episode == episode and row.unit == org.needs_assessment


def test_a_manager_at_the_unit_does_not_see_its_inbox(org, client):
    admit(org)
    assert org.manager.active_memberships().filter(unit=org.needs_assessment).exists()
    client.force_login(org.manager)
    assert "Testsson" not in client.get("/inkorg/").text


def test_messages_drop_out_of_the_inbox_with_the_access_window(org, client, settings):
    start = timezone.now() - dt.timedelta(days=50)
    episode = admit(org, admitted_at=start)
    actions.do_discharge(org.nurse, episode, "home", discharged_at=start + dt.timedelta(days=2))
    client.force_login(org.needs_assessor)
    assert "Testsson" in client.get("/inkorg/").text
    settings.SAMSYN_ACCESS_AFTER_END_DAYS = 30
    call_command("refresh_party_visibility")  # as after any change of the setting
    assert "Testsson" not in client.get("/inkorg/").text
    notice = Message.objects.get(
        episode=episode, recipient_unit=org.needs_assessment, kind="admission_notice"
    )
    assert client.get(f"/meddelanden/{notice.public_id}/").status_code == 404


def test_the_sender_sees_the_message_but_cannot_acknowledge_it(org, client):
    episode = admit(org)
    notice = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    client.force_login(org.nurse)
    page = client.get(f"/meddelanden/{notice.public_id}/")
    assert page.status_code == 200 and "har inte kvitterat" in page.text
    assert 'value="Kvittera"' not in page.text and ">Kvittera<" not in page.text
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_long_inbox_is_paged_newest_first(org, client, monkeypatch):
    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 2)
    for number in range(3):
        admit(org, identifier=TEST_IDENTIFIERS[number])
    client.force_login(org.needs_assessor)
    first = client.get("/inkorg/").text
    second = client.get("/inkorg/?visa=okvitterade&sida=2").text
    assert "Sida 1 av 2" in first and "Sida 2 av 2" in second
    assert first.count("Inskrivningsmeddelande</a>") == 2
    assert second.count("Inskrivningsmeddelande</a>") == 1
