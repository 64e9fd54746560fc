"""ITA assessments, improvement measures, their steps and progress history."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..ita import StepStatus, Tool, below_pass_mark
from ..orgs.models import Division, Organization, enum_column
from ..timeutil import UTCDateTime, utcnow

SCORE = sa.Numeric(5, 2)


class Assessment(db.Model):
    """The ITA result of one organization for one fiscal year."""

    __tablename__ = "assessments"
    __table_args__ = (sa.UniqueConstraint("organization_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    fiscal_year: Mapped[int]  # Buddhist Era, e.g. 2568
    overall_score: Mapped[Decimal | None] = mapped_column(SCORE)
    level: Mapped[str | None] = mapped_column(sa.String(40))
    iit_score: Mapped[Decimal | None] = mapped_column(SCORE)
    eit1_score: Mapped[Decimal | None] = mapped_column(SCORE)
    eit2_score: Mapped[Decimal | None] = mapped_column(SCORE)
    oit_score: Mapped[Decimal | None] = mapped_column(SCORE)
    source_name: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    indicators: Mapped[list[IndicatorScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="IndicatorScore.number"
    )

    @property
    def eit_score(self) -> Decimal | None:
        """EIT as the overall formula uses it: the mean of its two parts."""
        if self.eit1_score is None or self.eit2_score is None:
            return None
        return (self.eit1_score + self.eit2_score) / 2

    def indicator(self, number: int) -> IndicatorScore | None:
        return next((i for i in self.indicators if i.number == number), None)


class IndicatorScore(db.Model):
    """One of the ten ITA indicators of an assessment, with the agency's analysis."""

    __tablename__ = "indicator_scores"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "number"),
        sa.CheckConstraint("number BETWEEN 1 AND 10", name="number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    tool: Mapped[Tool] = mapped_column(enum_column(Tool, 8))
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    analysis: Mapped[str] = mapped_column(sa.Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="indicators")

    @property
    def below_pass_mark(self) -> bool:
        return below_pass_mark(self.score)


step_divisions = sa.Table(
    "step_divisions",
    db.metadata,
    sa.Column("step_id", sa.ForeignKey("steps.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "division_id", sa.ForeignKey("divisions.id", ondelete="RESTRICT"), primary_key=True, index=True
    ),
)


class Measure(db.Model):
    """An improvement measure for one ITA indicator, run over a fiscal year."""

    __tablename__ = "measures"
    __table_args__ = (
        sa.CheckConstraint("indicator_number BETWEEN 1 AND 10", name="indicator_range"),
        sa.CheckConstraint("start_date <= end_date", name="period_order"),
        sa.Index("ix_measures_org_year", "organization_id", "fiscal_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # The assessment this measure answers (usually that of the previous year).
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    fiscal_year: Mapped[int]  # BE year in which the measure runs, e.g. 2569
    indicator_number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text)  # โครงการ/กิจกรรม
    start_date: Mapped[date]
    end_date: Mapped[date]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    assessment: Mapped[Assessment | None] = relationship()
    steps: Mapped[list[Step]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="Step.position, Step.id"
    )


class Step(db.Model):
    """A numbered step of a measure, assigned to divisions, with a due date.

    `percent` and `status` are the values of the latest progress update,
    kept here so lists need no aggregate; `version` increases with every
    update and detects two people editing at once.
    """

    __tablename__ = "steps"
    __table_args__ = (
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        sa.Index("ix_steps_org_due", "organization_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(sa.Text)
    due_date: Mapped[date]
    percent: Mapped[int] = mapped_column(default=0)
    status: Mapped[StepStatus] = mapped_column(enum_column(StepStatus, 20), default=StepStatus.NOT_STARTED)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="steps")
    divisions: Mapped[list[Division]] = relationship(
        secondary=step_divisions, order_by="Division.position, Division.id"
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="step",
        order_by="ProgressUpdate.id.desc()",
        passive_deletes=True,
    )

    @property
    def number(self) -> int:
        """The step's number within its measure, as people cite it; services
        keep positions contiguous from 1."""
        return self.position

    @property
    def is_done(self) -> bool:
        return self.status == StepStatus.DONE


class ProgressUpdate(db.Model):
    """One entry of a step's progress history. Append-only: never edited or deleted."""

    __tablename__ = "progress_updates"
    __table_args__ = (sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("steps.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    work_date: Mapped[date]  # when the work was done, as the author says
    percent: Mapped[int]
    status: Mapped[StepStatus] = mapped_column(enum_column(StepStatus, 20))
    note: Mapped[str] = mapped_column(sa.Text)
    blocked_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The step version this update produced; a form based on an older one is stale.
    step_version: Mapped[int]

    step: Mapped[Step] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="update", order_by="Evidence.id", passive_deletes=True
    )


class Evidence(db.Model):
    """A file attached to a progress update, stored under instance/ with a random name."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int] = mapped_column(
        sa.ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Shown on the organization's public progress page (an admin's decision).
    is_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    update: Mapped[ProgressUpdate] = relationship(back_populates="evidence")


class HistoryIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete recorded history."""


# Whether a file is published is a decision about the record, not part of the
# history it records, so it alone may change.
EVIDENCE_SETTINGS = frozenset({"is_public"})


def _changed_attributes(target) -> set[str]:
    return {attr.key for attr in sa.inspect(target).attrs if attr.history.has_changes()}


@event.listens_for(ProgressUpdate, "before_update")
@event.listens_for(Evidence, "before_update")
def _refuse_history_change(mapper, connection, target) -> None:
    if isinstance(target, Evidence) and _changed_attributes(target) <= EVIDENCE_SETTINGS:
        return
    raise HistoryIsAppendOnly(
        f"{type(target).__name__} {target.id} is history and cannot be changed; record a new update"
    )


@event.listens_for(ProgressUpdate, "before_delete")
def _refuse_history_delete(mapper, connection, target) -> None:
    raise HistoryIsAppendOnly(
        f"ProgressUpdate {target.id} is history and cannot be deleted; record a new update"
    )
