"""Writing many rows in few round trips, on PostgreSQL and SQLite.

Opening cases in bulk (after an import) writes thousands of rows: one
statement per row (even pipelined) costs more than the work, and so does
compiling one ``INSERT`` with thousands of ``VALUES``. On PostgreSQL rows go
with ``COPY`` — straight into the table, or into a temporary table first
when they must skip conflicts (``INSERT … SELECT … ON CONFLICT DO
NOTHING``). On SQLite, whose calls stay in-process, one ``executemany``.
Inserts that must return the new rows use SQLAlchemy's batched
``executemany`` with ``RETURNING`` on both. (The scheduler writes nothing
from Python: :mod:`ecoute.cases.plan`.)
"""

from __future__ import annotations

import itertools
import json

from sqlalchemy import JSON

_NAMES = itertools.count()


def _insert(connection, table):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _copy(connection, target: str, table, names: list[str], rows: list[dict]) -> None:
    """COPY ``rows`` into ``target`` (the table, or a staging copy of its columns)."""
    as_json = {name for name in names if isinstance(table.c[name].type, JSON)}
    raw = connection.connection.driver_connection  # psycopg 3, inside the same transaction
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({_quoted(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n], ensure_ascii=False, default=str) if n in as_json and row[n] is not None else row[n] for n in names])


def _staging(connection, table, names: list[str]) -> str:
    """A temporary table with these columns of ``table`` (types only), dropped at commit."""
    name = f"ecoute_bulk_{next(_NAMES)}"
    connection.exec_driver_sql(f'CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS SELECT {_quoted(names)} FROM "{table.name}" WITH NO DATA')
    return name


def insert_rows(connection, table, rows: list[dict], *, unique: list[str] | None = None, returning: list | None = None) -> list:
    """INSERT ``rows`` (all with the same keys); with ``unique``, rows that
    clash on it are skipped; with ``returning``, the inserted rows' columns."""
    if not rows:
        return []
    statement = _insert(connection, table)
    if unique:
        statement = statement.on_conflict_do_nothing(index_elements=unique)
    if returning is not None:
        return list(connection.execute(statement.returning(*returning, sort_by_parameter_order=True), rows).all())
    if connection.dialect.name != "postgresql":
        connection.execute(statement, rows)
        return []
    names = list(rows[0])
    if not unique:
        _copy(connection, f'"{table.name}"', table, names, rows)
        return []
    staging = _staging(connection, table, names)
    _copy(connection, staging, table, names, rows)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({_quoted(names)}) SELECT {_quoted(names)} FROM {staging} ON CONFLICT ({_quoted(unique)}) DO NOTHING'
    )
    return []
