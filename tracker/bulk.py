"""Bulk inserts for jobs that write thousands of rows at once (the daily reminder decision).

SQLAlchemy sends a many-row insert as one statement of many VALUES groups;
on PostgreSQL psycopg then parses that statement's thousands of placeholders
in Python, which a profile of the reminder decision showed to cost more than
rendering the e-mails. Here PostgreSQL gets one short statement, prepared once
and sent for every row in a pipeline (psycopg's `executemany`); SQLite, a
single-office database, keeps SQLAlchemy's way.

Values go through the columns' own bind processing (the UTC datetimes, the
enums), and scalar column defaults are applied, as SQLAlchemy would.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from .extensions import db


def insert_rows(
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    *,
    unique_columns: Iterable[str] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert `rows` into `table` in the session's transaction.

    With `unique_columns`, a row whose unique key is taken is skipped (ON
    CONFLICT DO NOTHING: under concurrency the database decides, and the
    second writer waits for the first to commit). With `returning`, the
    values of those columns of each inserted row, in no particular order.
    """
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _insert_postgresql(table, rows, unique_columns, returning)
    return _insert_sqlalchemy(table, rows, unique_columns, returning)


def _insert_sqlalchemy(table, rows, unique_columns, returning) -> list[tuple]:
    statement = dialect_insert(table)
    if unique_columns is not None:
        statement = statement.on_conflict_do_nothing(index_elements=list(unique_columns))
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        return [tuple(row) for row in db.session.execute(statement, list(rows))]
    db.session.execute(statement, list(rows))
    return []


def dialect_insert(table: sa.Table):
    """`insert(table)` of the session's database, with its ON CONFLICT clause."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the application supports these two engines
        raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")
    return insert(table)


def _insert_postgresql(table, rows, unique_columns, returning) -> list[tuple]:
    connection = db.session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    names = list(rows[0])
    defaults = {
        column.name: column.default.arg
        for column in table.columns
        if column.name not in names and column.default is not None and column.default.is_scalar
    }
    names += list(defaults)
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    if unique_columns is not None:
        sql += f" ON CONFLICT ({', '.join(quote(name) for name in unique_columns)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(quote(name) for name in returning)}"
    result_processors = [table.c[name].type.result_processor(dialect, None) for name in returning]

    def parameters(row: dict[str, Any]) -> list:
        values = [row[name] if name in row else defaults[name] for name in names]
        return [process(value) if process else value for process, value in zip(processors, values)]

    with connection.connection.driver_connection.cursor() as cursor:
        cursor.executemany(sql, [parameters(row) for row in rows], returning=bool(returning))
        if not returning:
            return []
        found: list[tuple] = []
        while True:
            found.extend(
                tuple(process(value) if process else value for process, value in zip(result_processors, row))
                for row in cursor.fetchall()
            )
            if not cursor.nextset():
                return found
