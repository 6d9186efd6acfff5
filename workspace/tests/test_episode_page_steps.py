"""The episode page of issue 10: what I can do now first, one id per field, confirmation for
steps that cannot be undone, no preselected answer, message rows as links."""

import re
from collections import Counter

from episodes.models import Episode
from tests.factories import admit


def test_what_i_can_do_now_comes_before_the_lanes_and_the_timeline(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    html = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert html.index("Vad jag kan göra nu") < html.index("Parterna och arbetsbeskrivningen")
    assert html.index("Vad jag kan göra nu") < html.index('id="timeline"')


def test_every_id_on_the_episode_page_is_unique_and_every_label_has_its_field(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    html = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert ids[target] == 1, target


def test_a_discharge_asks_for_confirmation_and_only_the_confirmation_discharges(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    url = f"/vardtillfallen/{episode.public_id}/steg/discharge/"
    first = client.post(url, {"destination": "home_with_support"})
    assert first.status_code == 200
    assert "Bekräfta: Utskrivning" in first.text
    assert Episode.objects.get(pk=episode.pk).state == "admitted"
    confirmed = client.post(url, {"destination": "home_with_support", "confirmed": "yes"})
    assert confirmed.status_code == 302
    assert confirmed["Location"].endswith("#actions")
    episode.refresh_from_db()
    assert episode.state == "discharged" and episode.discharge_destination == "home_with_support"


def test_discharge_and_exit_have_no_preselected_answer(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    html = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    for field in ("discharge-destination", "exit-reason"):
        select = re.search(rf'<select[^>]*id="{field}".*?</select>', html, re.S).group(0)
        assert '<option value="" selected>' in select
    response = client.post(f"/vardtillfallen/{episode.public_id}/steg/exit/", {"confirmed": "yes"})
    assert response.status_code == 400
    assert "Välj varför processen avbryts." in response.text
    assert Episode.objects.get(pk=episode.pk).state == "admitted"


def test_the_free_message_form_does_not_offer_ones_own_unit(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    response = client.get(f"/vardtillfallen/{episode.public_id}/")
    form = next(f["form"] for f in response.context["forms"] if f["step"] == "send_free_message")
    offered = set(form.fields["units"].queryset)
    assert org.ward not in offered
    assert org.needs_assessment in offered


def test_the_episodes_messages_are_links_to_each_message(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    html = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    for message in episode.messages.all():
        assert f'href="/meddelanden/{message.public_id}/"' in html


def test_the_most_pressing_step_comes_first_and_open(org, client):
    episode = admit(org, send_notice=False)
    client.force_login(org.nurse)
    forms = client.get(f"/vardtillfallen/{episode.public_id}/").context["forms"]
    assert forms[0]["step"] == "send_admission_notice" and forms[0]["open"]
    assert not any(f["open"] for f in forms[1:])


def test_a_revocation_is_confirmed_and_then_told_in_plain_words(org, client):
    from episodes import actions

    episode = admit(org)
    actions.do_send_ready_notice(org.physician, episode)
    client.force_login(org.physician)
    url = f"/vardtillfallen/{episode.public_id}/steg/revoke_ready_notice/"
    asked = client.post(url, {"reason": "Feber i natt."})
    assert "Bekräfta: Återta utskrivningsklar" in asked.text
    assert Episode.objects.get(pk=episode.pk).state == "ready"
    done = client.post(url, {"reason": "Feber i natt.", "confirmed": "yes"}, follow=True)
    assert "Utskrivningsklar är återtagen. Berörda enheter har fått besked." in done.text
    assert "Klart: Återta" not in done.text
    assert Episode.objects.get(pk=episode.pk).state == "admitted"


def test_the_ward_is_offered_the_survey_invitation_and_the_municipality_is_not(org, client):
    from tests.factories import admit

    episode = admit(org)
    client.force_login(org.nurse)
    assert "/enkat/inbjudan/" in client.get(f"/vardtillfallen/{episode.public_id}/").text
    client.force_login(org.needs_assessor)
    assert "/enkat/inbjudan/" not in client.get(f"/vardtillfallen/{episode.public_id}/").text
