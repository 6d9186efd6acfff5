"""Property tests of core.timerules.due_at over DST changes, New Year, Easter, midsummer and
Christmas (Europe/Stockholm, Swedish holidays)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from core.timerules import (
    STOCKHOLM,
    UTC,
    add_working_days,
    due_at,
    is_working_day,
    local_date,
)

# 2024-2027 covers both DST changes of each year, Easter and midsummer moving, New Year.
moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(UTC)
)
amounts = st.integers(min_value=0, max_value=40)


def at(local: str) -> dt.datetime:
    return dt.datetime.fromisoformat(local).replace(tzinfo=STOCKHOLM)


@given(moments, st.integers(min_value=0, max_value=200))
def test_hours_are_elapsed_time_whatever_the_dst_change(anchor, hours):
    assert due_at(anchor, hours, "hours") - anchor == dt.timedelta(hours=hours)


@given(moments, amounts)
def test_calendar_days_end_at_23_59_59_stockholm_on_day_n(anchor, days):
    due = due_at(anchor, days, "calendar_days").astimezone(STOCKHOLM)
    assert due.date() == local_date(anchor) + dt.timedelta(days=days)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)


@given(moments, amounts)
def test_working_days_end_on_a_working_day_and_skip_exactly_the_days_off(anchor, days):
    due = due_at(anchor, days, "working_days").astimezone(STOCKHOLM)
    day0 = local_date(anchor)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    if days:
        assert is_working_day(due.date())
        between = [day0 + dt.timedelta(days=i) for i in range(1, (due.date() - day0).days + 1)]
        assert sum(is_working_day(d) for d in between) == days
    else:
        assert due.date() == day0


@given(moments, amounts, amounts)
def test_later_anchors_and_longer_offsets_never_give_earlier_deadlines(anchor, a, b):
    low, high = sorted((a, b))
    for unit in ("hours", "calendar_days", "working_days"):
        assert due_at(anchor, low, unit) <= due_at(anchor, high, unit)
        assert due_at(anchor, low, unit) <= due_at(anchor + dt.timedelta(hours=5), low, unit)


def test_24_hours_over_the_spring_dst_change_is_11_local_the_next_day():
    assert due_at(at("2025-03-29T10:00"), 24, "hours").astimezone(STOCKHOLM) == at(
        "2025-03-30T11:00"
    )


def test_24_hours_over_the_autumn_dst_change_is_09_local_the_next_day():
    assert due_at(at("2025-10-25T10:00"), 24, "hours").astimezone(STOCKHOLM) == at(
        "2025-10-26T09:00"
    )


def test_three_calendar_days_from_new_years_eve_end_on_3_january():
    assert due_at(at("2025-12-31T22:30"), 3, "calendar_days") == at(
        "2026-01-03T23:59:59"
    ).astimezone(UTC)


def test_working_days_skip_the_christmas_and_new_year_days_off():
    # 23 Dec 2025 (Tue): 24, 25, 26 Dec off, 27-28 weekend, 29, 30 working, 31 Dec and 1 Jan off.
    assert add_working_days(dt.date(2025, 12, 23), 1) == dt.date(2025, 12, 29)
    assert add_working_days(dt.date(2025, 12, 23), 3) == dt.date(2026, 1, 2)


def test_working_days_skip_easter():
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)


def test_working_days_skip_midsummer_eve_and_day():
    # Midsummer eve Friday 19 June 2026, midsummer day Saturday 20 June.
    assert not is_working_day(dt.date(2026, 6, 19))
    assert add_working_days(dt.date(2026, 6, 18), 1) == dt.date(2026, 6, 22)


def test_a_deadline_anchored_late_in_the_evening_counts_from_the_stockholm_date():
    # 23:30 Stockholm on 1 July is 21:30 UTC the same date; one calendar day is 2 July.
    assert local_date(at("2026-07-01T23:30").astimezone(UTC)) == dt.date(2026, 7, 1)
    assert due_at(at("2026-07-01T23:30"), 1, "calendar_days") == at(
        "2026-07-02T23:59:59"
    ).astimezone(UTC)
