"""Single-use account links (invitation, password reset) and second-factor secrets and recovery codes."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..orgs.models import enum_column
from ..timeutil import UTCDateTime, utcnow
from .models import User


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"  # set the first password of an invited account
    PASSWORD_RESET = "password_reset"  # "forgot my password"


class AccountToken(db.Model):
    """A link sent by e-mail. Only the SHA-256 of the token is kept, so that a
    copy of the database does not give anyone a working link."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, 20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class TwoFactor(db.Model):
    """A user's TOTP secret; `enabled_at` is set once they confirmed it with a code."""

    __tablename__ = "two_factor_secrets"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(sa.String(64))
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last time step whose code was accepted: a code is good only once.
    last_counter: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Wrong codes since the last right one: every few, the password is asked again.
    failed_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecoveryCode(db.Model):
    """One of the ten single-use codes that replace the authenticator app once (hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
