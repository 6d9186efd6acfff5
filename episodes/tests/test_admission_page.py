from episodes.models import Episode
from tests.factories import TEST_IDENTIFIERS, make_individual


def test_looking_up_a_known_person_proposes_the_units_concerned(org, client):
    make_individual(org)
    client.force_login(org.nurse)
    response = client.get("/inskrivning/ny/", {"identifier": "4107089981"})
    proposed = {u.name for u in response.context["proposed"]}
    assert proposed == {
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }


def test_an_invalid_personnummer_is_refused_with_the_reason(org, client):
    client.force_login(org.nurse)
    response = client.post(
        "/inskrivning/ny/",
        {
            "identifier": "19410708-9982",
            "given_name": "A",
            "family_name": "B",
            "ward": org.ward.pk,
            "admitted_at": "2026-01-01T10:00",
        },
    )
    assert response.status_code == 400
    assert "kontrollsiffran stämmer inte" in response.text
    assert not Episode.objects.exists()


def test_a_new_person_is_admitted_with_the_chosen_units_and_the_notice_sent(org, client):
    from django.utils import timezone

    client.force_login(org.nurse)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/inskrivning/ny/",
        {
            "identifier": TEST_IDENTIFIERS[3],
            "given_name": "Gun",
            "family_name": "Provsson",
            "municipality_area": str(org.partille_area.public_id),
            "listed_unit": org.health_centre.pk,
            "ward": org.ward.pk,
            "admitted_at": now,
            "may_need_help": "on",
            "estimated_discharge_date": timezone.localdate().isoformat(),
            "concerned_units": [org.needs_assessment.pk, org.health_centre.pk],
            "send_admission_notice": "on",
        },
    )
    assert response.status_code == 302
    episode = Episode.objects.get()
    assert episode.admission_notice_sent_at is not None
    assert episode.messages.count() == 2
    assert episode.individual.municipality == org.partille_area.municipality


def test_only_wards_register_admissions(org, client):
    client.force_login(org.needs_assessor)
    assert client.get("/inskrivning/ny/").status_code == 302
