"""Helpers shared by the test folders: the fixed today, counting rows, the audit trail, errors on a page."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent

# A fixed "today" inside FY 2569 (1 Oct 2025 - 30 Sep 2026), never the clock.
TODAY = date(2026, 3, 16)


def count(model) -> int:
    """Rows of a model as the database has them now (what a request committed included)."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def actions() -> list[str]:
    """The audit trail's actions, oldest first."""
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def error_next_to(body: str, field: str, *, marked_invalid: bool = False) -> str:
    """The message shown under a field (the `field` macro gives it the id FIELD-error);
    with `marked_invalid`, the field itself must be marked invalid too."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]+)<', body)
    assert match, f"no error shown next to {field}"
    if marked_invalid:
        assert re.search(rf'id="{field}"[^>]*is-invalid|class="[^"]*is-invalid[^"]*"[^>]*id="{field}"', body), field
    return match.group(1).strip()
