"""The statistics pages: who may see them, filters, honest refusals and empty states."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessLog
from episodes import actions
from organisations.models import Area, Membership, Role
from tests.factories import TEST_IDENTIFIERS, admit, make_user


@pytest.fixture
def manager_client(client, org):
    client.force_login(org.manager)
    return client


def march_query(org, **extra):
    return {
        "period": "month",
        "month": "2025-03",
        "municipality": str(org.partille_area.municipality.public_id),
        **extra,
    }


def test_a_manager_sees_the_figures_with_their_definitions(march, org, manager_client):
    response = manager_client.get("/statistik/", march_query(org))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Urval: mars 2025" in text
    assert "4,0 dagar" in text  # VGR mean (conftest.march)
    assert "5,6 dagar" in text  # SKR mean
    assert "Utskrivning samma dag räknas som 0 dagar" in text
    assert "Föregående (februari 2025)" in text and "Förra året (mars 2024)" in text
    assert (
        '<svg id="chart-ready_days_vgr"' in text
        and "Tabell: Utskrivningsklara dagar (VGR) per månad" in text
    )


def test_a_quarter_and_a_custom_range_can_be_chosen(march, org, manager_client):
    quarter = manager_client.get("/statistik/", {"period": "quarter", "quarter": "2025-Q1"})
    assert "Urval: kvartal 1 2025" in quarter.content.decode()
    custom = manager_client.get(
        "/statistik/", {"period": "custom", "from": "2025-03-01", "to": "2025-03-15"}
    )
    assert "Urval: 2025-03-01–2025-03-15" in custom.content.decode()


def test_a_nurse_without_a_statistics_role_is_refused(org, client):
    client.force_login(org.nurse)
    assert client.get("/statistik/").status_code == 403


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"period": "custom", "from": "2025-03-31", "to": "2025-03-01"},
            "Periodens slut ligger före dess början.",
        ),
        ({"period": "custom", "from": "2000-01-01", "to": "2049-12-31"}, "Perioden är för lång"),
        ({"unit": "7c1f2b9e-0000-4000-8000-000000000000"}, "Okänd enhet."),
        ({"area": "not-a-uuid"}, "Okänt område."),
        ({"lane": "cardiology"}, "Okänd simbana."),
        ({"period": "month", "month": "2025-13"}, "utanför det tillåtna"),
    ],
)
def test_bad_input_gets_a_swedish_message_not_an_error_page(org, manager_client, params, message):
    response = manager_client.get("/statistik/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_filter_with_no_data_shows_an_honest_empty_state(march, org, manager_client):
    response = manager_client.get(
        "/statistik/", march_query(org, unit=str(org.other_ward.public_id))
    )
    assert response.status_code == 200
    assert "Inga vårdtillfällen i det här urvalet" in response.content.decode()


def test_a_units_page_compares_it_with_its_area_and_the_whole_region(march, org, manager_client):
    response = manager_client.get(
        f"/statistik/enhet/{org.needs_assessment.public_id}/",
        {"period": "month", "month": "2025-03"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Område Partille" in text and "Hela Göteborgsområdet" in text
    assert "33 / 8" in text  # the whole region's VGR ready days include Öckerö's E11


def test_drilldown_is_refused_to_a_manager_without_a_care_role(march, org, manager_client):
    response = manager_client.get("/statistik/underlag/ready_days_vgr/", march_query(org))
    assert response.status_code == 403
    assert "Du kan se siffrorna men inte de enskilda vårdtillfällena" in response.content.decode()
    assert AccessLog.objects.filter(
        user=org.manager, action="statistics.drilldown", granted=False
    ).exists()


def test_drilldown_shows_only_the_episodes_the_user_may_read_and_logs_each(org, client):
    """Two recent discharges: one of a Partille resident (Partille's needs assessment takes
    part), one of an Öckerö resident (it does not). The leader works at Partille."""
    leader = make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)
    Membership.objects.create(user=leader, unit=org.needs_assessment, role=Role.NEEDS_ASSESSOR)
    now = timezone.now()
    mine = admit(org, identifier=TEST_IDENTIFIERS[0], admitted_at=now - dt.timedelta(days=3))
    ockero = Area.objects.get(name="Öckerö")
    from tests.factories import make_individual

    make_individual(
        org,
        TEST_IDENTIFIERS[1],
        municipality=ockero.municipality,
        residence_area=ockero,
        listed_unit=None,
    )
    theirs = admit(org, identifier=TEST_IDENTIFIERS[1], admitted_at=now - dt.timedelta(days=3))
    for episode in (mine, theirs):
        actions.do_discharge(org.nurse, episode, "home", discharged_at=now - dt.timedelta(hours=1))
    client.force_login(leader)
    today = timezone.localdate()
    response = client.get(
        "/statistik/underlag/discharges/",
        {
            "period": "custom",
            "from": (today - dt.timedelta(days=2)).isoformat(),
            "to": today.isoformat(),
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "2 vårdtillfällen ligger bakom siffran" in text
    assert "Sven Testsson" in text and text.count("/vardtillfallen/") == 1
    assert "Du ser de 1 som dina enheter deltar i; 1 visas inte" in text
    assert (
        AccessLog.objects.filter(user=leader, action="statistics.drilldown", episode=mine).count()
        == 1
    )
    assert not AccessLog.objects.filter(user=leader, episode=theirs).exists()


def test_drilldown_for_a_unit_the_user_does_not_work_at_is_refused(org, client):
    leader = make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)
    Membership.objects.create(user=leader, unit=org.needs_assessment, role=Role.NEEDS_ASSESSOR)
    client.force_login(leader)
    response = client.get(
        "/statistik/underlag/discharges/", {"unit": str(org.unrelated_needs_assessment.public_id)}
    )
    assert response.status_code == 403
    # the aggregate for that unit is still allowed by role
    assert (
        client.get(
            "/statistik/", {"unit": str(org.unrelated_needs_assessment.public_id)}
        ).status_code
        == 200
    )


def test_the_payment_page_explains_each_episode(march, org, manager_client):
    from decimal import Decimal

    from indicators.models import DailyRate

    DailyRate.objects.create(
        valid_from=dt.date(2025, 1, 1), amount=Decimal(10000), source="Testvärde"
    )
    response = manager_client.get(
        "/statistik/betalningsansvar/",
        {"municipality": str(org.partille_area.municipality.public_id), "month": "2025-03"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "1,50 dagar (6 dagar / 4 vårdtillfällen)" in text
    assert "SIP behövdes men kallelse skickades inte i tid" in text
    assert "Inget gällande meddelande om utskrivningsklar" in text
    assert "60" in text and "000 kr" in text
    assert AccessLog.objects.filter(user=org.manager, action="statistics.payment").exists()


def test_the_payment_page_says_when_a_rate_is_missing(march, org, manager_client):
    response = manager_client.get(
        "/statistik/betalningsansvar/",
        {"municipality": str(org.partille_area.municipality.public_id), "month": "2025-03"},
    )
    assert "Kan inte beräknas: dygnskostnad saknas för" in response.content.decode()


def test_the_menu_offers_the_statistics_only_to_those_who_may_see_them(org, client):
    client.force_login(org.nurse)
    assert 'href="/statistik/"' not in client.get("/").content.decode()
    client.force_login(org.manager)
    assert 'href="/statistik/"' in client.get("/").content.decode()
