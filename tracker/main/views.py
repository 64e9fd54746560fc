"""Home page: each role starts where its daily work is."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask_login import current_user, login_required

from ..extensions import db
from ..timeutil import org_today

bp = Blueprint("main", __name__)


def organization_today():
    """Today in the signed-in user's organization."""
    return org_today(current_user.organization)


@bp.route("/")
@login_required
def home():
    """Executives and admins start on the dashboard; division heads and staff on My work."""
    from ..dashboard.views import my_work, overview

    return overview() if current_user.sees_dashboard else my_work()


@bp.route("/healthz")
def health():
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
