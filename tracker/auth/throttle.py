"""Slowing down password guessing so that it cannot lock anyone out (OWASP's device cookies).

A browser that signed in to an account before holds a device cookie naming
that account; its attempts on that account are limited only by its own
failures. Every other client is untrusted: limited per account (known or
not, so the answer reveals nothing) and per address, with delays that grow
with the failures. Failures count within `WINDOW`; a success resets the
account's and the device's count, never the address's.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from .models import LoginAttempt

WINDOW = timedelta(hours=1)
ATTEMPTS_KEPT = timedelta(days=1)
PRUNED_AT_MOST = 100  # old attempts deleted at one sign-in (`prune`)


@dataclass(frozen=True)
class Limit:
    """`free` failures pass; after that each attempt waits `base`, doubled per further failure, at most `cap`."""

    free: int
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(minutes=15)

    def delay(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.cap, self.base * 2 ** min(failures - self.free, 16))


PER_DEVICE = Limit(free=5)
PER_ACCOUNT = Limit(free=5)
PER_ADDRESS = Limit(free=30)


def wait_after(limit: Limit, failures: int, last_failure: datetime | None, now: datetime) -> timedelta:
    """How long the next attempt must wait (pure)."""
    if last_failure is None or failures < limit.free:
        return timedelta(0)
    return max(timedelta(0), last_failure + limit.delay(failures) - now)


def lock(*keys: str) -> None:
    """Serialize attempts on the same account, address or device until the caller commits.

    Counting and then recording is a race: parallel guesses all read the same
    count. PostgreSQL takes a transaction-level advisory lock per key (in a
    fixed order, so two requests cannot deadlock); SQLite lets one writer at
    a time, and `prune` writes first.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(number)))


def prune(now: datetime, at_most: int | None = None) -> int:
    """Delete the oldest attempts older than ATTEMPTS_KEPT, at most `at_most` (PRUNED_AT_MOST)
    of them; how many went.

    Each sign-in calls it, and adds one attempt: removing up to a hundred
    keeps the table at a day's attempts without making one sign-in pay for
    a backlog. The oldest are found through the index on created_at, and
    the LIMIT is written into the statement so that PostgreSQL's generic
    plan of a long-lived prepared statement keeps that index (a bound LIMIT
    made it scan the whole table). The DELETE also writes first (`lock`).
    """
    oldest = (
        sa.select(LoginAttempt.id)
        .where(LoginAttempt.created_at < now - ATTEMPTS_KEPT)
        .order_by(LoginAttempt.created_at)
        .limit(sa.bindparam("at_most", at_most or PRUNED_AT_MOST, literal_execute=True))
    )
    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.id.in_(oldest.scalar_subquery())),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def _failures(where, reset_by, now: datetime) -> tuple[int, datetime | None]:
    """Failures matching `where` in the window, after the last success matching `reset_by`."""
    conditions = [where, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= now - WINDOW]
    if reset_by is not None:
        last_success = (
            sa.select(sa.func.max(LoginAttempt.created_at))
            .where(reset_by, LoginAttempt.succeeded.is_(True))
            .scalar_subquery()
        )
        conditions.append(sa.or_(last_success.is_(None), LoginAttempt.created_at > last_success))
    count, last = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.created_at)).where(*conditions)
    ).one()
    return count or 0, last


def device_failures(device: str, now: datetime) -> tuple[int, datetime | None]:
    return _failures(LoginAttempt.device == device, LoginAttempt.device == device, now)


def account_failures(email: str, now: datetime) -> tuple[int, datetime | None]:
    """Untrusted clients' failures on this account; a success from anywhere resets them."""
    return _failures(sa.and_(LoginAttempt.email == email, LoginAttempt.device == ""),
                     LoginAttempt.email == email, now)


def address_failures(ip: str, now: datetime) -> tuple[int, datetime | None]:
    return _failures(sa.and_(LoginAttempt.ip == ip, LoginAttempt.device == ""), None, now)


def required_wait(*, email: str, ip: str, device: str | None, now: datetime) -> timedelta:
    """How long this client must wait before its attempt is even checked."""
    if device:
        return wait_after(PER_DEVICE, *device_failures(device, now), now)
    waits = [wait_after(PER_ACCOUNT, *account_failures(email, now), now)]
    if ip:
        waits.append(wait_after(PER_ADDRESS, *address_failures(ip, now), now))
    return max(waits)


def reached_limit(*, email: str, device: str | None, now: datetime) -> bool:
    """Whether the failure just recorded is the one that starts the delays (for the audit trail)."""
    if device:
        return device_failures(device, now)[0] == PER_DEVICE.free
    return account_failures(email, now)[0] == PER_ACCOUNT.free
