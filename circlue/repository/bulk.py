"""Bulk loading inside the caller's transaction: COPY where it may run, unnest() inserts where RLS forbids COPY."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from psycopg import sql
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

DEFAULT_CHUNK_ROWS = 50_000


def copy_rows(
    session: Session,
    table_name: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """COPY rows (tuples in `columns` order) into table_name in chunks; returns how many rows were written."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    # Pending ORM writes must reach the server before COPY, in the same transaction.
    session.flush()
    driver_connection = session.connection().connection.driver_connection
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*table_name.split(".")),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    iterator = iter(rows)
    done = 0
    with driver_connection.cursor() as cursor:
        while chunk := list(islice(iterator, chunk_rows)):
            # One COPY per chunk: row triggers (audit) fire at the end of each statement, so the
            # progress shown is real work done and the trigger event queue stays small.
            with cursor.copy(statement) as copy:
                for row in chunk:
                    copy.write_row(row)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return done


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk_rows: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """INSERT rows into a table under row-level security (which refuses COPY FROM), one array per column per chunk.

    Policies are checked once per chunk and triggers (audit) fire per row, as for any insert; returns the row count.
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    session.flush()
    dialect = postgresql.dialect()
    # Column types come from the model, never from input: the statement holds no data.
    statement = sql.SQL("INSERT INTO {} ({}) SELECT * FROM unnest({})").format(
        sql.Identifier(table.name),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(
            sql.SQL("%s::{}[]").format(sql.SQL(table.c[name].type.compile(dialect=dialect))) for name in columns
        ),
    )
    driver_connection = session.connection().connection.driver_connection
    iterator = iter(rows)
    done = 0
    with driver_connection.cursor() as cursor:
        while chunk := list(islice(iterator, chunk_rows)):
            cursor.execute(statement, [list(values) for values in zip(*chunk, strict=True)])
            done += len(chunk)
            if progress is not None:
                progress(done)
    return done
