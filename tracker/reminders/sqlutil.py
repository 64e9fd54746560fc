"""Portable SQL the reminders need: INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ..bulk import dialect_insert
from ..extensions import db


def insert_unless_exists(table: sa.Table, values: dict[str, Any], unique_columns: Iterable[str]) -> Any:
    """Insert a row unless one with the same unique key exists; return the new
    row's primary key, or None when it existed.

    The database decides, so two processes inserting the same key at the same
    moment end with one row: on PostgreSQL the second waits for the first to
    commit and then does nothing.
    """
    primary_key = list(table.primary_key.columns)[0]
    statement = (
        dialect_insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(unique_columns))
        .returning(primary_key)
    )
    return db.session.execute(statement).scalar()

