"""The backup and restore drill on PostgreSQL: `backup_database`, then `restore_database`
into an empty database, which then holds every episode, event and access-log row."""

import uuid

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from audit.log import log_access
from audit.models import AccessLog
from episodes.models import Episode, Event
from tests.factories import TEST_IDENTIFIERS, admit

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the drill restores with pg_restore: PostgreSQL only (the SQLite demo is a file)",
)

TABLES = {model: model._meta.db_table for model in (Episode, Event, AccessLog)}


def ids(cursor, table: str) -> list[int]:
    cursor.execute(f'SELECT id FROM "{table}" ORDER BY id')
    return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database beside the test database; dropped afterwards."""
    name = f"samsyn_restore_{uuid.uuid4().hex[:10]}"
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = dict(settings.DATABASES["default"], NAME=name)
    yield database
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(database: dict) -> str:
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_episode_event_and_log_row(org, tmp_path, empty_database):
    admit(org, identifier=TEST_IDENTIFIERS[0])
    episode = admit(org, identifier=TEST_IDENTIFIERS[1])
    log_access(org.nurse, "test.read", episode=episode)
    with connection.cursor() as cursor:
        expected = {model: ids(cursor, table) for model, table in TABLES.items()}
    assert len(expected[Episode]) == 2 and expected[Event] and expected[AccessLog]

    backup = tmp_path / "samsyn.dump"
    call_command("backup_database", output=str(backup))
    call_command("restore_database", str(backup), into=url_of(empty_database))

    target = dj_database_url.parse(url_of(empty_database))
    with (
        psycopg.connect(
            host=target["HOST"],
            port=target["PORT"],
            user=target["USER"],
            password=target["PASSWORD"] or None,
            dbname=target["NAME"],
        ) as restored,
        restored.cursor() as cursor,
    ):
        found = {model: ids(cursor, table) for model, table in TABLES.items()}
    assert found == expected


def test_a_restore_into_a_database_that_is_not_empty_changes_nothing_and_fails(db, tmp_path):
    from django.core.management.base import CommandError

    backup = tmp_path / "samsyn.dump"
    call_command("backup_database", output=str(backup))
    with pytest.raises(CommandError):
        call_command("restore_database", str(backup), into=url_of(settings.DATABASES["default"]))
