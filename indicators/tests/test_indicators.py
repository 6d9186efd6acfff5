"""Every indicator against the hand-computed March 2025 history (see conftest.march)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.timerules import due_at
from episodes import actions
from indicators.filters import Filters
from indicators.periods import Period
from indicators.queries import compute, trend
from indicators.tests.builders import t
from tests.factories import admit

MARCH = Period.month(2025, 3)


@pytest.fixture
def partille(org):
    return Filters(municipality=org.partille_area.municipality)


def values(figures):
    return {key: figure.value for key, figure in figures.items()}


def test_ready_days_follow_the_vgr_and_the_national_definition(march, partille):
    figures = compute(partille, MARCH)
    assert figures["discharges"].value == 8
    assert (figures["ready_days_vgr"].numerator, figures["ready_days_vgr"].denominator) == (28, 7)
    assert figures["ready_days_vgr"].value == pytest.approx(4.0)
    assert (figures["ready_days_skr"].numerator, figures["ready_days_skr"].denominator) == (28, 5)
    assert figures["ready_days_skr"].value == pytest.approx(5.6)
    assert figures["same_day_discharge"].value == pytest.approx(2 / 7)


def test_a_discharge_after_midnight_on_the_last_evening_counts_in_the_next_month(march, partille):
    april = compute(partille, Period.month(2025, 4))
    # E9: ready 03-31, out 04-01 00:30 local = 1 day, and the only April discharge.
    assert april["discharges"].value == 1
    assert april["ready_days_vgr"].value == pytest.approx(1.0)


def test_planned_date_moves_count_a_move_back_but_not_the_same_date_again(march, partille):
    figure = compute(partille, MARCH)["planned_date_moves"]
    assert (figure.numerator, figure.denominator) == (3, 8)


def test_sip_offered_and_on_time_are_shares_of_episodes_needing_sip(march, partille):
    figures = compute(partille, MARCH)
    assert (figures["sip_offered"].numerator, figures["sip_offered"].denominator) == (2, 3)
    assert (figures["sip_on_time"].numerator, figures["sip_on_time"].denominator) == (1, 3)


def test_readmission_is_a_share_of_the_months_discharges(march, partille):
    figure = compute(partille, MARCH)["readmission_30"]
    assert (figure.numerator, figure.denominator) == (1, 8)


def test_admission_notices_on_time_are_measured_from_the_help_need_judgement(march, partille):
    figures = compute(partille, MARCH)
    assert figures["admissions"].value == 7
    figure = figures["admission_notice_on_time"]
    assert (figure.numerator, figure.denominator) == (4, 6)


def test_the_dst_admission_agrees_with_the_one_deadline_function(march):
    deadline = due_at(march.e8.help_assessed_at, 24, "hours")
    assert deadline == t("2025-03-30 11:00")
    assert march.e8.admission_notice_sent_at <= deadline


def test_time_to_acknowledge_is_the_mean_over_acknowledged_notices(march, partille):
    figure = compute(partille, MARCH)["acknowledgement_hours"]
    assert figure.value == pytest.approx(4.0)
    assert figure.denominator == 3
    assert "1 ännu inte kvitterade" in figure.note


def test_a_unit_sees_its_own_acknowledgements(march, org):
    figure = compute(Filters(unit=org.needs_assessment), MARCH)["acknowledgement_hours"]
    assert figure.value == pytest.approx(4.0)  # (2 + 6) / 2
    assert figure.denominator == 2


def test_without_a_municipality_filter_the_other_municipality_counts_too(march):
    figures = compute(Filters(), MARCH)
    # E11 (Öckerö) adds 5 ready days: 33 over 8 episodes with a ready notice.
    assert (figures["ready_days_vgr"].numerator, figures["ready_days_vgr"].denominator) == (33, 8)
    assert figures["discharges"].value == 9


def test_a_filter_with_no_data_gives_empty_figures_not_errors(march, org):
    figures = compute(Filters(unit=org.other_ward), MARCH)
    assert figures["discharges"].value == 0
    assert figures["ready_days_vgr"].value is None
    assert figures["sip_offered"].value is None


def test_the_trend_has_every_month_and_a_three_month_rolling_vgr_mean(march, partille):
    points = trend(partille, MARCH, min_months=3)
    assert [p.month for p in points] == [
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 1),
    ]
    assert points[0].figures["discharges"].value == 0
    assert points[2].figures["ready_days_vgr"].value == pytest.approx(4.0)
    assert points[2].vgr_rolling_3 == pytest.approx(4.0)  # nothing in January or February
    april = trend(partille, Period.month(2025, 4), min_months=1)
    assert april[-1].vgr_rolling_3 == pytest.approx((28 + 1) / (7 + 1))


def test_readmission_on_day_30_counts_and_on_day_31_does_not(org):
    """Through the real actions: discharge 50 days ago, readmit 30 (then 31) local days later."""
    from tests.factories import TEST_IDENTIFIERS

    now = timezone.now()
    base = now.astimezone(t("2025-01-01 00:00").tzinfo).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    discharge_at = base - dt.timedelta(days=50)
    for identifier, gap in ((TEST_IDENTIFIERS[0], 30), (TEST_IDENTIFIERS[1], 31)):
        first = admit(org, identifier=identifier, admitted_at=discharge_at - dt.timedelta(days=3))
        actions.do_discharge(org.nurse, first, "home", discharged_at=discharge_at)
        admit(org, identifier=identifier, admitted_at=discharge_at + dt.timedelta(days=gap))
    period = Period.custom(
        (discharge_at - dt.timedelta(days=1)).date(), (discharge_at + dt.timedelta(days=1)).date()
    )
    figure = compute(Filters(), period)["readmission_30"]
    assert (figure.numerator, figure.denominator) == (1, 2)
