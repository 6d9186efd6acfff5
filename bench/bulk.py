"""Bulk writing for the history generator: COPY on PostgreSQL, one prepared executemany on SQLite.

Rows are tuples of Python values in the column order given; ids are allocated by the caller
(`IdAllocator`), so rows can reference each other before they are written. After a load,
`reset_sequences` moves PostgreSQL's id sequences past the ids written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def _sqlite_datetime(value: dt.datetime | None):
    # Django keeps datetimes on SQLite as naive UTC text ("2024-01-31 09:15:00").
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _sqlite_date(value: dt.date | None):
    return None if value is None else value.isoformat()


def _uuid_hex(value):
    # UUIDs are handed in as 32 hex digits: Django's form on SQLite, accepted as is by PostgreSQL.
    return value if value is None or isinstance(value, str) else value.hex


def _json(value):
    # Django's JSONField writes json.dumps with its defaults; PostgreSQL parses the text to jsonb.
    return "{}" if not value else json.dumps(value)


class Table:
    """One table's bulk writer. `columns` must name every concrete column of `model` that is
    not nullable (a nullable one left out is written as NULL: a column added by another
    module does not stop the generator)."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        self.columns = columns
        self.name = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        missing = {c for c in set(fields) - set(columns) if not fields[c].null}
        unknown = set(columns) - set(fields)
        if missing or unknown:
            raise RuntimeError(
                f"{self.name}: columns out of date (missing {missing}, unknown {unknown})"
            )
        self.rows: list[tuple] = []
        vendor = connection.vendor
        converters: list[Callable[[Any], Any] | None] = []
        for column in columns:
            field = fields[column]
            kind = field.get_internal_type()
            if kind == "JSONField":
                converters.append(_json)
            elif vendor == "sqlite" and kind == "DateTimeField":
                converters.append(_sqlite_datetime)
            elif vendor == "sqlite" and kind == "DateField":
                converters.append(_sqlite_date)
            elif kind == "UUIDField":
                converters.append(_uuid_hex)
            else:
                converters.append(None)
        self._converters = [(i, c) for i, c in enumerate(converters) if c is not None]
        self.written = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def _converted(self):
        if not self._converters:
            return self.rows
        out = []
        converters = self._converters
        for row in self.rows:
            values = list(row)
            for index, convert in converters:
                values[index] = convert(values[index])
            out.append(values)
        return out

    def flush(self) -> int:
        """Write the buffered rows in the current transaction; returns how many."""
        if not self.rows:
            return 0
        rows = self._converted()
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.name)
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in self.columns)
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        count = len(self.rows)
        self.written += count
        self.rows = []
        return count


class IdAllocator:
    """Hands out primary keys above the largest one in each table (the database is not empty
    when the demo data or an earlier run is there)."""

    def __init__(self):
        self._next: dict[type[models.Model], int] = {}

    def next(self, model: type[models.Model]) -> int:
        value = self._next.get(model)
        if value is None:
            value = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self._next[model] = value + 1
        return value


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past the ids written explicitly (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextmanager
def secondary_indexes_deferred(model_list: list[type[models.Model]]):
    """On PostgreSQL, drop the secondary indexes, unique and foreign-key constraints of these
    tables while the block loads them, then build them again (checking every constraint).

    A B-tree fed random UUIDs row by row is what makes a big load slow; one sort per index at
    the end is many times faster. SQLite is left alone. The primary keys stay.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    tables = [m._meta.db_table for m in model_list]
    with connection.cursor() as cursor:
        # A benchmark load that is lost in a crash is simply run again.
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype"
            " FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
            " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _, _kind in sorted(constraints, key=lambda c: c[3] != "f"):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for table, name, definition, _kind in sorted(constraints, key=lambda c: c[3] == "f"):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _, definition in indexes:
                cursor.execute(definition)
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
