"""The process engine and the sweeper use a number of SQL queries that does not grow with the
number of events an action records, the number of activities, or the number of episodes."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from episodes import actions
from process.models import ActivityLog, ActivityStatus, EpisodeActivity
from process.sweeper import _claim_batch, sweep
from tests.factories import TEST_IDENTIFIERS, admit


def _engine_queries(captured) -> list[str]:
    """The statements of the engine: on its own tables, and its read of the parties."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if "process_" in q["sql"]
        or (
            q["sql"].startswith("SELECT")
            and 'FROM "episodes_party"' in q["sql"]
            and "organisations_unit" in q["sql"]
            and '"removed_at" IS NULL' not in q["sql"]
        )
    ]


def _reads_and_updates(statements: list[str]) -> list[str]:
    # Bulk inserts may be split in batches by the database's parameter limit (SQLite): count
    # every other statement.
    return [s for s in statements if not s.startswith("INSERT")]


def test_an_admission_evaluates_the_process_once_whatever_the_number_of_events(org):
    admit(org, identifier=TEST_IDENTIFIERS[2])  # the definition is read once, then cached
    with CaptureQueriesContext(connection) as ward_only:
        admit(org, identifier=TEST_IDENTIFIERS[0], concerned_units=[org.needs_assessment])
    with CaptureQueriesContext(connection) as three_units:
        # Two more PARTY_ADDED events, two more units in lanes, two more notices.
        admit(org, identifier=TEST_IDENTIFIERS[1])
    few, many = _engine_queries(ward_only), _engine_queries(three_units)
    assert len(_reads_and_updates(few)) == len(_reads_and_updates(many))
    # The current version alone (at admission the engine knows the parties: the ward's, then
    # each one added, from its event); binding, activities and log written once each.
    assert len(_reads_and_updates(many)) == 1
    inserts = {s.split('"')[1] for s in many if s.startswith("INSERT")}
    assert inserts == {"process_episodeprocess", "process_episodeactivity", "process_activitylog"}


def test_a_later_action_reads_the_activities_once_and_writes_only_changes(org):
    episode = admit(org)
    with CaptureQueriesContext(connection) as captured:
        actions.do_send_ready_notice(org.nurse, episode)
    statements = _engine_queries(captured)
    reads = [s for s in statements if s.startswith("SELECT")]
    # The binding, the activities and the parties, once each for the whole action.
    assert len(reads) == 3
    assert len([s for s in reads if 'FROM "process_episodeactivity"' in s]) == 1
    # Changed rows alike share an UPDATE; the log is one insert (or its batches).
    updates = [s for s in statements if s.startswith("UPDATE")]
    assert 1 <= len(updates) < EpisodeActivity.objects.filter(episode=episode).count()


def _overdue_episodes(org, identifiers) -> None:
    for identifier in identifiers:
        admit(
            org,
            identifier=identifier,
            admitted_at=timezone.now() - dt.timedelta(hours=30),
            send_notice=False,
        )


def test_a_sweep_uses_the_same_queries_for_one_or_many_episodes(org, django_assert_num_queries):
    _overdue_episodes(org, TEST_IDENTIFIERS[:1])
    with CaptureQueriesContext(connection) as one:
        first = sweep()
    assert first.overdue > 1 and first.candidates == 1
    _overdue_episodes(org, TEST_IDENTIFIERS[1:5])
    with CaptureQueriesContext(connection) as four:
        result = sweep()
    assert result.overdue == 4 * first.overdue
    assert len(four) == len(one)
    # Nothing left: one read per kind of miss.
    with django_assert_num_queries(2):
        assert sweep().overdue == 0


def test_a_batch_claimed_by_one_sweeper_is_not_claimed_by_another(org):
    _overdue_episodes(org, TEST_IDENTIFIERS[:2])
    now = timezone.now()
    ids = list(
        EpisodeActivity.objects.filter(due_at__lt=now, status=ActivityStatus.OPEN).values_list(
            "id", flat=True
        )
    )
    claimed = _claim_batch(ids, now, open_rows=True)
    assert [row[0] for row in claimed] == sorted(ids)
    assert _claim_batch(ids, now, open_rows=True) == []
    assert not ActivityLog.objects.filter(kind="overdue").exists()  # the claim alone logs nothing
