"""Telling administrators when their organization's e-mails have been failing for a while.

One e-mail per outage to each active administrator (through the outbox,
skipping an address whose own messages are refused), and the banner of
`failing_since` on their pages. The outage ends when nothing fails any more.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..auth.models import Role, User
from ..extensions import db
from ..orgs.models import Organization
from .messages import mail_alert_email
from .models import DeliveryStatus, MailAlert, Notification, NotificationKind
from .sqlutil import insert_unless_exists
from .outbox import add_to_outbox

log = logging.getLogger("tracker.reminders.mail")

UNDELIVERED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)


def alert_after() -> timedelta:
    return timedelta(seconds=current_app.config.get("MAIL_ALERT_AFTER_SECONDS", 3600))


def _failing(organization_id: int | None = None):
    conditions = [
        Notification.status.in_(UNDELIVERED),
        Notification.first_failed_at.is_not(None),
        Notification.kind != NotificationKind.MAIL_ALERT,
    ]
    if organization_id is not None:
        conditions.append(Notification.organization_id == organization_id)
    return conditions


def failing_since(organization_id: int) -> datetime | None:
    """Since when the organization's undelivered e-mails have been failing (None: nothing fails)."""
    return db.session.scalar(sa.select(sa.func.min(Notification.first_failed_at)).where(*_failing(organization_id)))


def long_failure(organization_id: int, now: datetime) -> datetime | None:
    """`failing_since` when that is longer ago than MAIL_ALERT_AFTER_SECONDS; what the banner shows."""
    since = failing_since(organization_id)
    return since if since is not None and since <= now - alert_after() else None


def alert_on_long_failures(now: datetime, organization_id: int | None = None) -> list[int]:
    """Queue the alert of every organization whose e-mails have failed for too long
    and whose administrators were not told yet; forget outages that ended.

    Commits (a job). Returns the ids of the alert e-mails queued.
    """
    rows = db.session.execute(
        sa.select(Notification.organization_id, sa.func.min(Notification.first_failed_at), sa.func.count())
        .where(*_failing(organization_id))
        .group_by(Notification.organization_id)
    ).all()
    failing = {org_id: (since, count) for org_id, since, count in rows}
    ended = sa.delete(MailAlert)
    if organization_id is not None:
        ended = ended.where(MailAlert.organization_id == organization_id)
    if failing:
        ended = ended.where(MailAlert.organization_id.not_in(list(failing)))
    db.session.execute(ended, execution_options={"synchronize_session": False})
    queued: list[int] = []
    for org_id, (since, count) in sorted(failing.items()):
        since = since if since.tzinfo else since.replace(tzinfo=now.tzinfo)  # aggregates come back naive on SQLite
        if since > now - alert_after():
            continue
        if insert_unless_exists(
            MailAlert.__table__,
            {"organization_id": org_id, "failing_since": since, "alerted_at": now},
            unique_columns=("organization_id",),
        ) is None:
            continue  # told already (or another sender is telling them now)
        queued += _queue_alerts(db.session.get(Organization, org_id), since, count, now)
    db.session.commit()
    return queued


def _refused_addresses(organization_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Notification.recipient_email).where(
                Notification.organization_id == organization_id,
                Notification.status.in_(UNDELIVERED),
                Notification.last_error_kind == "recipient",
            )
        )
    )


def _queue_alerts(org: Organization, since: datetime, count: int, now: datetime) -> list[int]:
    latest_error = db.session.scalar(
        sa.select(Notification.last_error)
        .where(*_failing(org.id), Notification.last_error.is_not(None))
        .order_by(Notification.last_attempt_at.desc(), Notification.id.desc())
        .limit(1)
    )
    refused = _refused_addresses(org.id)
    admins = db.session.scalars(
        sa.select(User)
        .where(User.organization_id == org.id, User.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.id)
    ).all()
    ids = []
    for admin in admins:
        if admin.email in refused:
            continue  # that address does not work: the banner tells them
        email = mail_alert_email(org, admin, since, count, latest_error)
        notification = add_to_outbox(admin, NotificationKind.MAIL_ALERT, email, now)
        ids.append(notification.id)
    log.warning("E-mails of %s have been failing since %s: %d administrators told", org.slug, since, len(ids))
    return ids
