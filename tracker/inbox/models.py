"""In-application notices (the bell): instructions, answers, escalations and reminders, each read or not."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..measures.models import Step
from ..orgs.models import enum_column
from ..timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    # Instructions build on the inbox (they notify through it), so the
    # relationships name their classes and the registry resolves them.
    from ..instructions.models import Instruction, InstructionReply


class NoticeKind(enum.StrEnum):
    INSTRUCTION = "instruction"  # a new instruction in a thread the user is part of
    ANSWER = "answer"  # a new answer or follow-up in such a thread
    ESCALATION = "escalation"  # a long-overdue step reported to the executives
    REMINDER = "reminder"  # a step due soon or overdue


# Kinds told by the coalesced thread e-mail; reminders and escalations have
# their own daily e-mail already.
MAILED_KINDS = (NoticeKind.INSTRUCTION, NoticeKind.ANSWER)


class Notice(db.Model):
    """One thing a user should look at; read when they open it."""

    __tablename__ = "notices"
    __table_args__ = (
        sa.Index("ix_notices_user_read", "user_id", "read_at"),
        sa.Index("ix_notices_unmailed", "user_id", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, 20))
    instruction_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("instructions.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("instruction_replies.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("steps.id", ondelete="CASCADE"), index=True)
    days: Mapped[int | None]  # reminders: days left (due soon) or days late
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When it went out in a thread e-mail (None: not yet, or not a mailed kind).
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notification_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )

    instruction: Mapped[Instruction | None] = relationship("Instruction")
    reply: Mapped[InstructionReply | None] = relationship("InstructionReply")
    step: Mapped[Step | None] = relationship()
