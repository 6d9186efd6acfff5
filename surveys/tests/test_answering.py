"""The public answer: a one-time code, no login, pause and resume, anonymous."""

import pytest
from django.core.cache import cache

from surveys import actions
from surveys.models import Answer, Channel, Invitation, Respondent, Response
from tests.factories import admit

NEUTRAL = "Koden fungerar inte."


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def code(org, plan):
    return actions.create_invitation(org.nurse, admit(org).public_id).code


def enter(client, code):
    return client.post("/enkat/", {"code": code})


def test_a_code_opens_the_questions_without_a_login(client, code):
    assert client.get("/enkat/").status_code == 200
    opened = enter(client, code.lower()[:4] + "-" + code.lower()[4:])
    assert opened.status_code == 302 and opened["Location"] == "/enkat/svar/"
    page = client.get("/enkat/svar/").content.decode()
    assert "Kändes vården som en helhet?" in page


def test_the_answer_keeps_no_link_to_the_episode_once_the_code_is_used(client, code):
    enter(client, code)
    assert Invitation.objects.get().episode is None
    client.post("/enkat/svar/", {"respondent": "individual", "q-helhet": "4", "send": "1"})
    response = Response.objects.get()
    assert Invitation.objects.get().response is None
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"episode", "individual", "invitation"}
    assert response.submitted_at is not None and response.respondent == Respondent.INDIVIDUAL


def test_an_answer_can_be_paused_and_resumed_with_the_same_code(client, code):
    enter(client, code)
    paused = client.post("/enkat/svar/", {"q-helhet": "2", "pause": "1"})
    assert paused["Location"] == "/enkat/sparad/"
    assert client.get("/enkat/svar/")["Location"] == "/enkat/"  # this session let go of it
    enter(client, code)
    page = client.get("/enkat/svar/").content.decode()
    assert 'value="2" checked' in page
    sent = client.post(
        "/enkat/svar/", {"respondent": "relative", "q-helhet": "3", "q-ovrigt": "Bra", "send": "1"}
    )
    assert sent["Location"] == "/enkat/tack/"
    response = Response.objects.get()
    assert response.respondent == Respondent.RELATIVE
    assert {a.question.key: (a.value, a.text) for a in response.answers.all()} == {
        "helhet": (3, ""),
        "ovrigt": (None, "Bra"),
    }


def test_an_answer_outside_the_scale_is_refused_and_nothing_is_kept(client, code):
    enter(client, code)
    page = client.post("/enkat/svar/", {"respondent": "individual", "q-helhet": "9", "send": "1"})
    assert page.status_code == 400
    assert "Välj ett av svarsalternativen 1–5." in page.content.decode()
    assert not Answer.objects.exists()
    assert Response.objects.get().submitted_at is None


def test_sending_needs_the_required_questions_and_who_answers(client, code):
    enter(client, code)
    page = client.post("/enkat/svar/", {"q-trygg": "4", "send": "1"})
    assert "Svara på frågan om vem som fyller i enkäten." in page.content.decode()
    page = client.post("/enkat/svar/", {"respondent": "individual", "q-trygg": "4", "send": "1"})
    assert "Den här frågan behöver ett svar." in page.content.decode()
    assert Response.objects.get().submitted_at is None


def test_a_used_an_unknown_and_an_expired_code_get_the_same_message(client, code, org):
    enter(client, code)
    client.post("/enkat/svar/", {"respondent": "individual", "q-helhet": "4", "send": "1"})
    expired = actions.create_invitation(org.nurse, admit(org, identifier="191212121212").public_id)
    Invitation.objects.filter(pk=expired.invitation.pk).update(expires_at="2000-01-01T00:00Z")
    answers = [enter(client, c) for c in (code, "ABCD-EFGH", expired.code)]
    texts = {
        a.content.decode().split('id="code-error" role="alert">')[1].split("<")[0] for a in answers
    }
    assert len(texts) == 1 and NEUTRAL in texts.pop()
    assert {a.status_code for a in answers} == {400}


def test_guessing_is_stopped_after_the_limit_even_for_a_right_code(client, code, settings):
    settings.SAMSYN_SURVEY_CODE_ATTEMPTS = 3
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert NEUTRAL in enter(client, guess).content.decode()
    page = enter(client, code)
    assert page.status_code == 400 and "För många felaktiga försök" in page.content.decode()
    assert Invitation.objects.get().opened_at is None


def test_staff_enter_a_paper_answer_from_the_code_on_the_form(client, code, org):
    client.force_login(org.nurse)
    opened = client.post("/enkat/papper/", {"code": code})
    assert opened["Location"] == "/enkat/svar/"
    assert "Du matar in en pappersenkät." in client.get("/enkat/svar/").content.decode()
    client.post("/enkat/svar/", {"respondent": "relative", "q-helhet": "5", "send": "1"})
    response = Response.objects.get()
    assert response.channel == Channel.PAPER and response.submitted_at is not None


def test_the_paper_entry_action_refuses_a_bad_value_and_keeps_the_code_unused(code, org):
    from core.errors import ActionError

    with pytest.raises(ActionError):
        actions.enter_paper_answer(
            org.nurse, code, {"helhet": "0"}, respondent="individual", client="paper"
        )
    assert Invitation.objects.get().opened_at is None and not Response.objects.exists()


def test_the_guessing_limit_counts_per_address(client, code, settings):
    settings.SAMSYN_SURVEY_CODE_ATTEMPTS = 1
    client.post("/enkat/", {"code": "AAAA-AAAA"}, REMOTE_ADDR="10.0.0.1")
    refused = client.post("/enkat/", {"code": code}, REMOTE_ADDR="10.0.0.1")
    assert "För många felaktiga försök" in refused.content.decode()
    assert client.post("/enkat/", {"code": code}, REMOTE_ADDR="10.0.0.2").status_code == 302
