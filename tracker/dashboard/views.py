"""My work for division heads and staff; the dashboard for executives and admins."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from ..i18n import format_fiscal_year
from ..ita import MeasureState, WorkGroup
from ..labels import INDICATOR_NAMES
from ..measures import queries
from ..measures.filters import read_filters
from ..measures.status import DUE_SOON_DAYS
from ..web.current import organization_today
from . import charts

bp = Blueprint("dashboard", __name__)


@bp.route("/my-work")
@login_required
def my_work():
    """The steps of the user's divisions, most urgent first, grouped as people act on them."""
    today = organization_today()
    filters = read_filters(request.args, current_user.organization_id, today)
    division_ids = current_user.division_ids
    lines = queries.my_work(current_user.organization_id, division_ids, filters.fiscal_year, today) if division_ids else []
    groups = [(group, [line for line in lines if line.group == group]) for group in WorkGroup]
    return render_template(
        "dashboard/my_work.html",
        filters=filters,
        groups=groups,
        lines=lines,
        my_divisions=[d for d in filters.divisions if d.id in division_ids],
        today=today,
    )


@bp.route("/dashboard")
@login_required
def overview():
    """What the deputy clerk needs to see: what is late, where, by how much, and the trend."""
    today = organization_today()
    filters = read_filters(request.args, current_user.organization_id, today)
    summary = queries.summarize(current_user.organization_id, filters.fiscal_year, today, division_id=filters.division_id)
    history = queries.assessment_history(current_user.organization_id)

    def steps_link(**args) -> str:
        return url_for("measures.step_list", **filters.args(**args))

    return render_template(
        "dashboard/overview.html",
        filters=filters,
        summary=summary,
        history=history,
        indicator_chart=charts.indicator_chart(
            summary, lambda n: str(INDICATOR_NAMES[n]), lambda n: steps_link(indicator=n)
        ),
        trend_chart=charts.trend_chart(history, format_fiscal_year),
        steps_link=steps_link,
        measures_link=lambda **args: url_for("measures.measure_list", **filters.args(**args)),
        groups=list(WorkGroup),
        states=list(MeasureState),
        window=DUE_SOON_DAYS,
        today=today,
    )
