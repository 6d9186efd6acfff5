"""The register of governing documents: what applies, replacement, search, and the documents
in force shown beside each activity of the work description."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.errors import ActionError
from governance import actions
from governance.documents import for_activity, search
from governance.models import GoverningDocument


def _document(actor, **changes: Any) -> GoverningDocument:
    data: dict[str, Any] = dict(
        title="Riktlinje för utskrivning",
        kind="guideline",
        valid_from=timezone.localdate() - dt.timedelta(days=100),
        version="1.0",
        summary="Hur inskrivningsmeddelandet skickas inom 24 timmar.",
        activity_keys=["SV-01"],
        lanes=["inpatient"],
        contact="Samverkanskansliet",
    )
    data.update(changes)
    return actions.do_register_document(actor, actions.DocumentInput(**data))


def test_a_replaced_document_is_no_longer_in_force_for_its_activity(org):
    old = _document(org.admin)
    assert for_activity("SV-01") == [old]
    new = _document(org.admin, version="2.0", replaces=old)
    assert for_activity("SV-01") == [new]
    old.refresh_from_db()
    assert old.replaced_by == new


def test_the_catalogue_shows_the_documents_in_force_beside_the_activity(client, org):
    old = _document(org.admin, title="Gammal rutin")
    _document(org.admin, title="Ny rutin", replaces=old)
    client.force_login(org.nurse)
    page = client.get("/process/katalog/", {"q": "Bedöm om patienten"}).content.decode()
    card = page[page.index('id="activity-SV-01"') :]
    card = card[: card.index("</article>")]
    assert "Ny rutin" in card and "Gammal rutin" not in card


def test_a_document_cannot_end_before_it_begins(org):
    today = timezone.localdate()
    with pytest.raises(ActionError) as error:
        _document(org.admin, valid_from=today, valid_to=today - dt.timedelta(days=1))
    assert error.value.field == "valid_to"
    assert "före den dag det börjar gälla" in error.value.message
    assert not GoverningDocument.objects.exists()


def test_a_replacement_loop_is_refused(org):
    first = _document(org.admin)
    second = _document(org.admin, replaces=first)
    with pytest.raises(ActionError) as error:
        actions.do_set_replaced_by(org.admin, second, first)
    assert error.value.code == "replacement_loop"
    second.refresh_from_db()
    assert second.replaced_by is None


def test_an_unknown_activity_key_is_refused(org):
    with pytest.raises(ActionError) as error:
        _document(org.admin, activity_keys=["XX-99"])
    assert error.value.code == "unknown_activity"
    assert not GoverningDocument.objects.exists()


def test_outdated_documents_are_left_out_unless_asked_for(client, org):
    today = timezone.localdate()
    _document(org.admin, title="Utgången rutin", valid_to=today - dt.timedelta(days=1))
    _document(org.admin, title="Gällande rutin")
    client.force_login(org.nurse)
    page = client.get("/styrning/dokument/").content.decode()
    assert "Gällande rutin" in page and "Utgången rutin" not in page
    page = client.get("/styrning/dokument/", {"alla": "1"}).content.decode()
    assert "Utgången rutin" in page and "Inaktuell" in page


def test_search_finds_words_in_the_title_and_text(org):
    _document(org.admin, title="Riktlinje för SIP", summary="Samordnad individuell plan.")
    _document(org.admin, title="Rutin för hjälpmedel", summary="Hjälpmedel vid utskrivning.")
    assert [d.title for d in search("SIP")] == ["Riktlinje för SIP"]
    assert [d.title for d in search("hjälpmedel")] == ["Rutin för hjälpmedel"]


def test_a_nurse_cannot_register_documents(client, org):
    with pytest.raises(ActionError) as error:
        _document(org.nurse)
    assert error.value.code == "forbidden"
    client.force_login(org.nurse)
    assert client.get("/styrning/dokument/nytt/").status_code == 403


def test_an_administrator_registers_a_document_on_the_page(client, org):
    client.force_login(org.admin)
    response = client.post(
        "/styrning/dokument/nytt/",
        {
            "title": "Överenskommelse om utskrivning",
            "kind": "agreement",
            "valid_from": "2026-01-01",
            "valid_to": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "före den dag det börjar gälla" in response.content.decode()
    response = client.post(
        "/styrning/dokument/nytt/",
        {
            "title": "Överenskommelse om utskrivning",
            "kind": "agreement",
            "valid_from": "2026-01-01",
            "activity_keys": "SV-01",
            "link": "https://example.org/overenskommelse.pdf",
        },
    )
    document = GoverningDocument.objects.get()
    assert response.status_code == 302
    assert document.activity_keys == ["SV-01"]
    page = client.get(f"/styrning/dokument/{document.public_id}/").content.decode()
    assert "Överenskommelse om utskrivning" in page and "SV-01" in page


def test_a_question_goes_to_the_owner_whose_answer_is_published(client, org, groups):
    document = _document(org.admin, owner_group=groups["nosam"])
    client.force_login(org.nurse)
    page = f"/styrning/dokument/{document.public_id}/"
    assert client.post(page, {"text": ""}).status_code == 400
    assert client.post(page, {"text": "Gäller 24 timmar även på helger?"}).status_code == 302
    question = document.questions.get()
    # the nurse may not answer; the owner group's process leader may
    assert client.post(page, {"question": question.public_id, "answer": "Ja"}).status_code == 400
    client.force_login(groups["leader"])
    html = client.get(page).content.decode()
    assert "Obesvarad fråga" in html and "Gäller 24 timmar även på helger?" in html
    response = client.post(page, {"question": question.public_id, "answer": "Ja, alla dagar."})
    assert response.status_code == 302
    client.force_login(org.nurse)
    html = client.get(page).content.decode()
    assert "Ja, alla dagar." in html and "Obesvarad fråga" not in html
