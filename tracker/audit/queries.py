"""Reading the audit trail: one organization's events, filtered, newest first."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import AuditEvent

TARGET_PREFIX = "target:"
# The filter for everything about signing in: sign-ins, sign-outs and lockouts
# (every action starting with SIGN_IN_ACTION_PREFIX) and the changes of what
# lets a person in, which keep their "user." names (SIGN_IN_ACTIONS): a new
# action of either kind needs no change to the filter only if it is "auth.".
SIGN_IN_GROUP = "group:sign-in"
SIGN_IN_ACTION_PREFIX = "auth."
SIGN_IN_ACTIONS = (
    "user.password",
    "user.password_reset_requested",
    "user.password_reset",
    "user.invitation_accepted",
    "user.two_factor_on",
    "user.two_factor_off",
    "user.two_factor_reset",
    "user.recovery_codes",
    "user.recovery_code_used",
    "org.require_two_factor",
)


def all_events(query: sa.Select) -> list[AuditEvent]:
    """Every event `events_query` selects (the CSV download: no pages)."""
    return list(db.session.scalars(query))


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
    """Events of the organization. `action` is an action ("step.progress"),
    `target:<Type>` for every action on one kind of record, or `SIGN_IN_GROUP`
    for sign-in events and changes of passwords and two-step sign-in; dates are the
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
        if action == SIGN_IN_GROUP:
            query = query.where(sa.or_(AuditEvent.action.startswith(SIGN_IN_ACTION_PREFIX),
                                       AuditEvent.action.in_(SIGN_IN_ACTIONS)))
        elif action.startswith(TARGET_PREFIX):
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
