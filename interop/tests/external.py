"""The test database, reachable from a child process (the listener run as `manage.py
mllp_listener`): PostgreSQL's test database by its URL; SQLite's in-memory test database
copied to a file for the child and copied back afterwards, so the test checks with the ORM."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.db import connection


@contextlib.contextmanager
def shared_database(folder: Path) -> Iterator[dict[str, str]]:
    """The environment (DATABASE_URL) for a child process on the test database. Use with a
    transactional test (`django_db(transaction=True)`): the child sees committed rows only."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(settings["USER"] or "")
        if settings.get("PASSWORD"):
            auth += ":" + quote(settings["PASSWORD"])
        host = f"{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}"
        yield {"DATABASE_URL": f"postgres://{auth}@{host}/{settings['NAME']}"}
        return
    if not connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite's wrapper
        yield {"DATABASE_URL": f"sqlite:///{Path(settings['NAME']).resolve()}"}
        return
    path = folder / "shared.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    with contextlib.closing(sqlite3.connect(path)) as copy:
        memory.backup(copy)
    try:
        yield {"DATABASE_URL": f"sqlite:///{path}"}
    finally:
        with contextlib.closing(sqlite3.connect(path)) as copy:
            copy.backup(memory)
