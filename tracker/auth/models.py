"""User and division membership models, and the roles."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..orgs.models import Division, Organization, enum_column
from ..timeutil import UTCDateTime, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"  # manages users, divisions, measures, imports
    EXECUTIVE = "executive"  # ปลัด / รองปลัด: reads everything, monitors, receives digests
    DIVISION_HEAD = "division_head"  # updates steps of their divisions
    STAFF = "staff"  # updates steps of their divisions


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def password_hash_method() -> str:
    """How passwords are hashed: scrypt, unless PASSWORD_HASH_METHOD says otherwise (tests use a fast one)."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.STAFF)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # The id kept in the session cookie: replacing it signs the user out
    # everywhere (password change, deactivation).
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A password chosen by an administrator: its owner must replace it at sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)

    organization: Mapped[Organization] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # --- Flask-Login -----------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        # Flask-Login keeps this in the session (and remember-me) cookie: the
        # token of the server-side session record, so that deleting the
        # record signs that browser out (see tracker.auth.sessions).
        token = getattr(self, "session_record_token", None)
        if token is None:
            raise RuntimeError("sign users in through tracker.auth.sessions.start_session")
        return token

    # UserMixin compares get_id(), which names a session: compare accounts instead.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    # --- passwords ---------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # --- roles -------------------------------------------------------------
    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_executive(self) -> bool:
        return self.role == Role.EXECUTIVE

    @property
    def sees_dashboard(self) -> bool:
        """Executives and admins start on the dashboard; others on My work."""
        return self.role in (Role.ADMIN, Role.EXECUTIVE)

    @property
    def division_ids(self) -> set[int]:
        return {m.division_id for m in self.memberships}

    @property
    def headed_division_ids(self) -> set[int]:
        return {m.division_id for m in self.memberships if m.is_head}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(db.Model):
    """A user belongs to one or more divisions, possibly as its head."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    division_id: Mapped[int] = mapped_column(
        sa.ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_head: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    division: Mapped[Division] = relationship(back_populates="memberships")


class LoginAttempt(db.Model):
    """One sign-in attempt, kept for a day to slow down password guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_created", "email", "created_at"),
        sa.Index("ix_login_attempts_ip_created", "ip", "created_at"),
        sa.Index("ix_login_attempts_device_created", "device", "created_at"),
        sa.Index("ix_login_attempts_created_at", "created_at"),  # the daily clean-up
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))  # as typed, lower-cased; may be unknown
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    # The nonce of the device cookie the browser showed for this account, or
    # "" for an untrusted client (tracker.auth.throttle).
    device: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserSession(db.Model):
    """One signed-in browser. Its token lives (signed) in the session cookie;
    deleting the row signs that browser out, whatever cookie it kept."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: a copy of the database does not let anyone in.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the absolute limit
    remember: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")

    user: Mapped[User] = relationship()
