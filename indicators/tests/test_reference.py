"""The statistics read the Episode row's cached columns; the events remain the truth. These
tests check, on the hand-built March history and on histories made through the real actions,
that every per-episode fact and every total is what the purely event-based definitions
(`indicators/tests/reference.py`) give, and that a page's query count does not grow with the
data."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import BooleanField, Case, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.timerules import local_date
from episodes import actions
from indicators.filters import Filters
from indicators.models import PaymentAgreement
from indicators.payment import _payment_facts
from indicators.periods import Period
from indicators.queries import (
    NOTICE_ON_TIME,
    SIP_ON_TIME,
    admission_facts,
    compute,
    daily_totals,
    discharge_facts,
    totals_between,
    totals_for,
    trend,
)
from indicators.report import build_report
from indicators.tests import reference
from tests.factories import TEST_IDENTIFIERS, admit

WIDE = Period.custom(dt.date(2024, 1, 1), dt.date(2027, 12, 31))

FACTS = (
    "ready_at",
    "ready_days",
    "moves",
    "sip_offered",
    "sip_invited_at",
    "sip_on_time",
    "readmitted",
)


@pytest.fixture
def through_actions(org):
    """Recent histories made by the real actions: moves, SIP, a revoked and re-sent ready
    notice, an episode with no SIP assessment and no admission notice, cancelled discharges."""
    now = timezone.now()
    first = admit(org, identifier=TEST_IDENTIFIERS[0], admitted_at=now - dt.timedelta(days=6))
    today = local_date(now)
    actions.do_set_estimated_date(org.nurse, first, today + dt.timedelta(days=3))
    actions.do_set_estimated_date(org.nurse, first, today + dt.timedelta(days=2))
    actions.do_assess_sip_need(org.physician, first, True)
    actions.do_record_sip_offer(org.gp_nurse, first, "accepted", "individual")
    actions.do_send_ready_notice(org.physician, first, occurred_at=now - dt.timedelta(days=4))
    actions.do_revoke_ready_notice(org.physician, first, "Försämrad")
    actions.do_send_ready_notice(org.physician, first)
    actions.do_record_sip_invitation(org.gp_nurse, first, now + dt.timedelta(days=2))
    actions.do_discharge(org.nurse, first, "home")
    second = admit(
        org,
        identifier=TEST_IDENTIFIERS[1],
        admitted_at=now - dt.timedelta(days=3),
        send_notice=False,
    )
    actions.do_send_ready_notice(org.physician, second, occurred_at=now - dt.timedelta(days=2))
    actions.do_discharge(org.nurse, second, "home", discharged_at=now - dt.timedelta(hours=2))
    # A discharge cancelled (makulerad) and done again counts once; one cancelled, not at all.
    actions.do_cancel_discharge(org.nurse, second, "Fel vårdtillfälle.")
    actions.do_discharge(org.nurse, second, "home")
    third = admit(org, identifier=TEST_IDENTIFIERS[9], admitted_at=now - dt.timedelta(days=3))
    actions.do_discharge(org.nurse, third, "home", discharged_at=now - dt.timedelta(hours=1))
    actions.do_cancel_discharge(org.nurse, third, "Patienten är kvar.")
    return first, second


def _true_when(q):
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _by_episode(rows, key):
    return {row[key]: row for row in rows}


@pytest.mark.parametrize("cut", ["all", "partille", "unit"])
def test_every_discharge_fact_is_what_the_events_say(march, through_actions, org, cut):
    filters = {
        "all": Filters(),
        "partille": Filters(municipality=org.partille_area.municipality),
        "unit": Filters(unit=org.needs_assessment),
    }[cut]
    s, e = WIDE.start_utc, WIDE.end_utc
    old = _by_episode(
        reference.discharge_facts(filters, s, e).values("episode_id", "sip_needed", *FACTS),
        "episode_id",
    )
    new = _by_episode(
        discharge_facts(filters, s, e)
        .annotate(sip_on_time=_true_when(SIP_ON_TIME))
        .values("id", "sip_needed", *FACTS),
        "id",
    )
    assert set(new) == set(old) and len(new) >= 8
    for episode_id, row in new.items():
        expected = old[episode_id]
        assert {k: row[k] for k in FACTS} == {k: expected[k] for k in FACTS}, episode_id
        assert (row["sip_needed"] is True) == expected["sip_needed"], episode_id
    if cut == "all":
        first, second = through_actions
        assert (new[first.id]["moves"], new[first.id]["sip_offered"]) == (2, True)
        assert (new[first.id]["ready_days"], new[second.id]["ready_days"]) == (0, 2)
        assert new[second.id]["sip_needed"] is None


def test_every_admission_fact_is_what_the_events_say(march, through_actions):
    s, e = WIDE.start_utc, WIDE.end_utc
    fields = ("id", "first_notice_at", "notice_on_time")
    old = list(reference.admission_facts(Filters(), s, e).order_by("id").values(*fields))
    new = list(
        admission_facts(Filters(), s, e)
        .annotate(notice_on_time=_true_when(NOTICE_ON_TIME))
        .order_by("id")
        .values(*fields)
    )
    assert new == old and len(new) >= 10


def test_the_payment_preconditions_are_what_the_events_say(march, through_actions, org):
    municipality = org.partille_area.municipality
    for period in (
        Period.month(2025, 3),
        Period.custom(local_date(timezone.now()), local_date(timezone.now())),
    ):
        agreement = PaymentAgreement.in_force(period.end, None)
        old = {
            row["episode_id"]: (row["notice_sent"], row["sip_ok"])
            for row in reference.payment_conditions(
                reference.discharge_facts(
                    Filters(municipality=municipality), period.start_utc, period.end_utc
                )
            ).values("episode_id", "notice_sent", "sip_ok")
        }
        new = {
            row["id"]: (row["notice_sent"], row["sip_ok"])
            for row in _payment_facts(municipality, None, period, agreement).values(
                "id", "notice_sent", "sip_ok"
            )
        }
        assert new == old and old


def test_the_totals_are_what_the_events_say(march, through_actions, org):
    """Both ways of totalling (one period by aggregation; per day, summed) against the events."""
    for filters in (
        Filters(),
        Filters(municipality=org.partille_area.municipality),
        Filters(unit=org.needs_assessment),
    ):
        for period in (Period.month(2025, 3), Period.month(2025, 4), WIDE):
            expected = reference.totals(filters, period)
            assert totals_for(filters, period.start_utc, period.end_utc) == expected
            days = daily_totals(filters, [(period.start, period.end)])
            assert totals_between(days, period.start, period.end) == expected


def _figures(figures):
    return {k: (f.value, f.numerator, f.denominator, f.note) for k, f in figures.items()}


def test_the_report_sums_the_same_figures_as_each_period_on_its_own(march, org):
    """A custom period that does not follow months: the current, previous and last year's
    figures and every trend month equal the figures computed for that span alone."""
    filters = Filters(municipality=org.partille_area.municipality)
    period = Period.custom(dt.date(2025, 3, 10), dt.date(2025, 4, 1))
    report = build_report(filters, period)
    for column, span in (
        ("current", period),
        ("previous", period.previous()),
        ("last_year", period.last_year()),
    ):
        expected = _figures(compute(filters, span))
        assert _figures({r.indicator.key: getattr(r, column) for r in report.rows}) == expected
    current = {r.indicator.key: r.current for r in report.rows}
    # 03-10 … 04-01: E2, E5, E6, E7, E8, E12 (March) and E9 (04-01 00:30).
    assert current["discharges"].value == 7
    assert (current["ready_days_vgr"].numerator, current["ready_days_vgr"].denominator) == (26, 6)
    assert [p.month for p in report.trend][-2:] == [dt.date(2025, 3, 1), dt.date(2025, 4, 1)]
    for point in report.trend:
        month = Period.month(point.month.year, point.month.month)
        assert _figures(point.figures) == _figures(compute(filters, month))
    assert _figures(trend(filters, period)[-2].figures) == _figures(
        compute(filters, Period.month(2025, 3))
    )
    assert report.trend[-1].vgr_rolling_3 == pytest.approx((28 + 1) / (7 + 1))


def _reads(callable_) -> int:
    """The SELECTs a call makes (not the savepoint and `SET LOCAL` of PostgreSQL)."""
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return sum(1 for q in captured if q["sql"].lstrip().upper().startswith("SELECT"))


def test_a_report_takes_six_reads_whatever_the_data(org, march, through_actions):
    """Six grouped reads per page (discharge columns, moves, SIP offered, readmissions,
    admissions, acknowledgements), for all its periods and months, however many episodes."""
    period = Period.custom(dt.date(2025, 1, 1), local_date(timezone.now()))
    assert _reads(lambda: build_report(Filters(), period)) == 6
    assert _reads(lambda: daily_totals(Filters(), [(period.start, period.end)])) == 6
    for n in range(2, 6):
        admit(
            org, identifier=TEST_IDENTIFIERS[n], admitted_at=timezone.now() - dt.timedelta(days=1)
        )
    assert _reads(lambda: build_report(Filters(), period)) == 6
    assert _reads(lambda: build_report(Filters(unit=org.ward), period, trend_months=1)) == 6
    with CaptureQueriesContext(connection) as few:
        build_report(Filters(), period)
    admit(org, identifier=TEST_IDENTIFIERS[6], admitted_at=timezone.now() - dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as more:
        build_report(Filters(), period)
    assert len(more) == len(few)


def test_totals_per_day_count_an_episode_recorded_after_later_ones(march, through_actions, org):
    """The joined rows are read by the range of the counted episodes' ids: an episode admitted
    and discharged before the others but recorded last (the highest id) is still counted with
    its moves, SIP offer and admission notices, on its own days."""
    now = timezone.now()
    late = admit(org, identifier=TEST_IDENTIFIERS[7], admitted_at=now - dt.timedelta(days=9))
    today = local_date(now)
    actions.do_set_estimated_date(org.nurse, late, today + dt.timedelta(days=4))
    actions.do_assess_sip_need(org.physician, late, True)
    actions.do_record_sip_offer(org.gp_nurse, late, "accepted", "individual")
    actions.do_send_ready_notice(org.physician, late, occurred_at=now - dt.timedelta(days=8))
    actions.do_discharge(org.nurse, late, "home", discharged_at=now - dt.timedelta(days=7))
    period = Period.custom(local_date(now - dt.timedelta(days=9)), today)
    for filters in (Filters(), Filters(unit=org.needs_assessment)):
        days = daily_totals(filters, [(period.start, period.end)])
        assert totals_between(days, period.start, period.end) == reference.totals(filters, period)
        day = local_date(now - dt.timedelta(days=7))
        assert days[day]["discharges"] >= 1
        assert days[day]["moves_total"] >= 1 and days[day]["sip_offered_n"] >= 1
