"""Reminder settings, preferences, the e-mail outbox, run records and the scheduler lease."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..measures.models import Step
from ..orgs.models import Organization, enum_column
from ..timeutil import UTCDateTime, utcnow
from .kinds import DeliveryStatus, ItemKind, NotificationKind



class ReminderSettings(db.Model):
    """An organization's reminder rules; organizations without a row use the config defaults."""

    __tablename__ = "reminder_settings"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    days_before: Mapped[str] = mapped_column(sa.String(100))  # "14,7,1"
    overdue_every: Mapped[int]
    escalate_from: Mapped[int]
    digest_weekday: Mapped[int | None]  # 0 = Monday; None = no weekly summary
    send_time: Mapped[str] = mapped_column(sa.String(5))  # "08:00", organization time
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class NotificationPreference(db.Model):
    """What a user wants to receive; users without a row receive everything."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Only e-mails about steps that were escalated to the executives.
    escalations_only: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Notification(db.Model):
    """One e-mail in the outbox, written in the transaction that decided it.

    The unique key (recipient, kind, run date) is what makes a second run on
    the same day, or two runs at once, create no second message. Test e-mails
    have no run date, and NULLs never collide, so an admin may send several.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("recipient_id", "kind", "run_date"),
        sa.Index("ix_notifications_status_next", "status", "next_attempt_at"),
        sa.Index("ix_notifications_org_created", "organization_id", "created_at"),
        sa.Index("ix_notifications_status_created", "status", "created_at"),  # the retention's purge
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    # No index of its own: the unique key (recipient, kind, run date) starts with it.
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # Where and to whom it went, as it was when the message was decided.
    recipient_email: Mapped[str] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, 20))
    run_date: Mapped[date | None]
    locale: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # Kept from the first try, so that a message delivered twice after a crash
    # is recognised as one by mail clients.
    message_id: Mapped[str] = mapped_column(sa.String(255))

    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, 20), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_error_kind: Mapped[str | None] = mapped_column(sa.String(20))
    # The first failed try since the message was last delivered or queued: how long it has been failing.
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(sa.String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship()
    recipient: Mapped[User] = relationship()
    items: Mapped[list[NotificationItem]] = relationship(
        back_populates="notification", order_by="NotificationItem.id", passive_deletes=True
    )


class NotificationItem(db.Model):
    """One step mentioned in a notification; answers "was this step escalated, when?"."""

    __tablename__ = "notification_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("steps.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, 20))
    days: Mapped[int]  # days left when due soon, days late otherwise
    # The step was escalated to the executives in this run.
    escalated: Mapped[bool] = mapped_column(default=False)

    notification: Mapped[Notification] = relationship(back_populates="items")
    step: Mapped[Step] = relationship()


class ReminderPass(db.Model):
    """One pass of the daily decision over many organizations (a send time of the
    scheduler, a catch-up, `flask reminders run`): how many organizations and
    e-mails, and how long it took. Shown on the administrators' page beside the
    organization's own run."""

    __tablename__ = "reminder_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(100), default="")  # "08:00 Asia/Bangkok"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    organizations: Mapped[int] = mapped_column(default=0)
    messages_created: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float | None]


class ReminderRun(db.Model):
    """One decision run for one organization and day: what it created, what went wrong."""

    __tablename__ = "reminder_runs"
    __table_args__ = (sa.Index("ix_reminder_runs_org_date", "organization_id", "run_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    run_date: Mapped[date]
    trigger: Mapped[str] = mapped_column(sa.String(20))  # "scheduler", "catch-up", "cli"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    messages_created: Mapped[int] = mapped_column(default=0)
    # Messages this run decided again but found already in the outbox.
    already_decided: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # The pass over many organizations this run was part of, if any.
    pass_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reminder_passes.id", ondelete="SET NULL"), index=True)

    reminder_pass: Mapped[ReminderPass | None] = relationship()


class MailAlert(db.Model):
    """An organization whose e-mails have been failing long enough that its administrators were told.

    Removed when nothing fails any more, so that the next outage is told again.
    """

    __tablename__ = "mail_alerts"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    failing_since: Mapped[datetime] = mapped_column(UTCDateTime())
    alerted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SchedulerLease(db.Model):
    """Who may run the scheduled jobs now: the holder renews it, another takes it when it expires."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
