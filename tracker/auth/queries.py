"""Read-only queries over an organization's users, for pages of other domains (admin, audit log)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Membership, User


def users_with_divisions(organization_id: int) -> list[User]:
    """The organization's accounts, active ones first, with their divisions loaded."""
    return list(db.session.scalars(
        sa.select(User)
        .where(User.organization_id == organization_id)
        .options(selectinload(User.memberships).selectinload(Membership.division))
        .order_by(User.active.desc(), User.display_name)
    ))


def users_by_name(organization_id: int) -> list[User]:
    """The organization's accounts in the order of their names."""
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == organization_id).order_by(User.display_name)))
