"""The PostgreSQL trigram indexes of search, which live in the migrations only."""
from __future__ import annotations

TRIGRAM_PREFIX = "ix_trgm_"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: leave the trigram indexes out of model comparisons.

    They are created by migration 0009 on PostgreSQL only (GIN with
    gin_trgm_ops), so the models, which must also build SQLite, do not
    declare them.
    """
    return not (type_ == "index" and reflected and (name or "").startswith(TRIGRAM_PREFIX))
