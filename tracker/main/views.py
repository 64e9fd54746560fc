"""Home page: each role starts where its daily work is."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app
from flask_login import current_user, login_required

from ..extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    """Executives and admins start on the dashboard; division heads and staff on My work."""
    # The dashboard's own views, looked up by endpoint: no view module imports another.
    endpoint = "dashboard.overview" if current_user.sees_dashboard else "dashboard.my_work"
    return current_app.view_functions[endpoint]()


@bp.route("/healthz")
def health():
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
