"""A lease in the database, so that only one scheduler acts when several servers share it.

Each scheduler process tries to take or renew the lease before every job; the
holder renews it well before it expires; when the holder stops, its lease
expires and another process takes it over. The UPDATE's WHERE and the
primary key make the database the judge, on SQLite and PostgreSQL alike.
These functions commit: a lease must be visible to the other processes at once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from .models import SchedulerLease
from .sqlutil import insert_unless_exists

SCHEDULER_LEASE = "reminders-scheduler"
# A row of this name asks the scheduler to run the sender at its next
# heartbeat, rather than at its next `send` job (the web never sends itself).
WAKE_SENDER = "wake-sender"


def acquire(holder: str, now: datetime, seconds: int, name: str = SCHEDULER_LEASE) -> bool:
    """Take the lease, or renew it if `holder` has it; False while another holds it."""
    expires = now + timedelta(seconds=seconds)
    result = db.session.execute(
        sa.update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            sa.or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
        )
        .values(
            acquired_at=sa.case((SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now),
            holder=holder,
            expires_at=expires,
            renewed_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    held = result.rowcount == 1
    if not held:
        values = {"name": name, "holder": holder, "expires_at": expires, "acquired_at": now, "renewed_at": now}
        held = insert_unless_exists(SchedulerLease.__table__, values, unique_columns=("name",)) is not None
    db.session.commit()
    return held


def release(holder: str, now: datetime, name: str = SCHEDULER_LEASE) -> None:
    """Give the lease up at once (a clean stop), so that another process need not wait."""
    db.session.execute(
        sa.update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def current(name: str = SCHEDULER_LEASE) -> SchedulerLease | None:
    return db.session.get(SchedulerLease, name)


def wake_sender(requested_by: str, now: datetime) -> None:
    """Ask the scheduler to deliver what is due at its next heartbeat (part of the caller's transaction)."""
    values = {"name": WAKE_SENDER, "holder": requested_by[:200], "expires_at": now, "acquired_at": now, "renewed_at": now}
    if insert_unless_exists(SchedulerLease.__table__, values, unique_columns=("name",)) is None:
        db.session.execute(
            sa.update(SchedulerLease).where(SchedulerLease.name == WAKE_SENDER).values(renewed_at=now),
            execution_options={"synchronize_session": False},
        )


def take_wake_request() -> bool:
    """True (once) when someone asked to wake the sender; commits."""
    result = db.session.execute(
        sa.delete(SchedulerLease).where(SchedulerLease.name == WAKE_SENDER),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount > 0


def heartbeat_seconds(config) -> int:
    """How often the scheduler renews its lease (and looks for a wake request)."""
    return max(5, int(config.get("REMINDER_LEASE_SECONDS", 120)) // 4)
