"""Server-side sign-in sessions: a row per signed-in browser, so that signing out really ends it."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from .clients import Client
from .models import User, UserSession

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, remember: bool, client: Client, now: datetime, lifetime: timedelta) -> UserSession:
    """Open a session for `user` and make it the one `user.get_id()` names (for Flask-Login)."""
    token = secrets.token_urlsafe(32)
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now))
    record = UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now, last_seen_at=now,
                         expires_at=now + lifetime, remember=remember, ip=client.ip, user_agent=client.user_agent)
    db.session.add(record)
    db.session.flush()
    user.session_record_token = token
    user.current_session_id = record.id
    return record


@cache
def _session_query() -> sa.Select:
    """The query of every signed-in request, built once (its options cost more than running it).

    Every signed-in page shows the organization (footer, time zone) and asks
    for the memberships (the menu's "My work"): loaded here, in the same query."""
    return (
        sa.select(UserSession).join(UserSession.user)
        .options(contains_eager(UserSession.user).options(
            joinedload(User.organization, innerjoin=True), joinedload(User.memberships)))
        .where(UserSession.token_hash == sa.bindparam("token_hash"))
    )


def is_expired(record: UserSession, *, now: datetime, idle: timedelta) -> bool:
    """Past the absolute limit, or (unless remembered) unused for longer than `idle`."""
    return now >= record.expires_at or (not record.remember and now - record.last_seen_at >= idle)


def load_session(token: str, *, now: datetime, idle: timedelta,
                 touch_every: timedelta = timedelta(minutes=1)) -> tuple[User | None, bool]:
    """The active user whose live session `token` names, and whether the row changed (the caller commits).

    last_seen_at is written at most every `touch_every`, not on every request."""
    if not token:
        return None, False
    record = db.session.scalars(_session_query(), {"token_hash": token_hash(token)}).unique().first()
    if record is None:
        return None, False
    if is_expired(record, now=now, idle=idle) or not record.user.active:
        db.session.delete(record)
        return None, True
    user = record.user
    user.session_record_token = token
    user.current_session_id = record.id
    if now - record.last_seen_at >= touch_every:
        record.last_seen_at = now
        return user, True
    return user, False


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_sessions(user: User, *, keep_id: int | None = None, only_id: int | None = None) -> int:
    """End the user's sessions (all, all but `keep_id`, or just `only_id`); returns how many ended."""
    query = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep_id is not None:
        query = query.where(UserSession.id != keep_id)
    if only_id is not None:
        query = query.where(UserSession.id == only_id)
    return db.session.execute(query).rowcount or 0


def active_sessions(user: User, *, now: datetime, idle: timedelta) -> list[UserSession]:
    """The user's sessions that still let a browser in, most recently used first."""
    records = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [r for r in records if not is_expired(r, now=now, idle=idle)]
