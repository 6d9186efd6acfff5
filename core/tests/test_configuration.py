"""Regional counts are dated rows read by one function; `load_configuration` (and `migrate`)
puts the defaults, the payment rules and the work description in place, once."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F

from core.configuration import (
    MissingConfiguration,
    regional_count,
    regional_count_expression,
    regional_count_periods,
)
from core.models import CountKey, RegionalCount
from indicators.models import DailyRate, PaymentAgreement
from process.models import DefinitionVersion

pytestmark = pytest.mark.django_db

NOTICE = CountKey.ADMISSION_NOTICE_HOURS


def _load() -> str:
    out = StringIO()
    call_command("load_configuration", stdout=out)
    return out.getvalue()


def _row(key: str = NOTICE) -> RegionalCount:
    return RegionalCount.objects.get(key=key)


def _change_notice_hours_from_2027(value: int = 48) -> None:
    """End the default 24 hours on 2026-12-31 and add `value` hours from 2027-01-01, as an
    administrator would: each row checked by full_clean before it is saved."""
    old = _row()
    old.valid_to = dt.date(2026, 12, 31)
    old.full_clean()
    old.save()
    new = RegionalCount(key=NOTICE, value=value, valid_from=dt.date(2027, 1, 1), source="Avtal")
    new.full_clean()
    new.save()


def test_a_migrated_database_has_the_default_counts_in_force():
    # Nothing loaded by the test: `migrate` of the test database did it.
    day = dt.date(2026, 12, 31)
    assert regional_count(CountKey.ADMISSION_NOTICE_HOURS, day) == 24
    assert regional_count(CountKey.SIP_INVITATION_DAYS, day) == 3
    assert regional_count(CountKey.READMISSION_DAYS, day) == 30
    assert regional_count(NOTICE, dt.date(2018, 1, 1)) == 24
    assert _row().source.startswith("Lag (2017:612)")


def test_a_new_row_changes_the_count_from_its_first_day():
    # Read before the change, so a stale cache would show.
    assert regional_count(NOTICE, dt.date(2027, 1, 1)) == 24
    _change_notice_hours_from_2027(48)
    assert regional_count(NOTICE, dt.date(2026, 12, 31)) == 24
    assert regional_count(NOTICE, dt.date(2027, 1, 1)) == 48
    assert regional_count(NOTICE, dt.date(2040, 6, 1)) == 48


def test_the_periods_of_a_count_list_every_row_in_order():
    _change_notice_hours_from_2027(48)
    assert regional_count_periods(NOTICE) == [
        (dt.date(2018, 1, 1), dt.date(2026, 12, 31), 24),
        (dt.date(2027, 1, 1), None, 48),
    ]


def test_the_database_expression_gives_the_count_in_force_on_each_rows_date():
    _change_notice_hours_from_2027(48)
    ends = RegionalCount.objects.filter(key=NOTICE).annotate(
        at_start=regional_count_expression(NOTICE, "valid_from"),
        day_before=regional_count_expression(NOTICE, F("valid_from") - dt.timedelta(days=1)),
    )
    assert sorted(ends.values_list("valid_from", "at_start", "day_before")) == [
        (dt.date(2018, 1, 1), 24, None),
        (dt.date(2027, 1, 1), 48, 24),
    ]


def test_a_deleted_row_is_no_longer_read():
    assert regional_count(CountKey.READMISSION_DAYS, dt.date(2026, 1, 1)) == 30
    _row(CountKey.READMISSION_DAYS).delete()
    with pytest.raises(MissingConfiguration):
        regional_count(CountKey.READMISSION_DAYS, dt.date(2026, 1, 1))


def test_an_overlapping_period_is_refused_in_swedish():
    overlapping = RegionalCount(key=NOTICE, value=48, valid_from=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "överlappar" in " ".join(refused.value.messages)
    assert regional_count(NOTICE, dt.date(2027, 1, 1)) == 24


def test_an_end_before_the_start_is_refused():
    row = _row()
    row.valid_to = dt.date(2017, 12, 31)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "före startdatumet" in " ".join(refused.value.messages)


def test_the_admin_refuses_an_overlapping_row_and_says_why(client):
    admin = get_user_model().objects.create_superuser("konfig", password="x-long-password")
    client.force_login(admin)
    response = client.post(
        "/admin/core/regionalcount/add/",
        {"key": NOTICE, "value": 48, "valid_from": "2027-01-01", "valid_to": "", "source": "Avtal"},
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert "Perioden överlappar en annan rad" in response.content.decode()
    assert RegionalCount.objects.filter(key=NOTICE).count() == 1


def test_a_day_without_a_row_in_force_raises_an_error_naming_key_and_day():
    with pytest.raises(MissingConfiguration) as missing:
        regional_count(NOTICE, dt.date(2017, 12, 31))
    assert "admission_notice_hours" in str(missing.value)
    assert "2017-12-31" in str(missing.value)


def test_a_datetime_is_refused_since_the_caller_chooses_the_local_day():
    with pytest.raises(TypeError):
        regional_count(NOTICE, dt.datetime(2026, 12, 31, 23, 30))


def test_loading_twice_changes_nothing_and_keeps_an_edited_row():
    edited = _row()
    edited.value = 36
    edited.source = "Regional överenskommelse"
    edited.save()
    counts_before = (
        RegionalCount.objects.count(),
        PaymentAgreement.objects.count(),
        DailyRate.objects.count(),
        DefinitionVersion.objects.count(),
    )

    _load()
    second = _load()

    assert "0 regionala antal skapade" in second
    assert "0 betalningsmodeller och 0 dygnskostnader skapade" in second
    assert counts_before == (
        RegionalCount.objects.count(),
        PaymentAgreement.objects.count(),
        DailyRate.objects.count(),
        DefinitionVersion.objects.count(),
    )
    assert regional_count(NOTICE, dt.date(2026, 12, 31)) == 36
    assert _row().source == "Regional överenskommelse"


def test_loading_keeps_a_shortened_row_and_its_successor():
    _change_notice_hours_from_2027(48)
    _load()
    assert regional_count_periods(NOTICE) == [
        (dt.date(2018, 1, 1), dt.date(2026, 12, 31), 24),
        (dt.date(2027, 1, 1), None, 48),
    ]


def test_loading_creates_what_is_missing():
    RegionalCount.objects.filter(key=CountKey.SIP_INVITATION_DAYS).delete()
    DailyRate.objects.filter(valid_from=dt.date(2019, 1, 1)).delete()
    _load()
    assert regional_count(CountKey.SIP_INVITATION_DAYS, dt.date(2026, 12, 31)) == 3
    assert DailyRate.in_force(dt.date(2019, 6, 1)).amount == 7800


def test_migrate_on_an_empty_database_loads_the_configuration_and_the_work_description(
    tmp_path,
):
    database = tmp_path / "empty.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    with sqlite3.connect(database) as db:
        counts = dict(db.execute("SELECT key, value FROM core_regionalcount"))
        agreements = db.execute("SELECT count(*) FROM indicators_paymentagreement").fetchone()[0]
        rates = db.execute("SELECT count(*) FROM indicators_dailyrate").fetchone()[0]
        versions = db.execute("SELECT count(*) FROM process_definitionversion").fetchone()[0]
        activities = db.execute("SELECT count(*) FROM process_activitydefinition").fetchone()[0]
    assert counts == {
        "admission_notice_hours": 24,
        "sip_invitation_days": 3,
        "readmission_days": 30,
    }
    assert (agreements, rates) == (2, 5)
    assert versions == 1
    assert activities > 0
