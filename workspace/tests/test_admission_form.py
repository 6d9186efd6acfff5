"""The admission form of issue 10: a typo gets a message at the field, a new person gets units
proposed from the municipality and health centre chosen, and one identity-number field."""

from episodes.models import Episode
from tests.factories import TEST_IDENTIFIERS


def test_a_mistyped_number_in_a_link_gets_a_message_at_the_field_not_an_error_page(org, client):
    client.force_login(org.nurse)
    response = client.get("/inskrivning/ny/", {"identifier": "19121212-1213"})
    assert response.status_code == 400
    assert "Något gick fel" not in response.text
    assert response.context["form"].errors["identifier"]
    assert 'id="id_identifier_error"' in response.text


def test_a_letter_in_the_number_when_asking_for_proposals_is_refused_beside_the_field(org, client):
    client.force_login(org.nurse)
    response = client.post("/inskrivning/ny/", {"identifier": "19410708-99A1", "propose": "1"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"identifier"}
    assert not Episode.objects.exists()


def test_a_new_person_gets_units_proposed_from_the_chosen_municipality_and_health_centre(
    org, client
):
    client.force_login(org.nurse)
    response = client.post(
        "/inskrivning/ny/",
        {
            "identifier": TEST_IDENTIFIERS[4],
            "municipality_area": str(org.partille_area.public_id),
            "listed_unit": org.health_centre.pk,
            "propose": "1",
        },
    )
    assert response.status_code == 200
    proposed = {u.name for u in response.context["proposed"]}
    assert proposed == {
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }
    form = response.context["form"]
    assert not form.is_bound  # nothing is refused yet: it is a proposal
    assert set(map(int, form.initial["concerned_units"])) == {
        org.needs_assessment.pk,
        org.home_health_care.pk,
        org.health_centre.pk,
    }
    # The number is shown the way staff write it, in the one field there is.
    assert response.text.count('name="identifier"') == 1
    assert 'value="19500101-9982"' in response.text
    assert not Episode.objects.exists()


def test_the_units_are_grouped_by_municipality_and_lane_with_the_proposed_groups_open(org, client):
    client.force_login(org.nurse)
    response = client.post(
        "/inskrivning/ny/",
        {
            "identifier": TEST_IDENTIFIERS[4],
            "municipality_area": str(org.partille_area.public_id),
            "propose": "1",
        },
    )
    groups = response.context["form"].unit_groups()
    assert groups[0]["name"] == "Partille kommun"
    assert groups[0]["count"] == 2
    assert all(g["count"] == 0 for g in groups[1:])
    assert "<legend>Partille kommun – Socialtjänst</legend>" in response.text


def test_a_wrong_check_digit_on_registering_keeps_what_was_typed(org, client):
    client.force_login(org.nurse)
    response = client.post(
        "/inskrivning/ny/",
        {
            "identifier": "19410708-9982",
            "given_name": "Gun",
            "family_name": "Provsson",
            "ward": org.ward.pk,
            "admitted_at": "2026-01-01T10:00",
        },
    )
    assert response.status_code == 400
    assert "kontrollsiffran stämmer inte" in response.text
    assert 'value="Provsson"' in response.text
    assert "Rätta felen vid fälten" in response.text
