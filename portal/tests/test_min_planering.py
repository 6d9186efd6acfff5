"""Min planering: the individual sees their own stay and plan, a stranger sees nothing, and
every read is logged."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from episodes import actions as episode_actions
from portal.models import CitizenRead
from portal.tests.citizens import log_in
from sip.tests.builders import planned
from tests.factories import TEST_IDENTIFIERS, admit, make_individual

SVEN = TEST_IDENTIFIERS[0]
STRANGER = TEST_IDENTIFIERS[5]


def _overview(individual):
    return reverse("portal:overview", args=[individual.public_id])


def test_the_individual_sees_where_they_are_what_happens_next_and_their_contacts(org, client):
    episode = admit(org)
    episode_actions.do_appoint_care_contact(org.gp_nurse, episode, "Eva Ek")
    log_in(client, SVEN)
    response = client.get(reverse("portal:citizen_home"))
    assert response.status_code == 302
    assert response["Location"] == _overview(episode.individual)

    page = client.get(_overview(episode.individual)).content.decode()
    assert "Du är på sjukhuset nu" in page
    assert "Medicinavdelning 1, Sjukhuset Öst" in page
    assert 'aria-current="step">Planering pågår' in page
    # The next step is the episode's own (not yet ready), worded for the individual.
    assert "Läkaren bedömer när du är klar med vården där." in page
    assert "Eva Ek, Vårdcentralen Partille" in page
    assert "Hemsjukvård Partille" in page
    assert "Testgatan" not in page  # no address, ever
    read = CitizenRead.objects.get(action="portal.overview")
    assert read.individual == episode.individual and read.granted
    assert read.reader_identifier == SVEN and read.representation is None


def test_a_personnummer_samsyn_does_not_know_gets_a_neutral_page(org, client):
    admit(org)
    log_in(client, STRANGER, "Okänd Person")
    page = client.get(reverse("portal:citizen_home")).content.decode()
    assert "Det finns inget att visa här" in page
    assert "Sven Testsson" not in page


def test_another_persons_page_by_url_is_not_found_and_the_attempt_is_logged(org, client):
    episode = admit(org)
    make_individual(org, STRANGER, given_name="Stina")
    log_in(client, STRANGER, "Stina Testsson")
    response = client.get(_overview(episode.individual))
    assert response.status_code == 404
    assert "Sven Testsson" not in response.content.decode()
    refused = CitizenRead.objects.get(granted=False)
    assert refused.individual == episode.individual and refused.reader_identifier == STRANGER


def test_an_individual_with_no_stay_gets_a_kind_empty_page(org, client):
    individual = make_individual(org, SVEN)
    log_in(client, SVEN)
    response = client.get(_overview(individual))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Du är inte inlagd på sjukhus" in page
    assert "Be om en SIP" in page


def test_a_stay_ended_long_ago_is_not_shown(org, client):
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=False):
        episode = admit(org)
        episode_actions.do_exit(org.nurse, episode, "declined")
    log_in(client, SVEN)
    page = client.get(_overview(episode.individual)).content.decode()
    assert "Du är inte inlagd på sjukhus" in page


def test_a_protected_identity_sees_their_planning_without_any_address(org, client):
    episode = admit(org)
    episode.individual.protected_identity = True
    episode.individual.save()
    log_in(client, SVEN)
    page = client.get(_overview(episode.individual)).content.decode()
    assert "Medicinavdelning 1" in page
    for hidden in ("Testgatan", "43330"):
        assert hidden not in page
    access = client.get(reverse("portal:access", args=[episode.individual.public_id]))
    assert "Du har skyddade personuppgifter." in access.content.decode()


def test_the_plan_shows_what_matters_goals_actions_and_the_next_follow_up(org, client):
    sip = planned(org)
    log_in(client, SVEN)
    page = client.get(_overview(sip.individual)).content.decode()
    assert "Att få bo kvar hemma och gå till affären själv." in page
    assert "Klara sig hemma med stöd." in page
    assert "Läkemedelsgenomgång – Vårdcentralen Partille" in page
    follow_up = timezone.localdate() + dt.timedelta(days=30)
    from episodes.templatetags.samsyn_dates import sv_date

    assert sv_date(follow_up) in page
    pdf = client.get(reverse("portal:plan_pdf", args=[sip.individual.public_id, sip.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert CitizenRead.objects.filter(action="portal.plan_pdf", individual=sip.individual).exists()


def test_the_individual_writes_what_matters_to_them_and_it_reaches_the_sip(org, client):
    sip = planned(org)
    log_in(client, SVEN, "Sven Testsson")
    url = reverse("portal:own_words", args=[sip.individual.public_id, sip.public_id])
    response = client.post(url, {"text": "Att katten får bo kvar hos mig."})
    assert response.status_code == 302
    words = sip.own_words.get()
    assert words.text == "Att katten får bo kvar hos mig."
    assert words.written_by_name == "Sven Testsson" and not words.as_representative
    # Too long: the SIP module's limit, told at the field; nothing written.
    response = client.post(url, {"text": "x" * 4001})
    assert response.status_code == 400
    assert sip.own_words.count() == 1
    assert f'id="id_{sip.public_id}_text_error"' in response.content.decode()


def test_another_persons_sip_cannot_be_written_in(org, client):
    sip = planned(org)
    other = make_individual(org, STRANGER, given_name="Stina")
    log_in(client, STRANGER, "Stina Testsson")
    url = reverse("portal:own_words", args=[other.public_id, sip.public_id])
    assert client.post(url, {"text": "Hej"}).status_code == 404
    assert sip.own_words.count() == 0


def test_the_individual_asks_for_a_sip_and_their_health_centre_gets_it(org, client):
    individual = make_individual(org, SVEN)
    log_in(client, SVEN)
    url = reverse("portal:ask_sip", args=[individual.public_id])
    response = client.post(url, {"text": "Jag behöver hjälp hemma."})
    assert response.status_code == 302
    request = individual.sip_requests.get()
    assert [r.unit for r in request.recipients.all()] == [org.health_centre]
    page = client.get(_overview(individual)).content.decode()
    assert "Du bad om en SIP" in page
    # A second request while the first waits: told plainly, nothing more sent.
    again = client.post(url, {"text": ""})
    assert again.status_code == 400
    assert "Det finns redan en begäran om SIP som väntar på svar" in again.content.decode()
    assert individual.sip_requests.count() == 1


def test_the_written_summary_is_there_and_another_persons_is_not(org, client):
    from portal.models import DischargeSummary

    episode = admit(org)
    DischargeSummary.objects.create(
        episode=episode, number=1, data={}, pdf=b"%PDF-1.7 test", created_by=org.nurse
    )
    log_in(client, SVEN)
    page = client.get(_overview(episode.individual)).content.decode()
    url = reverse(
        "portal:citizen_summary_pdf", args=[episode.individual.public_id, episode.public_id, 1]
    )
    assert url in page
    assert client.get(url).content == b"%PDF-1.7 test"
    other = make_individual(org, STRANGER)
    log_in(client, STRANGER)
    wrong = reverse("portal:citizen_summary_pdf", args=[other.public_id, episode.public_id, 1])
    assert client.get(wrong).status_code == 404


def test_a_visitor_who_has_not_logged_in_goes_to_the_citizen_login(org, client):
    episode = admit(org)
    response = client.get(_overview(episode.individual))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:citizen_login"))


def test_an_open_survey_invitation_is_shown_until_the_code_is_used(org, client):
    from surveys import actions as survey_actions
    from surveys.models import Invitation

    version = survey_actions.save_questionnaire(
        None,
        "utskrivning",
        {
            "title": "Din utskrivning",
            "questions": [{"key": "trygg", "text": "Kände du dig trygg?", "kind": "text"}],
        },
    )
    today = timezone.localdate()
    survey_actions.create_plan(
        None,
        name="Utvärdering",
        questionnaire=version.questionnaire,
        baseline_start=today - dt.timedelta(days=10),
        baseline_end=today,
    )
    episode = admit(org)
    log_in(client, SVEN)
    assert "Svara på enkäten" not in client.get(_overview(episode.individual)).content.decode()
    survey_actions.create_invitation(org.nurse, episode.public_id)
    assert "Svara på enkäten" in client.get(_overview(episode.individual)).content.decode()
    Invitation.objects.update(opened_at=timezone.now())
    assert "Svara på enkäten" not in client.get(_overview(episode.individual)).content.decode()
