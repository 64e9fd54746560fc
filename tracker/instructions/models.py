"""The executive's instructions (ข้อสั่งการ) on a step or a measure, the divisions' answers and their files."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..measures.models import Measure, Step
from ..orgs.models import Division
from ..timeutil import UTCDateTime, utcnow

instruction_divisions = sa.Table(
    "instruction_divisions",
    db.metadata,
    sa.Column("instruction_id", sa.ForeignKey("instructions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "division_id", sa.ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Instruction(db.Model):
    """An instruction written by an executive or administrator, opening a thread.

    `divisions` are those asked to answer, fixed when it is written (the
    step's divisions, or those of every step of the measure).
    """

    __tablename__ = "instructions"
    __table_args__ = (sa.Index("ix_instructions_org_created", "organization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("steps.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    measure: Mapped[Measure] = relationship()
    step: Mapped[Step | None] = relationship()
    author: Mapped[User] = relationship()
    divisions: Mapped[list[Division]] = relationship(
        secondary=instruction_divisions, order_by="Division.position, Division.id"
    )
    replies: Mapped[list[InstructionReply]] = relationship(
        back_populates="instruction", order_by="InstructionReply.id", passive_deletes=True
    )
    files: Mapped[list[InstructionFile]] = relationship(
        primaryjoin="and_(InstructionFile.instruction_id == Instruction.id, InstructionFile.reply_id.is_(None))",
        order_by="InstructionFile.id",
        viewonly=True,
    )

    def answered_division_ids(self) -> set[int]:
        return {r.division_id for r in self.replies if r.division_id is not None}

    def unanswered_divisions(self) -> list[Division]:
        answered = self.answered_division_ids()
        return [d for d in self.divisions if d.id not in answered]


class InstructionReply(db.Model):
    """A message in an instruction's thread: a division's answer, or a follow-up.

    `division_id` is the division the author answers for (None for an
    executive's or administrator's follow-up).
    """

    __tablename__ = "instruction_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instructions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    division_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("divisions.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    instruction: Mapped[Instruction] = relationship(back_populates="replies")
    author: Mapped[User] = relationship()
    division: Mapped[Division | None] = relationship()
    files: Mapped[list[InstructionFile]] = relationship(order_by="InstructionFile.id", viewonly=True)


class InstructionFile(db.Model):
    """A file attached to an instruction or to a reply; stored like evidence."""

    __tablename__ = "instruction_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instructions.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("instruction_replies.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
