"""Backup and restore of the whole database: PostgreSQL's own tools, SQLite's backup API.

PostgreSQL: `pg_dump --format=custom` (one file: schema, data, sequences, triggers) and
`pg_restore --single-transaction --exit-on-error` into an empty database, so a restore is
all or nothing. The connection comes from the settings' DATABASES (the password by the
environment, never on the command line).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings


class BackupError(Exception):
    pass


def _pg_environment(database: Mapping[str, Any]) -> dict[str, str]:
    environment = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if database.get(key):
            environment[name] = str(database[key])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup(path: Path, database: Mapping[str, Any] | None = None) -> Path:
    """Write a complete backup of `database` (the default one) to `path`; returns `path`."""
    if database is None:
        database = settings.DATABASES["default"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
            _pg_environment(database),
        )
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        with sqlite3.connect(database["NAME"]) as source, sqlite3.connect(path) as target:
            source.backup(target)
    else:
        raise BackupError(f"No backup for the engine {database['ENGINE']}.")
    return path


def restore(path: Path, target_url: str) -> None:
    """Restore the backup at `path` into the empty database named by `target_url`
    (`postgres://…` or `sqlite:///…`). A PostgreSQL restore is one transaction."""
    if not path.exists():
        raise BackupError(f"No backup at {path}.")
    target = dj_database_url.parse(target_url)
    if target["ENGINE"] == "django.db.backends.postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={target['NAME']}",
                str(path),
            ],
            _pg_environment(target),
        )
    elif target["ENGINE"] == "django.db.backends.sqlite3":
        if Path(target["NAME"]).exists() and Path(target["NAME"]).stat().st_size:
            raise BackupError(f"{target['NAME']} is not empty; restore into a new file.")
        with sqlite3.connect(path) as source, sqlite3.connect(target["NAME"]) as copy:
            source.backup(copy)
    else:
        raise BackupError(f"No restore for the engine {target['ENGINE']}.")
