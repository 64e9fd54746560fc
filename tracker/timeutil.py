"""Time in UTC for storage, and "today" in an organization's time zone."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

# Pure helpers live in tracker.clock; models and services keep importing them from here.
from .clock import to_local, today_in, utcnow  # noqa: F401


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every engine.

    SQLite drops the offset of a `DateTime(timezone=True)`; storing naive UTC
    and re-attaching UTC on the way out keeps comparisons right everywhere.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use tracker.timeutil.utcnow()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def org_timezone(org) -> str:
    """The organization's time zone, or the installation's (`TIMEZONE`) when it names none."""
    from flask import current_app, has_app_context

    default = current_app.config.get("TIMEZONE", "Asia/Bangkok") if has_app_context() else "Asia/Bangkok"
    return getattr(org, "timezone", None) or default


def org_today(org, now: datetime | None = None) -> date:
    """Today for an organization, in its time zone.

    `FIXED_TODAY` in the config (tests and demos only) pins the date, so that
    pages and jobs can be tested against a known calendar.
    """
    from flask import current_app, has_app_context

    if has_app_context():
        fixed = current_app.config.get("FIXED_TODAY")
        if fixed:
            return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return today_in(org_timezone(org), now)
