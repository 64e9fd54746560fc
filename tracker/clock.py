"""The clock and time zones, without a database: now in UTC, today somewhere, a moment in local time."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today_in(tz_name: str, now: datetime | None = None) -> date:
    """The calendar date in `tz_name`: deadlines are counted in the agency's
    time zone, not the server's."""
    moment = now or utcnow()
    return moment.astimezone(ZoneInfo(tz_name)).date()


def to_local(value: datetime | None, tz_name: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(tz_name))
