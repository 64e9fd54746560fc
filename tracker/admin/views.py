"""Administration pages (admins only)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..auth.models import Membership, User
from ..auth.permissions import admin_required
from ..extensions import db
from ..orgs.models import Division

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_required
def index():
    users = db.session.scalars(
        sa.select(User)
        .where(User.organization_id == current_user.organization_id)
        .options(selectinload(User.memberships).selectinload(Membership.division))
        .order_by(User.display_name)
    ).all()
    divisions = db.session.scalars(
        sa.select(Division)
        .where(Division.organization_id == current_user.organization_id)
        .order_by(Division.position, Division.id)
    ).all()
    return render_template("admin/index.html", users=users, divisions=divisions)
