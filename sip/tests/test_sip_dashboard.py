"""The SIP figures as a section of the statistics dashboard and its CSV and Excel files, with
the dashboard's filters, checked against the hand-computed cases of test_sip_statistics:

March–April 2026: SIPs drawn up 2 (SIP 1 in March by the region, SIP 3 in April by Partille;
the follow-ups' versions are not new SIPs); offered 3, of which at discharge (in a stay) 1;
invitations 2, of which 1 in a stay with the work description's deadline (ready notice
2 March, due three days later), sent 4 March: on time, 1/1 = 100 %. Who invites: the region's
health centre 1, Partille's needs assessment 1. Only SIP 1's individual lives in Partille
municipality; nobody from Öckerö takes part in any of them.
"""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sip.statistics import sip_statistics
from sip.tests.test_sip_statistics import cases  # noqa: F401  (the fixture)

PERIOD = {"period": "custom", "from": "2026-03-01", "to": "2026-04-30"}


@pytest.fixture
def manager(client, cases):  # noqa: F811
    client.force_login(cases.manager)
    return client


def test_the_new_figures_are_the_hand_computed_ones(cases):  # noqa: F811
    _rows, total = sip_statistics(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert (total.drawn_up, total.offered, total.offered_in_stay) == (2, 3, 1)
    assert (total.invited, total.invited_with_deadline, total.invited_on_time) == (2, 1, 1)
    assert total.share_invited_on_time == 1.0


def test_the_dashboard_shows_the_sip_section_with_its_filters(cases, manager):  # noqa: F811
    org = cases
    page = manager.get("/statistik/", PERIOD).content.decode()
    assert "SIP – samordnad individuell plan" in page
    section = page[page.index('id="section-sip"') :]
    section = section[: section.index("</section>")]
    assert '<th scope="row">Upprättade SIP</th><td>2</td>' in section
    assert '<th scope="row">Erbjudna vid utskrivning (under vårdtillfälle)</th><td>1</td>' in (
        section
    )
    assert "Kallelse inom tre dagar från utskrivningsklar</th><td>–</td><td>100 %</td>" in section
    assert f'<th scope="row">{org.health_centre.name}</th><td>1</td>' in section
    assert f'<th scope="row">{org.needs_assessment.name}</th><td>1</td>' in section

    partille = manager.get(
        "/statistik/", {**PERIOD, "municipality": str(org.partille_area.municipality.public_id)}
    ).content.decode()
    partille = partille[partille.index('id="section-sip"') :]
    assert '<th scope="row">Upprättade SIP</th><td>1</td>' in partille

    ockero = manager.get(
        "/statistik/", {**PERIOD, "unit": str(org.unrelated_needs_assessment.public_id)}
    ).content.decode()
    ockero = ockero[ockero.index('id="section-sip"') :]
    assert '<th scope="row">Upprättade SIP</th><td>0</td>' in ockero


def test_the_csv_and_excel_files_carry_the_section(cases, manager):  # noqa: F811
    response = manager.get("/statistik/export.csv", PERIOD)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "SIP – samordnad individuell plan" in text
    assert "Upprättade SIP;2;–" in text
    assert "Kallelse inom tre dagar från utskrivningsklar;–;100 %" in text
    workbook = load_workbook(io.BytesIO(b"".join(manager.get("/statistik/export.xlsx", PERIOD))))
    sheet = workbook["SIP"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Upprättade SIP"][0] == 2
    assert values["Kallelse inom tre dagar från utskrivningsklar"][1] == 1.0
    definitions = workbook["Definitioner"]
    assert any(
        row[0] == "SIP – samordnad individuell plan"
        for row in definitions.iter_rows(values_only=True)
    )


def test_the_statistics_api_takes_the_dashboards_filters(cases, manager):  # noqa: F811
    org = cases
    base = "/api/sip/statistics?start=2026-03-01&end=2026-04-30"
    everything = manager.get(base).json()["total"]
    assert (everything["drawn_up"], everything["share_invited_on_time"]) == (2, 1.0)
    partille = manager.get(
        f"{base}&municipality={org.partille_area.municipality.public_id}"
    ).json()["total"]
    assert partille["drawn_up"] == 1
    ockero = manager.get(f"{base}&unit={org.unrelated_needs_assessment.public_id}").json()
    assert ockero["total"]["offered"] == 0
    unknown = manager.get(f"{base}&unit=00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "unit"
