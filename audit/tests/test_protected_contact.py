"""Protected identity hides the address and phone wherever Samsyn shows or sends them: the
copies in messages already sent are blanked when protection is set, and recorded."""

from django.test import Client

from audit.models import ChangeKind, ChangeRecord
from episodes import actions
from episodes.models import Message, MessageKind
from organisations.models import ApiToken
from tests.factories import admit

ADDRESS = "Testgatan 1"
PHONE = "070-1112233"


def _admitted_then_protected(org):
    episode = admit(org)
    individual = episode.individual
    individual.phone = PHONE
    individual.save()
    notice = Message.objects.get(
        episode=episode, kind=MessageKind.ADMISSION_NOTICE, recipient_unit=org.health_centre
    )
    assert notice.data["address"] == "Testgatan 1 43330 Partille"
    individual.protected_identity = True
    individual.save()
    return episode, notice


def test_setting_protection_blanks_the_address_in_notices_already_sent_and_records_it(org):
    episode, notice = _admitted_then_protected(org)
    notice.refresh_from_db()
    assert notice.data["address"] == ""
    assert notice.data["name"] == "Sven Testsson"
    record = ChangeRecord.objects.get(kind=ChangeKind.CONTACT_REDACTED)
    # Three units concerned had the notice (health centre, home health care, needs assessment).
    assert (record.individual_id, record.data["messages"]) == (episode.individual_id, 3)


def test_saving_a_protected_person_again_changes_nothing_more(org):
    episode, _notice = _admitted_then_protected(org)
    episode.individual.save()
    assert ChangeRecord.objects.filter(kind=ChangeKind.CONTACT_REDACTED).count() == 1


def test_a_notice_to_a_unit_added_later_never_carries_the_address(org):
    episode, _notice = _admitted_then_protected(org)
    actions.do_edit_parties(org.nurse, episode, add=[org.unrelated_needs_assessment])
    late = Message.objects.get(episode=episode, recipient_unit=org.unrelated_needs_assessment)
    assert late.data["address"] == ""


def test_a_forwarded_copy_of_a_protected_persons_notice_carries_no_address(org):
    episode, notice = _admitted_then_protected(org)
    # Protection set behind the application's back (no signal): the forward still blanks it.
    Message.objects.filter(pk=notice.pk).update(data={**notice.data, "address": ADDRESS})
    copy = actions.do_forward(org.gp_nurse, notice, org.unrelated_needs_assessment, "fel enhet")
    assert copy.data["address"] == ""


def test_no_page_or_api_answer_shows_a_protected_persons_address_or_phone(org, client):
    episode, notice = _admitted_then_protected(org)
    individual = episode.individual
    client.force_login(org.gp_nurse)
    pages = [
        "/",
        "/inkorg/",
        f"/vardtillfallen/{episode.public_id}/",
        f"/meddelanden/{notice.public_id}/",
        f"/individer/{individual.public_id}/",
        "/individer/sok/?q=Testsson",
    ]
    _token, key = ApiToken.issue(org.gp_nurse, "test")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    answers = [
        f"/api/messages/{notice.public_id}",
        f"/api/units/{org.health_centre.public_id}/inbox",
        f"/api/episodes/{episode.public_id}",
        f"/api/episodes/{episode.public_id}/events",
        "/api/episodes",
        f"/api/individuals/{individual.public_id}",
        f"/api/process/episodes/{episode.public_id}/activities",
    ]
    shown = {url: client.get(url) for url in pages} | {url: api.get(url) for url in answers}
    for url, response in shown.items():
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Testgatan" not in text and PHONE not in text, url
    assert "Sven Testsson" in shown[f"/meddelanden/{notice.public_id}/"].content.decode()


def test_a_copy_left_in_a_message_is_not_shown_on_the_message_page_or_by_the_api(org, client):
    episode, notice = _admitted_then_protected(org)
    # A copy written behind the application's back (no signal), as before the redaction.
    Message.objects.filter(pk=notice.pk).update(data={**notice.data, "address": ADDRESS})
    client.force_login(org.gp_nurse)
    page = client.get(f"/meddelanden/{notice.public_id}/").content.decode()
    _token, key = ApiToken.issue(org.gp_nurse, "test")
    answer = Client(headers={"Authorization": f"Bearer {key}"}).get(
        f"/api/messages/{notice.public_id}"
    )
    assert "Sven Testsson" in page and ADDRESS not in page
    assert answer.json()["data"]["address"] == ""
