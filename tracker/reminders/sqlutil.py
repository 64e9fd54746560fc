"""Portable SQL the reminders need: INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from ..extensions import db


def _dialect_insert():
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the application supports these two engines
        raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")
    return insert


def insert_unless_exists(table: sa.Table, values: dict[str, Any], unique_columns: Iterable[str]) -> Any:
    """Insert a row unless one with the same unique key exists; return the new
    row's primary key, or None when it existed.

    The database decides, so two processes inserting the same key at the same
    moment end with one row: on PostgreSQL the second waits for the first to
    commit and then does nothing.
    """
    insert = _dialect_insert()
    primary_key = list(table.primary_key.columns)[0]
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(unique_columns))
        .returning(primary_key)
    )
    return db.session.execute(statement).scalar()


def insert_many_unless_exist(
    table: sa.Table, rows: Sequence[dict[str, Any]], unique_columns: Iterable[str], returning: Sequence[str]
) -> dict[tuple, Any]:
    """Insert the rows whose unique key is not taken yet, in one statement (sent in
    pages by SQLAlchemy's "insert many values"); {values of `returning` -> new primary key}
    for the rows inserted. Same guarantee as `insert_unless_exists` under concurrency."""
    if not rows:
        return {}
    insert = _dialect_insert()
    primary_key = list(table.primary_key.columns)[0]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=list(unique_columns))
        .returning(primary_key, *(table.c[name] for name in returning))
    )
    result = db.session.execute(statement, list(rows))
    return {tuple(_plain(value) for value in row[1:]): row[0] for row in result}


def _plain(value: Any) -> Any:
    """Enum members as their string value, so that keys compare with what the caller built."""
    return str(value) if isinstance(value, str) else value
