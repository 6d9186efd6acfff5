"""Stockholm wall-clock times typed by users, across both DST nights."""

import datetime as dt

import pytest

from core.forms import LocalDateTimeField
from core.timerules import UTC, NonexistentLocalTime, from_local


def test_the_repeated_autumn_hour_is_read_as_its_first_pass():
    # 2026-10-25 02:30 happens twice; the first pass is summer time, 00:30 UTC.
    assert from_local(dt.datetime(2026, 10, 25, 2, 30)).astimezone(UTC) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_a_skipped_spring_time_is_refused():
    with pytest.raises(NonexistentLocalTime):
        from_local(dt.datetime(2027, 3, 28, 2, 30))


def test_the_form_field_accepts_the_autumn_night_and_explains_the_spring_one():
    field = LocalDateTimeField()
    assert field.clean("2026-10-25T02:30").astimezone(UTC).hour == 0
    with pytest.raises(Exception) as refused:
        field.clean("2027-03-28T02:30")
    assert "klockan ställs fram" in str(refused.value)
