"""Every day of a plan is in exactly one period, the periods follow each other without a gap,
and each quarter is about three months long, whatever day the baseline ends."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from surveys.models import BASELINE, QUARTERS, MeasurementPlan


@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=200),
)
def test_the_periods_cover_the_plan_without_gap_or_overlap(start, length):
    plan = MeasurementPlan(baseline_start=start, baseline_end=start + dt.timedelta(days=length))
    assert plan.period_of(start - dt.timedelta(days=1)) is None
    assert plan.period_of(plan.end() + dt.timedelta(days=1)) is None
    previous_end = plan.baseline_end
    for period in range(1, QUARTERS + 1):
        first, last = plan.period_range(period)
        assert first == previous_end + dt.timedelta(days=1)
        assert 89 <= (last - first).days + 1 <= 92
        assert plan.period_of(first) == period and plan.period_of(last) == period
        previous_end = last
    assert previous_end == plan.end()
    assert plan.period_of(plan.baseline_end) == BASELINE
