"""Both payment models against hand-computed histories."""

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import DailyRate, PaymentAgreement, PaymentModel
from indicators.payment import iter_lines, payment_month
from indicators.periods import Period
from indicators.tests.builders import history, pnr
from organisations.models import Principal, PrincipalKind


@pytest.fixture
def region(org):
    return Principal.objects.get(kind=PrincipalKind.REGION)


@pytest.fixture
def rate_2025(db):
    # No rate for 2025 is confirmed in the sources; a fictional one for the test.
    return DailyRate.objects.create(
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        amount=Decimal(10000),
        source="Testvärde",
    )


def test_the_loaded_configuration_has_the_vgr_model_and_the_known_rates(db):
    assert PaymentAgreement.in_force(dt.date(2025, 3, 31)).model == PaymentModel.VGR_AVERAGE
    assert PaymentAgreement.in_force(dt.date(2018, 9, 24)).model == PaymentModel.LAW_DEFAULT
    assert DailyRate.in_force(dt.date(2019, 6, 1)).amount == 7800
    assert DailyRate.in_force(dt.date(2020, 6, 1)).amount == 8200
    assert DailyRate.in_force(dt.date(2022, 6, 1)).amount == 9300
    assert DailyRate.in_force(dt.date(2021, 6, 1)) is None  # not found in the sources


def test_vgr_average_pools_the_municipalitys_episodes_and_bills_long_waits_individually(
    march, org, region, rate_2025
):
    """March 2025, Partille (see conftest.march):
    pooled (preconditions met, ≤ 7 days): E1 0, E2 2 (SIP invited 3 days after the re-sent
    notice), E7 4 (notice late but sent), E8 0 → 4 episodes, 6 days, mean 1.5.
    individual: E12 9 days → 9 − 3 = 6 days × 10 000 kr = 60 000 kr (nights of 03-06..03-11).
    not counted: E3 (SIP needed, invited after discharge and 4 days after the notice),
    E5 (no ready notice), E6 (no admission notice: the first unmet precondition is the one
    given, though its SIP was never called either). E11 lives in Öckerö.
    Quarter 1: only March has discharges → 6 days / 4 = 1.5 ≤ 3.0: no excess.
    """
    month = payment_month(org.partille_area.municipality, dt.date(2025, 3, 1), region)
    assert month.agreement.model == PaymentModel.VGR_AVERAGE
    assert (month.pool_episodes, month.pool_days) == (4, 6)
    assert month.monthly_mean == pytest.approx(1.5)
    status = {line.episode_id: line.status for line in month.lines}
    assert status[str(march.e2.public_id)] == "pooled"
    assert status[str(march.e3.public_id)] == "sip_not_invited"
    assert status[str(march.e5.public_id)] == "no_ready_notice"
    assert status[str(march.e6.public_id)] == "no_admission_notice"
    assert status[str(march.e12.public_id)] == "individual"
    assert str(march.e11.public_id) not in status
    [billed] = month.billed_lines
    assert (billed.billable_days, billed.amount) == (6, Decimal(60000))
    assert (month.quarter.episodes, month.quarter.ready_days, month.quarter.excess_days) == (
        4,
        6,
        0,
    )
    assert month.total_amount == Decimal(60000)
    assert "genomsnitt" in next(line for line in month.lines if line.status == "pooled").reason


def test_vgr_quarter_above_the_limit_bills_the_excess_days(org, region, rate_2025):
    """Q2 2025: 5, 6 and 7 ready days and one same-day discharge, all with notices:
    18 days over 4 episodes = 4.5 > 3.0 → excess 18 − 3.0 × 4 = 6 days × 10 000 kr."""
    for n, (ready, out) in enumerate(
        [
            ("2025-04-01 10:00", "2025-04-06 10:00"),
            ("2025-05-01 10:00", "2025-05-07 10:00"),
            ("2025-06-01 10:00", "2025-06-08 10:00"),
            ("2025-06-10 10:00", "2025-06-10 18:00"),
        ]
    ):
        history(
            org,
            pnr(40 + n),
            admitted=ready[:10] + " 08:00",
            notice=ready[:10] + " 09:00",
            ready=[ready],
            discharged=out,
        )
    partille = org.partille_area.municipality
    april = payment_month(partille, dt.date(2025, 4, 1), region)
    assert april.monthly_mean == pytest.approx(5.0) and april.quarter is None
    june = payment_month(partille, dt.date(2025, 6, 1), region)
    assert (june.pool_episodes, june.pool_days) == (2, 7)
    assert (june.quarter.episodes, june.quarter.ready_days) == (4, 18)
    assert june.quarter.excess_days == Decimal(6)
    assert june.quarter.amount == Decimal(60000)
    assert june.total_amount == Decimal(60000)


