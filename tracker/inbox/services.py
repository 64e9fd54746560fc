"""Notices in the application and the coalesced thread e-mail: at most one an hour per person, listing what is new."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..errors import NotFound
from ..extensions import db
from ..instructions.models import Instruction, InstructionReply
from ..reminders.models import Notification, NotificationKind
from ..reminders.transport import new_message_id
from ..timeutil import utcnow
from .models import MAILED_KINDS, Notice, NoticeKind

MAIL_INTERVAL = timedelta(hours=1)


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


def record_reminder_notices(organization_id: int, recipient_id: int, notification_id: int,
                            items: Iterable, now: datetime) -> None:
    """The steps of a reminder e-mail, as notices in the application too."""
    rows = [
        {
            "organization_id": organization_id,
            "user_id": recipient_id,
            "kind": NoticeKind.ESCALATION if item.escalated or item.kind == "escalation" else NoticeKind.REMINDER,
            "step_id": item.step_id,
            "days": item.days,
            "created_at": now,
            "notification_id": notification_id,
        }
        for item in items
    ]
    if rows:
        db.session.execute(sa.insert(Notice), rows)


# --- the coalesced e-mail ------------------------------------------------------------

def _pending(user_id: int) -> list[Notice]:
    return list(
        db.session.scalars(
            sa.select(Notice)
            .where(Notice.user_id == user_id, Notice.kind.in_(MAILED_KINDS), Notice.mailed_at.is_(None))
            .options(
                selectinload(Notice.instruction).selectinload(Instruction.step),
                selectinload(Notice.instruction).selectinload(Instruction.measure),
                selectinload(Notice.instruction).selectinload(Instruction.author),
                selectinload(Notice.reply).selectinload(InstructionReply.author),
                selectinload(Notice.reply).selectinload(InstructionReply.division),
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
    notification = Notification(
        organization_id=user.organization_id,
        recipient_id=user.id,
        recipient_email=user.email,
        recipient_name=user.display_name,
        kind=NotificationKind.THREAD,
        run_date=None,
        locale=email.locale,
        subject=email.subject[:300],
        body_text=email.text,
        body_html=email.html,
        message_id=new_message_id(current_app.config),
        created_at=now,
    )
    db.session.add(notification)
    db.session.flush()
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
                selectinload(Notice.instruction).selectinload(Instruction.author),
                selectinload(Notice.instruction).selectinload(Instruction.measure),
                selectinload(Notice.reply).selectinload(InstructionReply.author),
                selectinload(Notice.reply).selectinload(InstructionReply.division),
                selectinload(Notice.step),
            )
            .order_by(Notice.read_at.is_not(None), Notice.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def open_notice(user: User, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of the user's notices read (another person's is not found)."""
    notice = db.session.scalar(sa.select(Notice).where(Notice.id == notice_id, Notice.user_id == user.id))
    if notice is None:
        raise NotFound("notice")
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        db.session.flush()
    return notice


def mark_thread_read(user: User, instruction_id: int, now: datetime | None = None) -> int:
    """Opening a thread reads its notices."""
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
