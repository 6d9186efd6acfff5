"""The reserve routine: each unit prints or downloads its active episodes with the next step
and the other parties' contacts (each patient's read logged), and a blank reserve form."""

import csv
import io

from django.core.management import call_command

from audit.models import AccessLog
from continuity.models import UnitContact
from episodes import actions
from organisations.models import Unit
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_units_list_shows_each_active_episode_with_its_next_step_and_contacts(org, client):
    UnitContact.objects.create(
        unit=org.home_health_care, phone="031-123 45 67", email="hsv@partille.example"
    )
    admit(org, identifier=TEST_IDENTIFIERS[0])
    ended = admit(org, identifier=TEST_IDENTIFIERS[1])
    actions.do_exit(org.nurse, ended, "death")
    client.force_login(org.needs_assessor)
    page = client.get(f"/reserv/{org.needs_assessment.public_id}/").content.decode()
    assert "Sven Testsson" in page
    assert "19410708-9981" in page and "19390222-9925" not in page  # ended: not on it
    assert "Pågående vårdtillfällen: <strong>1</strong>" in page
    assert "Hemsjukvård Partille" in page and "031-123 45 67" in page
    assert "Medicinavdelning 1, Sjukhuset Öst" in page


def test_printing_the_list_logs_one_read_per_patient_through_the_unit(org, client):
    first = admit(org, identifier=TEST_IDENTIFIERS[0])
    second = admit(org, identifier=TEST_IDENTIFIERS[1])
    client.force_login(org.needs_assessor)
    client.get(f"/reserv/{org.needs_assessment.public_id}/")
    rows = AccessLog.objects.filter(action="continuity.reserve_list", user=org.needs_assessor)
    assert sorted(r.episode_id for r in rows) == sorted([first.pk, second.pk])
    assert {r.unit_id for r in rows} == {org.needs_assessment.pk}


def test_the_csv_has_one_row_per_active_episode_and_is_logged(org, client):
    UnitContact.objects.create(unit=org.needs_assessment, phone="031-765 43 21")
    episode = admit(org, identifier=TEST_IDENTIFIERS[0])
    client.force_login(org.nurse)
    response = client.get(f"/reserv/{org.ward.public_id}/lista.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Personnummer", "Namn", "Avdelning"]
    [row] = lines[1:]
    assert row[0] == "19410708-9981" and row[1] == "Sven Testsson"
    assert "Biståndshandläggning Partille" in row[9] and "031-765 43 21" in row[9]
    assert AccessLog.objects.filter(
        action="continuity.reserve_csv", episode=episode, user=org.nurse
    ).exists()


def test_a_user_gets_no_list_of_a_unit_where_they_have_no_care_role(org, client):
    admit(org)
    client.force_login(org.outsider)
    assert client.get(f"/reserv/{org.needs_assessment.public_id}/").status_code == 404
    assert client.get(f"/reserv/{org.needs_assessment.public_id}/lista.csv").status_code == 404
    assert not AccessLog.objects.filter(action__startswith="continuity.").exists()


def test_the_reserve_page_links_each_of_the_users_units(org, client):
    client.force_login(org.needs_assessor)
    page = client.get("/reserv/").content.decode()
    assert f"/reserv/{org.needs_assessment.public_id}/" in page
    assert f"/reserv/{org.ward.public_id}/" not in page


def test_the_blank_reserve_form_has_every_message_kind_and_a_receipt(org, client):
    client.force_login(org.nurse)
    page = client.get("/reserv/blankett/").content.decode()
    for kind in ("Inskrivningsmeddelande", "Meddelande om utskrivningsklar", "Kallelse till SIP"):
        assert kind in page
    assert "Kvittens" in page


def test_the_demo_contacts_are_made_once_per_unit(org):
    call_command("seed_reserve_contacts", verbosity=0)
    call_command("seed_reserve_contacts", verbosity=0)
    assert UnitContact.objects.count() == Unit.objects.filter(is_active=True).count()
    assert UnitContact.objects.get(unit=org.ward).phone.startswith("031-390 06 ")
