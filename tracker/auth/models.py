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
        return self.session_token

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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))  # as typed, lower-cased; may be unknown
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
