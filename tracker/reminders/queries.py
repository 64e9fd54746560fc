"""What the reminder pages show: runs, the outbox's problems, a user's own reminders."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..measures.models import Step
from .models import DeliveryStatus, Notification, NotificationItem, ReminderRun

WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)


def recent_runs(organization_id: int, limit: int = 20) -> list[ReminderRun]:
    return list(
        db.session.scalars(
            sa.select(ReminderRun)
            .where(ReminderRun.organization_id == organization_id)
            .options(selectinload(ReminderRun.reminder_pass))
            .order_by(ReminderRun.started_at.desc(), ReminderRun.id.desc())
            .limit(limit)
        )
    )


def delivery_by_run_date(organization_id: int, run_dates: list[date]) -> dict[date, dict[DeliveryStatus, int]]:
    """How the e-mails of each day fared: {day: {status: count}}."""
    counts: dict[date, dict[DeliveryStatus, int]] = defaultdict(lambda: {s: 0 for s in DeliveryStatus})
    if not run_dates:
        return counts
    rows = db.session.execute(
        sa.select(Notification.run_date, Notification.status, sa.func.count(Notification.id))
        .where(Notification.organization_id == organization_id, Notification.run_date.in_(set(run_dates)))
        .group_by(Notification.run_date, Notification.status)
    )
    for run_date, status, count in rows:
        counts[run_date][DeliveryStatus(status)] = count
    return counts


def status_counts(organization_id: int) -> dict[DeliveryStatus, int]:
    counts = {s: 0 for s in DeliveryStatus}
    rows = db.session.execute(
        sa.select(Notification.status, sa.func.count(Notification.id))
        .where(Notification.organization_id == organization_id)
        .group_by(Notification.status)
    )
    for status, count in rows:
        counts[DeliveryStatus(status)] = count
    return counts


def waiting_messages(organization_id: int, limit: int = 100) -> list[Notification]:
    """Messages not delivered yet: failed first, then the oldest waiting."""
    failed_first = sa.case((Notification.status == DeliveryStatus.FAILED, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.organization_id == organization_id, Notification.status.in_(WAITING))
            .order_by(failed_first, Notification.created_at, Notification.id)
            .limit(limit)
        )
    )


def latest_problem(organization_id: int) -> Notification | None:
    """The undelivered message with the most recent error, to explain what is wrong."""
    return db.session.scalars(
        sa.select(Notification)
        .where(
            Notification.organization_id == organization_id,
            Notification.status.in_(WAITING),
            Notification.last_error.is_not(None),
        )
        .order_by(Notification.last_attempt_at.desc(), Notification.id.desc())
        .limit(1)
    ).first()


def sent_to(user_id: int, organization_id: int) -> sa.Select:
    """A user's own reminders, newest first, with their steps (for pagination)."""
    return (
        sa.select(Notification)
        .where(Notification.recipient_id == user_id, Notification.organization_id == organization_id)
        .options(selectinload(Notification.items).selectinload(NotificationItem.step).selectinload(Step.measure))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
