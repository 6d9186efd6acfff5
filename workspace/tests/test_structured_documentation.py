"""The planning message and the care request under the work description's headings: status,
what the individual wants, remaining needs, planned actions per lane; the receiving unit
reads the same headings."""

from episodes.models import Message
from tests.factories import admit


def test_a_planning_message_carries_the_actions_of_each_lane_under_its_heading(org, client):
    episode = admit(org)
    client.force_login(org.needs_assessor)
    response = client.post(
        f"/vardtillfallen/{episode.public_id}/steg/send_planning_message/",
        {
            "status": "Bor ensam i villa.",
            "wishes": "Vill hem så snart som möjligt.",
            "remaining_needs": "Hjälp med dusch.",
            "actions_social_services": "Hemtjänst morgon och kväll.",
            "actions_municipal_health_care": "Såromläggning två gånger i veckan.",
        },
    )
    assert response.status_code == 302
    message = Message.objects.filter(episode=episode, kind="planning").first()
    assert message.data["planned_actions"] == (
        "Kommunal hälso- och sjukvård:\nSåromläggning två gånger i veckan."
        "\n\nSocialtjänst:\nHemtjänst morgon och kväll."
    )
    assert message.data["status"] == (
        "Status:\nBor ensam i villa.\n\nVad den enskilde vill:\nVill hem så snart som möjligt."
    )
    client.force_login(org.gp_nurse)
    shown = client.get(f"/meddelanden/{message.public_id}/").content.decode()
    assert "Socialtjänst:<br>Hemtjänst morgon och kväll." in shown


def test_a_care_request_names_status_wishes_and_needs_under_headings(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    response = client.post(
        f"/vardtillfallen/{episode.public_id}/steg/send_care_request/",
        {
            "unit": org.home_health_care.pk,
            "status": "Mobiliseras med rollator.",
            "needs": "Insulin morgon och kväll.",
        },
    )
    assert response.status_code == 302
    request = Message.objects.get(episode=episode, kind="care_request")
    assert request.body == (
        "Status:\nMobiliseras med rollator.\n\nInsatser som behövs efter utskrivningen:\n"
        "Insulin morgon och kväll."
    )


def test_a_care_request_without_the_needs_is_refused_at_that_field(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    response = client.post(
        f"/vardtillfallen/{episode.public_id}/steg/send_care_request/",
        {"unit": org.home_health_care.pk, "status": "Mobiliseras med rollator."},
    )
    assert response.status_code == 400
    [form] = [f["form"] for f in response.context["forms"] if f["step"] == "send_care_request"]
    assert form.errors["needs"]
    assert 'id="send_care_request-needs_error"' in response.text
