"""My work for division heads and staff; the dashboard for executives and admins."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..exports import download, requested_format
from ..i18n import format_fiscal_year
from ..instructions.services import unanswered_by_division
from ..ita import MeasureState, WorkGroup
from ..labels import indicator_name
from ..measures import queries
from ..measures.exports import division_columns, step_columns
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
    lines = queries.my_work(current_user.organization_id, division_ids, filters.fiscal_year, today,
                            divisions=filters.divisions) if division_ids else []
    groups = [(group, [line for line in lines if line.group == group]) for group in WorkGroup]
    # Carried-over steps are no work of this year: shown only when looking back at their year.
    groups = [(group, items) for group, items in groups if items or group != WorkGroup.CARRIED]
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
    history = queries.assessment_history(current_user.organization_id)
    summary = queries.summarize(current_user.organization_id, filters.fiscal_year, today, division_id=filters.division_id,
                                divisions=filters.divisions, assessments=history)
    if (fmt := requested_format()) and request.args.get("list") in DASHBOARD_LISTS:
        return export_list(fmt, request.args["list"], summary)

    def steps_link(**args) -> str:
        return url_for("measures.step_list", **filters.args(**args))

    return render_template(
        "dashboard/overview.html",
        filters=filters,
        summary=summary,
        history=history,
        indicator_chart=charts.indicator_chart(
            summary, indicator_name, lambda n: steps_link(indicator=n)
        ),
        trend_chart=charts.trend_chart(history, format_fiscal_year),
        steps_link=steps_link,
        measures_link=lambda **args: url_for("measures.measure_list", **filters.args(**args)),
        groups=list(WorkGroup),
        states=list(MeasureState),
        window=DUE_SOON_DAYS,
        today=today,
        unanswered=unanswered_by_division(current_user.organization_id, filters.fiscal_year),
    )


DASHBOARD_LISTS = ("overdue", "due_soon", "divisions")


def export_list(fmt: str, name: str, summary):
    """One of the dashboard's lists as a file: the overdue steps, those due soon, the divisions."""
    if name == "divisions":
        columns, rows, title = division_columns(), summary.divisions, _("By division")
    else:
        columns, rows = step_columns(show_group=False), getattr(summary, name)
        title = _("Overdue steps") if name == "overdue" else _("Due soon")
    return download(fmt, f"{name}-{summary.fiscal_year}", columns, rows, title=title)
