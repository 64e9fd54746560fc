"""Deleting old e-mails from the outbox: delivered ones, and those given up, after NOTIFICATION_RETENTION_DAYS.

What goes: a message `sent`, or `failed` (given up after its last try),
created more than the setting's days ago (400 by default, so that a whole
fiscal year stays on the pages) and whose run date, if it has one, is that
old too. A message given up that long ago would only tell of a state more
than a year old if an administrator retried it, and it would keep the
"e-mails failing" banner on; so it goes like a delivered one.

What stays: everything waiting (`pending`, also a failed try waiting for
its next one; `sending`), and every message of the window, so that

- the administrators' page ("Last runs" shows about the last 20 days) and
  the "Reminders I was sent" page show what they did within the window;
- the unique key (recipient, kind, run date) still stops a second message
  for any day the scheduler can run again (today, or a missed day's catch-up);
- the step page's "Executives notified on ..." (the latest escalated
  `notification_items` row of a step) is kept for as long as the window.

With a message go its `notification_items` (ON DELETE CASCADE, through their
index on notification_id); a notice of the bell that names it keeps its
text and loses only the link (`notices.notification_id`, ON DELETE SET NULL).

A delivered message's HTML is dropped a week after (HTML_KEPT_DAYS): nothing
shows it once sent (the pages show the text), and it is about 40 % of what a
year of e-mails keeps on disk.

A job, not a service: each batch is one DELETE of at most
NOTIFICATION_PURGE_BATCH rows, found through the index on (status,
created_at) in created_at order, and committed on its own, so that no
transaction holds locks on millions of rows and the sender keeps going.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..timeutil import utcnow
from .kinds import DeliveryStatus
from .models import Notification

log = logging.getLogger("tracker.reminders")

# Delivered, or given up: nothing will try them again by itself.
PURGED_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.FAILED)
# How long a delivered message keeps its HTML part (for whoever looks into a fresh delivery).
HTML_KEPT_DAYS = 7


def retention_cutoff(now: datetime, days: int | None = None) -> datetime:
    """Messages created before this instant may go."""
    if days is None:
        days = current_app.config["NOTIFICATION_RETENTION_DAYS"]
    return now - timedelta(days=days)


def old_notification_ids(status: DeliveryStatus, cutoff: datetime, limit: int) -> sa.Select:
    """The oldest `limit` messages of `status` created before `cutoff`, as a subquery of ids."""
    return (
        sa.select(Notification.id)
        .where(
            Notification.status == status,
            Notification.created_at < cutoff,
            # The run date is the local day: a message decided late for a later day waits for that day.
            sa.or_(Notification.run_date.is_(None), Notification.run_date < cutoff.date()),
        )
        .order_by(Notification.created_at)
        # Written into the statement: with a bound LIMIT, PostgreSQL's generic plan of a
        # prepared statement guesses a tenth of the table and scans all of it.
        .limit(sa.bindparam("batch", limit, literal_execute=True))
    )


def delete_old_notifications(status: DeliveryStatus, cutoff: datetime, limit: int) -> int:
    """One batch: delete at most `limit` old messages of `status`; how many went. The caller commits."""
    ids = old_notification_ids(status, cutoff, limit).scalar_subquery()
    result = db.session.execute(
        sa.delete(Notification).where(Notification.id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def drop_old_html(now: datetime, batch_size: int) -> int:
    """Empty the HTML of messages delivered more than HTML_KEPT_DAYS ago, a batch per
    transaction (commits); how many were emptied."""
    cutoff = now - timedelta(days=HTML_KEPT_DAYS)
    emptied = 0
    while True:
        ids = (
            sa.select(Notification.id)
            .where(Notification.status == DeliveryStatus.SENT, Notification.created_at < cutoff,
                   Notification.body_html != "")
            .order_by(Notification.created_at)
            .limit(sa.bindparam("batch", batch_size, literal_execute=True))
            .scalar_subquery()
        )
        try:
            count = db.session.execute(
                sa.update(Notification).where(Notification.id.in_(ids)).values(body_html=""),
                execution_options={"synchronize_session": False},
            ).rowcount
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        emptied += count
        if count < batch_size:
            return emptied


def purge_old_notifications(now: datetime | None = None, *, days: int | None = None,
                            batch_size: int | None = None) -> int:
    """Delete every delivered or given-up message older than the retention, and drop the
    HTML of those delivered a week ago, a batch per transaction (commits); returns how many
    messages went."""
    now = now or utcnow()
    config = current_app.config
    cutoff = retention_cutoff(now, days)
    batch_size = batch_size or config["NOTIFICATION_PURGE_BATCH"]
    deleted = 0
    for status in PURGED_STATUSES:
        while True:
            try:
                count = delete_old_notifications(status, cutoff, batch_size)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            deleted += count
            if count < batch_size:
                break
    emptied = drop_old_html(now, batch_size)
    if deleted or emptied:
        log.info("Outbox clean-up: %d e-mails created before %s deleted, the HTML of %d delivered ones dropped",
                 deleted, cutoff.isoformat(), emptied)
    return deleted
