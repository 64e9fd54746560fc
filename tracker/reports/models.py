"""Public-page settings, notes hidden from the public, and calendar feeds."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..orgs.models import enum_column
from ..timeutil import UTCDateTime, utcnow


class PublicPage(db.Model):
    """Whether an organization publishes its progress page, off until an admin enables it.

    `changed_at` moves with every publishing decision (the page switched on,
    a note hidden, a file made public), so that the page's cache validators
    change when what the public sees changes.
    """

    __tablename__ = "public_pages"

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=False)
    # Notes reach the public page only after an administrator approved each one.
    review_notes: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    changed_by: Mapped[User | None] = relationship()


class ApprovedNote(db.Model):
    """A progress note an admin read and let onto the public page (when notes are reviewed)."""

    __tablename__ = "approved_notes"

    update_id: Mapped[int] = mapped_column(
        sa.ForeignKey("progress_updates.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HiddenNote(db.Model):
    """A progress note that an admin keeps off the public page."""

    __tablename__ = "hidden_notes"

    update_id: Mapped[int] = mapped_column(
        sa.ForeignKey("progress_updates.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedScope(enum.StrEnum):
    MINE = "mine"  # the deadlines of the user's divisions
    ORGANIZATION = "organization"  # every deadline of the organization (executives, admins)


class CalendarFeed(db.Model):
    """A secret calendar address of one user.

    The token in the address is derived from `nonce` and the application's
    SECRET_KEY, so that its owner can see it again; the database keeps only
    the nonce and a hash of the token, so a copy of the database alone opens
    no feed.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[FeedScope] = mapped_column(enum_column(FeedScope, 20))
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
