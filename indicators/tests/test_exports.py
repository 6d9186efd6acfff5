"""CSV and Excel files: the figures, the definitions and the filters used, streamed."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators.models import DailyRate


@pytest.fixture
def manager_client(client, org):
    client.force_login(org.manager)
    return client


def test_the_csv_has_filters_definitions_and_swedish_numbers(march, org, manager_client):
    response = manager_client.get(
        "/statistik/export.csv",
        {
            "period": "month",
            "month": "2025-03",
            "municipality": str(org.partille_area.municipality.public_id),
        },
    )
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Folkbokföringskommun;Partille kommun" in text
    assert "Utskrivningsklara dagar (VGR);4,0 dagar;28;7;" in text
    assert "Utskrivning samma dag räknas som 0 dagar" in text
    assert "Trend per månad" in text


def test_the_excel_file_has_the_figures_as_numbers(march, org, manager_client):
    response = manager_client.get(
        "/statistik/export.xlsx",
        {
            "period": "quarter",
            "quarter": "2025-Q1",
            "municipality": str(org.partille_area.municipality.public_id),
        },
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = {row[0]: row for row in workbook["Indikatorer"].iter_rows(values_only=True)}
    # Q1 2025 in Partille = the March discharges (nothing discharged in January/February).
    assert rows["Utskrivningsklara dagar (VGR)"][1] == pytest.approx(4.0)
    assert rows["Kallelse till SIP i tid"][1] == pytest.approx(1 / 3)
    assert ("Folkbokföringskommun", "Partille kommun") in {
        r[:2] for r in workbook["Filter"].iter_rows(values_only=True)
    }
    # The heading, the indicators, and the registered sections (SIP: sip.dashboard).
    assert workbook["Definitioner"].max_row == 13


def test_the_payment_export_lists_every_episode_of_the_range(march, org, manager_client):
    DailyRate.objects.create(
        valid_from=dt.date(2025, 1, 1), amount=Decimal(10000), source="Testvärde"
    )
    params = {
        "municipality": str(org.partille_area.municipality.public_id),
        "from": "2025-02",
        "to": "2025-04",
    }
    response = manager_client.get("/statistik/betalningsansvar/export.csv", params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    # March: E1, E2, E7, E8 pooled and E12 individual; April: E9 pooled (conftest.march).
    assert text.count(";individual;") == 1 and text.count(";pooled;") == 5
    assert ";60000;" in text or ";60000\r\n" in text
    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                manager_client.get(
                    "/statistik/betalningsansvar/export.xlsx", params
                ).streaming_content
            )
        )
    )
    lines = list(workbook["Vårdtillfällen"].iter_rows(values_only=True))
    assert len(lines) == 1 + 8 + 1  # header, March's 8 Partille discharges, April's E9


def test_an_export_without_a_municipality_is_refused(org, manager_client):
    response = manager_client.get("/statistik/betalningsansvar/export.csv", {"from": "2025-03"})
    assert response.status_code == 400
    assert "Välj kommun." in response.content.decode()
