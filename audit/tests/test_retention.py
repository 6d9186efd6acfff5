"""The log is kept for the configured years: the purge removes older rows only, and the
database refuses any other change of the log."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.log import log_access
from audit.models import AccessLog, ChangeKind, ChangeRecord, LogRetention
from audit.retention import purge, retention_years
from core.timerules import STOCKHOLM


def test_the_default_retention_is_ten_years_and_a_later_row_changes_it_from_its_date(db):
    assert retention_years(dt.date(2026, 12, 1)) == 10
    LogRetention.objects.create(valid_from=dt.date(2027, 1, 1), years=12)
    assert (retention_years(dt.date(2026, 12, 31)), retention_years(dt.date(2027, 1, 1))) == (
        10,
        12,
    )


def test_the_purge_removes_rows_older_than_ten_years_and_keeps_the_rest(org):
    # Today 2026-12-01: the first kept instant is 2016-12-01 00:00 Stockholm time.
    old = AccessLog.objects.create(
        user=org.nurse,
        action="episode.view",
        at=dt.datetime(2016, 11, 30, 23, 59, tzinfo=STOCKHOLM),
    )
    kept = AccessLog.objects.create(
        user=org.nurse, action="episode.view", at=dt.datetime(2016, 12, 1, 0, 0, tzinfo=STOCKHOLM)
    )
    result = purge(dt.date(2026, 12, 1))
    assert result.removed == 1
    assert list(AccessLog.objects.filter(pk__in=[old.pk, kept.pk])) == [kept]
    assert ChangeRecord.objects.get(kind=ChangeKind.LOG_PURGED).data["removed"] == 1
    assert purge(dt.date(2026, 12, 1)).removed == 0


def test_the_purge_command_says_how_many_rows_would_go(org, capsys):
    AccessLog.objects.create(
        user=org.nurse, action="episode.view", at=dt.datetime(2010, 1, 1, tzinfo=STOCKHOLM)
    )
    call_command("purge_access_log", "--dry-run")
    assert "1 loggrader skulle gallras" in capsys.readouterr().out
    assert AccessLog.objects.count() == 1


def test_the_database_refuses_to_change_a_log_row(org):
    row = log_access(org.nurse, "episode.view")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(action="nothing")
    row.refresh_from_db()
    assert row.action == "episode.view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite refuses UPDATE only")
def test_on_postgresql_the_database_refuses_to_delete_a_log_row_outside_the_purge(org):
    row = log_access(org.nurse, "episode.view")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.filter(pk=row.pk).exists()
