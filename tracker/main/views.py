"""Home page: each role starts where its daily work is."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..measures.models import Measure
from ..thai import fiscal_year
from ..timeutil import org_today

bp = Blueprint("main", __name__)


def organization_today():
    """Today in the signed-in user's organization."""
    return org_today(current_user.organization)


@bp.route("/")
@login_required
def home():
    today = organization_today()
    measures = db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == current_user.organization_id)
        .order_by(Measure.fiscal_year.desc(), Measure.indicator_number, Measure.position)
    ).all()
    return render_template(
        "main/home.html", measures=measures, today=today, current_fiscal_year=fiscal_year(today)
    )


@bp.route("/healthz")
def health():
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
