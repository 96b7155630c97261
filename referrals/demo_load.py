"""Writing millions of demo rows quickly: PostgreSQL's COPY, or executemany elsewhere.

`referrals.demo` makes rows as tuples in the order of a model's concrete fields (primary key
included) and hands them to a `TableWriter` (`writer_for(model)`), which sends them in batches:

- on PostgreSQL, `COPY … FROM STDIN (FORMAT BINARY)` through psycopg, whose binary dumpers are
  written in C (its text format went through Python and was nine times slower); when the tables
  were empty and are emptied again in this transaction, with `FREEZE`, so the rows need no
  vacuum before index-only scans can use them;
- elsewhere (SQLite), `executemany` of one INSERT, with datetimes and durations turned into
  what Django would store, as before.

`indexes_dropped(models)` holds the tables' secondary indexes (and, on PostgreSQL, their unique
and foreign key constraints) off for the load and builds them once at the end: one sort per
index instead of a million insertions. Foreign keys come back `NOT VALID` and are then
validated, one join each, so nothing unchecked is left behind.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection

BATCH = 20_000


class TableWriter:
    """Rows for some columns (attribute names) of one model's table, sent in batches; columns
    left out get their database default. `written` counts the rows sent."""

    def __init__(self, model, columns: Sequence[str]):
        self.model = model
        fields = {field.attname: field for field in model._meta.concrete_fields}
        self.fields = [fields[name] for name in columns]
        self.rows: list[Sequence] = []
        self.written = 0

    def add(self, row: Sequence) -> None:
        self.add_many([row])

    def add_many(self, rows: list[Sequence]) -> None:
        if rows and not self.written and not self.rows and len(rows[0]) != len(self.fields):
            raise ValueError(f"{self.model.__name__} rows need {len(self.fields)} values")
        self.rows += rows
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self._send(self.rows)
            self.written += len(self.rows)
            self.rows = []

    def _send(self, rows: list[Sequence]) -> None:
        raise NotImplementedError

    def _table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    def _column_list(self) -> str:
        return ", ".join(connection.ops.quote_name(field.column) for field in self.fields)


class InsertWriter(TableWriter):
    """executemany of one INSERT: bulk_create's per-value preparation would take most of the
    time at a million rows. SQLite keeps datetimes as UTC text and durations as microseconds,
    as Django does."""

    def __init__(self, model, columns: Sequence[str]):
        super().__init__(model, columns)
        kinds = [field.get_internal_type() for field in self.fields]
        self.datetimes = [i for i, kind in enumerate(kinds) if kind == "DateTimeField"]
        self.durations = [i for i, kind in enumerate(kinds) if kind == "DurationField"]
        placeholders = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the model, quoted; values are parameters.
        self.sql = f"INSERT INTO {self._table()} ({self._column_list()}) VALUES ({placeholders})"  # noqa: S608

    def _send(self, rows: list[Sequence]) -> None:
        values = [list(row) for row in rows]
        if connection.vendor == "sqlite":
            for row in values:
                for i in self.datetimes:
                    if row[i] is not None:
                        moment = row[i]
                        row[i] = (moment - moment.utcoffset()).replace(tzinfo=None).isoformat(" ")
                for i in self.durations:
                    if row[i] is not None:
                        row[i] = row[i] // timedelta(microseconds=1)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)


class CopyWriter(TableWriter):
    """PostgreSQL's binary COPY, with the column types read from the catalogue."""

    def __init__(self, model, columns: Sequence[str], *, freeze: bool = False):
        super().__init__(model, columns)
        self.freeze = freeze
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [model._meta.db_table],
            )
            types = dict(cursor.fetchall())
        self.types = [types[field.column] for field in self.fields]

    def _send(self, rows: list[Sequence]) -> None:
        options = "FORMAT BINARY, FREEZE" if self.freeze else "FORMAT BINARY"
        with connection.cursor() as cursor:
            sql = f"COPY {self._table()} ({self._column_list()}) FROM STDIN ({options})"
            with cursor.copy(sql) as copy:
                copy.set_types(self.types)
                for row in rows:
                    copy.write_row(row)


def writers_for(*tables_and_columns: tuple[type, Sequence[str]]) -> list[TableWriter]:
    """A writer for each (model, columns). On PostgreSQL, tables that are empty (and every
    table pointing at them too) are emptied again in this transaction, so that COPY may freeze
    their rows (see the module docstring)."""
    if connection.vendor != "postgresql":
        return [InsertWriter(model, columns) for model, columns in tables_and_columns]
    tables = [model._meta.db_table for model, _ in tables_and_columns]
    with connection.cursor() as cursor:
        cursor.execute(_REFERRING_SQL, [tables])
        tables += [table for (table,) in cursor.fetchall() if table not in tables]
        freeze = not any(_has_rows(cursor, table) for table in tables)
        if freeze:
            cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)}")
    return [CopyWriter(model, columns, freeze=freeze) for model, columns in tables_and_columns]


_REFERRING_SQL = """
    SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
    WHERE c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])
"""


def _has_rows(cursor, table: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")  # noqa: S608
    return cursor.fetchone()[0]


@contextmanager
def indexes_dropped(*models, timings: dict[str, float] | None = None) -> Iterator[None]:
    """Drop the tables' secondary indexes (and on PostgreSQL their unique and foreign key
    constraints) for a bulk load, and build them again afterwards (the time it took in
    `timings`, when given)."""
    timings = {} if timings is None else timings
    if connection.vendor == "postgresql":
        with _postgresql_indexes_dropped(models, timings):
            yield
        return
    # Plain SQL, because Django's SQLite schema editor refuses to run inside the demo's
    # transaction; the whole seed is one transaction, so a failure loses nothing.
    editor = connection.schema_editor()
    rebuild = []
    with connection.cursor() as cursor:
        for model in models:
            for index in model._meta.indexes:
                rebuild.append(str(index.create_sql(model, editor)))
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        for statement in rebuild:
            cursor.execute(statement)
    timings["indexes"] = time.monotonic() - started


# Everything but the primary keys: unique and foreign key constraints, then plain indexes.
_CONSTRAINTS_SQL = """
    SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
    ORDER BY c.contype DESC, c.conname
"""
_INDEXES_SQL = """
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY 1
"""


@contextmanager
def _postgresql_indexes_dropped(models, timings: dict[str, float]) -> Iterator[None]:
    tables = [model._meta.db_table for model in models]
    # Deferred checks still pending on rows made earlier in this transaction would stop
    # ALTER TABLE: run them now.
    connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(_CONSTRAINTS_SQL, [tables])
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES_SQL, [tables])
        indexes = cursor.fetchall()
        for table, name, _, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.monotonic()
    connection.check_constraints()
    with connection.cursor() as cursor:
        # Sorting in memory builds an index several times faster than spilling to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.monotonic() - started
        started = time.monotonic()
        foreign = []
        for table, name, kind, definition in constraints:
            quoted = connection.ops.quote_name(name)
            if kind == "f":
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition} NOT VALID"
                )
                foreign.append((table, quoted))
            else:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")
        for table, quoted in foreign:
            cursor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {quoted}")
        timings["keys"] = time.monotonic() - started
        started = time.monotonic()
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")
        timings["analyze"] = time.monotonic() - started
