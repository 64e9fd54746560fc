"""Drafted measures of next year's ITA document, and an organization's own opening text."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class MeasureDraft(db.Model):
    """The measure an administrator is writing for one indicator of an assessment.

    It becomes a real measure (with steps) of the following fiscal year only
    when the drafts are adopted; until then it is text to edit.
    """

    __tablename__ = "measure_drafts"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "indicator_number"),
        sa.CheckConstraint("indicator_number BETWEEN 1 AND 10", name="indicator_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    indicator_number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text, default="")
    steps: Mapped[list] = mapped_column(sa.JSON, default=list)  # the steps' texts, in order
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    division_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class DocumentText(db.Model):
    """An organization's own wording of the document's standard opening (หลักการและเหตุผล)."""

    __tablename__ = "document_texts"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