def test_law_default_bills_each_night_after_day_two_at_the_rate_of_its_date(org, region):
    """Ready 2019-12-28, out 2020-01-03: 6 ready days, 3 billable (nights from 12-31, 01-01,
    01-02): 7 800 (2019) + 2 × 8 200 (2020) = 24 200 kr. Out on day 3: 0 billable days."""
    PaymentAgreement.objects.create(
        region=region,
        model=PaymentModel.LAW_DEFAULT,
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    history(
        org,
        pnr(50),
        admitted="2019-12-27 08:00",
        notice="2019-12-27 09:00",
        ready=["2019-12-28 10:00"],
        discharged="2020-01-03 10:00",
    )
    history(
        org,
        pnr(51),
        admitted="2019-12-27 08:00",
        notice="2019-12-27 09:00",
        ready=["2019-12-29 10:00"],
        discharged="2020-01-01 12:00",
    )
    month = payment_month(org.partille_area.municipality, dt.date(2020, 1, 1), region)
    assert month.agreement.model == PaymentModel.LAW_DEFAULT
    lines = sorted(month.lines, key=lambda line: -line.ready_days)
    assert [(line.ready_days, line.billable_days, line.status) for line in lines] == [
        (6, 3, "billed"),
        (3, 0, "free"),
    ]
    assert lines[0].amount == Decimal(24200)
    assert month.total_amount == Decimal(24200)


def test_a_missing_daily_rate_is_reported_not_guessed(org, region):
    """2021 has no confirmed rate: the amount is unknown and the days without rate are named."""
    PaymentAgreement.objects.create(
        region=region,
        model=PaymentModel.LAW_DEFAULT,
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2021, 12, 31),
    )
    history(
        org,
        pnr(52),
        admitted="2021-03-01 08:00",
        notice="2021-03-01 09:00",
        ready=["2021-03-02 10:00"],
        discharged="2021-03-07 10:00",
    )
    month = payment_month(org.partille_area.municipality, dt.date(2021, 3, 1), region)
    assert month.billed_lines[0].amount is None
    assert month.missing_rate_days == [dt.date(2021, 3, 5), dt.date(2021, 3, 6)]
    assert month.total_amount is None
    assert "saknas" in month.billed_lines[0].reason


def test_compulsory_care_has_no_payment_clock(org, region, rate_2025):
    history(
        org,
        pnr(53),
        admitted="2025-05-01 08:00",
        notice="2025-05-01 09:00",
        ready=["2025-05-02 10:00"],
        discharged="2025-05-20 10:00",
        compulsory=True,
    )
    month = payment_month(org.partille_area.municipality, dt.date(2025, 5, 1), region)
    assert [line.status for line in month.lines] == ["compulsory_care"]
    assert month.total_amount == 0


def test_the_export_stream_has_the_same_lines_as_the_page(march, org, region, rate_2025):
    partille = org.partille_area.municipality
    streamed = [
        line
        for _, _, line in iter_lines(
            partille, Period.custom(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
        )
    ]
    page = payment_month(partille, dt.date(2025, 3, 1), region).lines
    assert [(x.episode_id, x.status, x.amount) for x in streamed] == [
        (x.episode_id, x.status, x.amount) for x in page
    ]


def _discharges(org, count: int, start: int, day: int = 3) -> None:
    """`count` Partille residents billed 2 nights each (ready 03-`day`, out five days later)."""
    for n in range(count):
        history(
            org,
            pnr(start + n),
            admitted=f"2025-03-{day:02d} 08:00",
            notice=f"2025-03-{day:02d} 09:00",
            ready=[f"2025-03-{day:02d} 10:00"],
            discharged=f"2025-03-{day + 5:02d} {10 + n % 10}:00",
        )


def test_the_payment_page_shows_one_page_of_episodes_and_the_totals_of_all(
    org, client, monkeypatch
):
    """Five billed episodes, two a page: every page shows the month's totals (10 nights,
    50 000 kr, under the law's model), its own lines, and a pager; a page past the end shows
    the last one. Reading a page costs the same number of queries whatever the month holds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators import views

    monkeypatch.setattr(views, "PAYMENT_PAGE_SIZE", 2)
    client.force_login(org.manager)
    manager_client = client
    PaymentAgreement.objects.create(
        model=PaymentModel.LAW_DEFAULT, valid_from=dt.date(2025, 1, 1), valid_to=None
    )
    DailyRate.objects.create(valid_from=dt.date(2025, 1, 1), amount=Decimal(5000), source="Test")
    partille = org.partille_area.municipality
    params = {"municipality": str(partille.public_id), "month": "2025-03"}

    def queries(**extra) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get("/statistik/betalningsansvar/", {**params, **extra})
        assert response.status_code == 200
        return len(captured)

    _discharges(org, 1, start=60)
    one = queries()
    _discharges(org, 4, start=70, day=4)
    assert queries() == one
    region = Principal.objects.get(kind=PrincipalKind.REGION)
    pages = [
        manager_client.get(
            "/statistik/betalningsansvar/",
            {**params, "region": str(region.public_id), "sida": sida},
        ).content.decode()
        for sida in ("1", "2", "3", "9")
    ]
    month = payment_month(partille, dt.date(2025, 3, 1), region)
    order = [line.episode_id for line in month.lines]
    assert len(order) == 5 and month.individual_days == 10
    for number, text in enumerate(pages[:3]):
        assert "50\xa0000 kr" in text or "50 000 kr" in text
        assert f"Sida {number + 1} av 3" in text
        shown = [episode for episode in order if episode in text]
        assert shown == order[number * 2 : number * 2 + 2]
    assert "Vårdtillfälle 1–2 av 5" in pages[0] and "Nästa sida" in pages[0]
    assert "Föregående sida" not in pages[0]
    assert "Vårdtillfälle 5–5 av 5" in pages[2] and "Nästa sida" not in pages[2]
    assert pages[3].count("<tr>") == pages[2].count("<tr>")  # past the end: the last page
    # Without a page asked for, the totals alone (no lines) for the summary files.
    summary = payment_month(partille, dt.date(2025, 3, 1), region, lines=slice(0, 0))
    assert summary.lines == [] and summary.episodes == 5
    assert (summary.individual_days, summary.total_amount) == (10, Decimal(50000))
