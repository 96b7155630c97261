"""Writing millions of demo rows quickly: PostgreSQL's COPY, or executemany elsewhere.

`referrals.demo` makes rows as tuples, for some columns of a model's table, and hands each
chunk of them to a `TableWriter` (`writers_for`) in two steps: `encode` makes them ready to
send, in any process (see `made_in_chunks`), and `send` sends them, in this one:

- on PostgreSQL, `COPY … FROM STDIN (FORMAT BINARY)`: the rows are formatted by psycopg's
  binary dumpers, written in C (its text format went through Python and was nine times
  slower), into the bytes COPY takes; when the tables were empty and are emptied again in this
  transaction, with `FREEZE`, so the rows need no vacuum before index-only scans can use them;
- elsewhere (SQLite), `executemany` of one INSERT, with datetimes and durations turned into
  what Django would store, as before.

`indexes_dropped(models)` holds the tables' secondary indexes (and, on PostgreSQL, their unique
and foreign key constraints) off for the load and builds them once at the end: one sort per
index instead of a million insertions. Foreign keys come back `NOT VALID` and are then
validated, one join each, so nothing unchecked is left behind.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from django.db import connection

T = TypeVar("T")
R = TypeVar("R")


class Encoded(NamedTuple):
    """Rows made ready to send: how many, and what is sent."""

    rows: int
    payload: Any


class TableWriter:
    """Sends rows for some columns (attribute names) of one model's table; columns left out
    get their database default. `written` counts the rows sent."""

    def __init__(self, model, columns: Sequence[str]):
        self.model = model
        fields = {field.attname: field for field in model._meta.concrete_fields}
        self.fields = [fields[name] for name in columns]
        self.written = 0

    def encode(self, rows: list[Sequence]) -> Encoded:
        """The rows made ready to send; needs no database, so a worker process may do it."""
        if rows and len(rows[0]) != len(self.fields):
            raise ValueError(f"{self.model.__name__} rows need {len(self.fields)} values")
        return Encoded(len(rows), self._encode(rows))

    def send(self, encoded: Encoded) -> None:
        if encoded.rows:
            self._send(encoded.payload)
            self.written += encoded.rows

    def _encode(self, rows: list[Sequence]) -> Any:
        raise NotImplementedError

    def _send(self, payload: Any) -> None:
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

    def _encode(self, rows: list[Sequence]) -> list[list]:
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
        return values

    def _send(self, payload: list[list]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, payload)


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

    def _encode(self, rows: list[Sequence]) -> bytes:
        """The whole binary COPY stream of the rows (signature, rows and trailer), as psycopg
        writes it: a Copy made by hand with a FileWriter, which its documentation gives for
        writing COPY data without an operation on the server. The connection lends its type
        adapters and is never read from or written to, so a forked worker may use its copy."""
        from psycopg.copy import Copy, FileWriter

        stream = io.BytesIO()
        with Copy(connection.connection.cursor(), binary=True, writer=FileWriter(stream)) as copy:
            copy.set_types(self.types)
            for row in rows:
                copy.write_row(row)
        return stream.getvalue()

    def _send(self, payload: bytes) -> None:
        options = "FORMAT BINARY, FREEZE" if self.freeze else "FORMAT BINARY"
        with connection.cursor() as cursor:
            sql = f"COPY {self._table()} ({self._column_list()}) FROM STDIN ({options})"
            with cursor.copy(sql) as copy:
                copy.write(payload)


# Below this many referrals the rows are made in this process: starting workers would cost
# more than it saves.
PROCESSES_FROM = 100_000
CHUNK = 10_000
# The most worker processes: past that, this process (drafting and writing) is the slower part.
MOST_PROCESSES = 4


def processes_for(count: int) -> int:
    """How many processes make the rows of `count` referrals: one per core (1: this one)."""
    if count < PROCESSES_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, MOST_PROCESSES))


def made_in_chunks(
    make: Callable[[int, list[T]], R], items: Iterable[T], processes: int
) -> Iterator[R]:
    """`make(number, chunk)` for each chunk of CHUNK items in turn, in that order: in this
    process, or in `processes` worker processes while this one goes on drafting and writing.

    `make`'s result must depend on its arguments alone (and what it was set up with), so that
    it is the same in any process. Workers are forked: they share what `make` was set up with
    (read from the database before) and never use this process's connection. At most two
    chunks per worker are in flight, so memory stays flat at any size. A worker that dies
    (killed, or out of memory) raises BrokenProcessPool here, rather than leaving a chunk
    unmade."""
    chunks = enumerate(_chunked(items, CHUNK))
    if processes <= 1:
        for number, chunk in chunks:
            yield make(number, chunk)
        return
    workers = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_set_worker_make,
        initargs=(make,),
    )
    try:
        in_flight: deque[Future[R]] = deque()
        for number, chunk in chunks:
            in_flight.append(workers.submit(_worker_make, number, chunk))
            if len(in_flight) >= 2 * processes:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        workers.shutdown(cancel_futures=True)


def _chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_make_of_worker: Callable | None = None


def _set_worker_make(make: Callable) -> None:
    """In a worker: the `make` of made_in_chunks (passed by fork, not pickled)."""
    global _make_of_worker  # noqa: PLW0603
    _make_of_worker = make


def _worker_make(number: int, chunk: list):
    assert _make_of_worker is not None, "set by the pool's initializer"
    return _make_of_worker(number, chunk)


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
