"""Notices in the application and the coalesced thread e-mail: at most one an hour per person, listing what is new."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..errors import NotFound
from ..bulk import insert_rows
from ..extensions import db
from ..reminders.models import Notification, NotificationKind
from ..reminders.outbox import add_to_outbox
from ..timeutil import utcnow
from .models import MAILED_KINDS, Notice, NoticeKind

if TYPE_CHECKING:
    from ..instructions.models import Instruction, InstructionReply

MAIL_INTERVAL = timedelta(hours=1)


def _instruction() -> type[Instruction]:
    """The instruction class, through the notice's relationship (instructions import the inbox, not back)."""
    return Notice.instruction.property.mapper.class_


def _reply() -> type[InstructionReply]:
    return Notice.reply.property.mapper.class_


def notify(
    users: Iterable[User],
    kind: NoticeKind,
    *,
    instruction: Instruction,
    reply: InstructionReply | None = None,
    now: datetime | None = None,
) -> list[Notice]:
    """Tell `users` about a new instruction or answer: a notice each, and an
    e-mail unless they had one in the last hour (then the next one lists it)."""
    now = now or utcnow()
    notices = [
        Notice(
            organization_id=instruction.organization_id,
            user_id=user.id,
            kind=kind,
            instruction_id=instruction.id,
            reply_id=reply.id if reply else None,
            step_id=instruction.step_id,
            created_at=now,
        )
        for user in users
    ]
    db.session.add_all(notices)
    db.session.flush()
    for user in users:
        queue_thread_email(user, now)
    return notices


def record_reminder_notices(queued: Iterable, now: datetime) -> None:
    """The steps of a batch of reminder e-mails (`reminders.hooks.QueuedReminder`),
    as notices in the application too: one insert for the batch."""
    rows = [
        {
            "organization_id": reminder.organization_id,
            "user_id": reminder.recipient_id,
            "kind": NoticeKind.ESCALATION if item.escalated or item.kind == "escalation" else NoticeKind.REMINDER,
            "step_id": item.step_id,
            "days": item.days,
            "created_at": now,
            "notification_id": reminder.notification_id,
        }
        for reminder in queued
        for item in reminder.items
    ]
    insert_rows(Notice.__table__, rows)


# --- the coalesced e-mail ------------------------------------------------------------

def _pending(user_id: int) -> list[Notice]:
    return list(
        db.session.scalars(
            sa.select(Notice)
            .where(Notice.user_id == user_id, Notice.kind.in_(MAILED_KINDS), Notice.mailed_at.is_(None))
            .options(
                selectinload(Notice.instruction).selectinload(_instruction().step),
                selectinload(Notice.instruction).selectinload(_instruction().measure),
                selectinload(Notice.instruction).selectinload(_instruction().author),
                selectinload(Notice.reply).selectinload(_reply().author),
                selectinload(Notice.reply).selectinload(_reply().division),
            )
            .order_by(Notice.id)
        )
    )


def last_thread_email_at(user_id: int) -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.max(Notification.created_at)).where(
            Notification.recipient_id == user_id, Notification.kind == NotificationKind.THREAD
        )
    )


def queue_thread_email(user: User, now: datetime) -> Notification | None:
    """Put one e-mail listing the user's unmailed notices into the outbox,
    unless they were sent one less than an hour ago; the job sends the rest later.

    The user's row is locked first, so two answers written at the same moment
    cannot both decide that no e-mail went out in the last hour.
    """
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    last = last_thread_email_at(user.id)
    if last is not None and now - last < MAIL_INTERVAL:
        return None
    notices = _pending(user.id)
    if not notices or not user.active:
        return None
    from .messages import thread_email

    email = thread_email(user, notices)
    notification = add_to_outbox(user, NotificationKind.THREAD, email, now)
    for notice in notices:
        notice.mailed_at = now
        notice.notification_id = notification.id
    db.session.flush()
    return notification


def queue_due_thread_emails(now: datetime | None = None) -> int:
    """The job's part: e-mail everyone whose hour has passed and who has unmailed
    notices. Returns how many e-mails were queued; the caller commits."""
    now = now or utcnow()
    user_ids = db.session.scalars(
        sa.select(Notice.user_id.distinct()).where(Notice.kind.in_(MAILED_KINDS), Notice.mailed_at.is_(None))
    ).all()
    queued = 0
    for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)).order_by(User.id)):
        if queue_thread_email(user, now) is not None:
            queued += 1
    return queued


# --- the bell and the notices page --------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notice.id)).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    ) or 0


def notices_of(user: User, *, limit: int = 50, offset: int = 0) -> list[Notice]:
    return list(
        db.session.scalars(
            sa.select(Notice)
            .where(Notice.user_id == user.id)
            .options(
                selectinload(Notice.instruction).selectinload(_instruction().author),
                selectinload(Notice.instruction).selectinload(_instruction().measure),
                selectinload(Notice.reply).selectinload(_reply().author),
                selectinload(Notice.reply).selectinload(_reply().division),
                selectinload(Notice.step),
            )
            .order_by(Notice.read_at.is_not(None), Notice.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def open_notice(user: User, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of the user's notices read, with the other notices of its thread (another person's is not found)."""
    notice = db.session.scalar(sa.select(Notice).where(Notice.id == notice_id, Notice.user_id == user.id))
    if notice is None:
        raise NotFound("notice")
    now = now or utcnow()
    if notice.read_at is None:
        notice.read_at = now
        db.session.flush()
    if notice.instruction_id is not None:
        mark_thread_read(user, notice.instruction_id, now)
    return notice


def unread_in_thread(user: User, instruction_id: int) -> int:
    """How many of the user's notices about this thread are unread."""
    return db.session.scalar(
        sa.select(sa.func.count(Notice.id))
        .where(Notice.user_id == user.id, Notice.instruction_id == instruction_id, Notice.read_at.is_(None))
    ) or 0


def mark_thread_read(user: User, instruction_id: int, now: datetime | None = None) -> int:
    """Reading a thread (opening one of its notices, answering, or the page's button) reads its notices."""
    result = db.session.execute(
        sa.update(Notice)
        .where(Notice.user_id == user.id, Notice.instruction_id == instruction_id, Notice.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def mark_all_read(user: User, now: datetime | None = None) -> int:
    result = db.session.execute(
        sa.update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# --- receivers of the reminders' signals (tracker.reminders.hooks) -------------------

def on_reminders_queued(sender: object, *, queued: Iterable, now: datetime) -> None:
    record_reminder_notices(queued, now)


def before_delivery(sender: object, *, now: datetime) -> int:
    return queue_due_thread_emails(now)
