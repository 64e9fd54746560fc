"""Edit tokens: an edit form saves only over the values it was opened on, never over someone else's change."""
from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .errors import Conflict
from .extensions import db

Record = TypeVar("Record")

# Hex digits kept of the SHA-256: the token tells versions of one record apart,
# it guards no secret, so 64 bits are plenty and keep the hidden field short.
TOKEN_LENGTH = 16


def _plain(value: object) -> object:
    """JSON for the values records hold, spelled the same whichever database read them."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 90, 90.0 and 90.00 are one score: SQLite and PostgreSQL return different scales.
        return format(value.normalize(), "f")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def edit_token(values: Mapping[str, object]) -> str:
    """A short fingerprint of the values an edit form changes (pure).

    `values` holds exactly those fields, so that a change elsewhere in the
    record (a step's progress, a user's last sign-in) leaves the form valid.
    Being computed from the values, it needs no version column; a change that
    is later undone gives the first token back, which is fine since the form
    then saves over exactly what its author saw.
    """
    canonical = json.dumps(values, default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:TOKEN_LENGTH]


class EditConflict(Conflict):
    """The record changed after its edit form was opened; nothing was saved.

    `current` holds its edited values as they are now and `token` their edit
    token: a form sent again with that token saves over them deliberately.
    """

    def __init__(self, current: Mapping[str, object], token: str) -> None:
        super().__init__(_l(
            "Someone else changed this record after you opened the form, so your changes have not been saved. "
            "Compare them with the values saved now; to keep yours, send the form again."))
        self.current = dict(current)
        self.token = token


def ensure_unchanged(record: Record, base_token: str | None,
                     edited_values: Callable[[Record], Mapping[str, object]]) -> None:
    """Raise `EditConflict` unless `record`'s `edited_values` still match
    `base_token`, the edit token its form was opened with.

    A missing or damaged token from a form counts as stale (pass "" rather than
    None); None means the caller edits without a form (the command line, an
    internal job) and skips the check.
    """
    if base_token is None:
        return
    model = type(record)
    # Hold the row until the commit and forget what this transaction read
    # before, so that of two administrators saving at the same moment the second
    # waits, then sees the first one's values and is refused. (SQLite has no row
    # locks; it serializes writers, which leaves only that instant uncovered.)
    db.session.execute(sa.select(model.id).where(model.id == record.id).with_for_update())
    db.session.expire_all()
    current = edited_values(record)
    token = edit_token(current)
    if base_token.strip() != token:  # a fingerprint, not a secret: no constant-time compare needed
        raise EditConflict(current, token)
