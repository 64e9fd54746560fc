"""Reading the audit trail: one organization's events, filtered, newest first."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import AuditEvent

TARGET_PREFIX = "target:"


def local_day_start(day: date, tz_name: str) -> datetime:
    """The first instant of `day` in the organization's time zone (as an aware datetime)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name))


def events_query(
    organization_id: int,
    *,
    tz_name: str,
    actor_id: int | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    system_only: bool = False,
) -> sa.Select:
    """Events of the organization. `action` is an action ("step.progress") or
    `target:<Type>` for every action on one kind of record; dates are the
    organization's calendar days, both included."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.organization_id == organization_id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if system_only:  # the command line and scheduled jobs
        query = query.where(AuditEvent.actor_id.is_(None))
    if action:
        if action.startswith(TARGET_PREFIX):
            query = query.where(AuditEvent.target_type == action[len(TARGET_PREFIX):])
        else:
            query = query.where(AuditEvent.action == action)
    if date_from is not None:
        query = query.where(AuditEvent.created_at >= local_day_start(date_from, tz_name))
    if date_to is not None:
        query = query.where(AuditEvent.created_at < local_day_start(date_to + timedelta(days=1), tz_name))
    return query


def recorded_actions(organization_id: int) -> tuple[list[str], list[str]]:
    """The actions and the target types that occur in the organization's trail."""
    rows = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.target_type)
        .where(AuditEvent.organization_id == organization_id)
        .distinct()
    ).all()
    return sorted({a for a, _ in rows}), sorted({t for _, t in rows if t})
