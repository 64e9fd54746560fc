"""The search page behind the navigation bar's box, and its results as a file."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..exports import Column, download, requested_format
from . import services

bp = Blueprint("search", __name__)


def result_rows(results: services.SearchResults) -> list[dict]:
    """Every hit as one line of the downloaded list: kind, text, where, link."""
    rows = []
    for measure in results.measures.rows:
        rows.append({"kind": _("Measures"), "text": measure.title, "where": "",
                     "url": url_for("measures.measure_detail", measure_id=measure.id, _external=True)})
    for step in results.steps.rows:
        rows.append({"kind": _("Steps"), "text": step.text,
                     "where": f"{_('Step %(number)s', number=step.number)} · {step.measure.title}",
                     "url": url_for("measures.step_detail", step_id=step.id, _external=True)})
    for update in results.notes.rows:
        rows.append({"kind": _("Progress notes"), "text": update.note,
                     "where": f"{_('Step %(number)s', number=update.step.number)} · {update.step.measure.title}",
                     "url": url_for("measures.step_detail", step_id=update.step_id, _anchor=f"update-{update.id}",
                                    _external=True)})
    for instruction in results.instructions.rows:
        rows.append({"kind": _("Instructions"), "text": instruction.body, "where": instruction.measure.title,
                     "url": url_for("instructions.thread", instruction_id=instruction.id, _external=True)})
    for hit in results.files.rows:
        rows.append({"kind": _("Files"), "text": hit.name, "where": "",
                     "url": url_for(hit.endpoint, **hit.values, _external=True)})
    return rows


@bp.route("/search")
@login_required
def search():
    results = services.search(current_user.organization_id, request.args.get("q"))
    if (fmt := requested_format()) and not results.too_short:
        columns = [Column(_("Kind"), lambda r: r["kind"], 16), Column(_("Found in"), lambda r: r["text"], 60),
                   Column(_("Where"), lambda r: r["where"], 40), Column(_("Link"), lambda r: r["url"], 40)]
        return download(fmt, _("search"), columns, result_rows(results), title=_("Search"))
    return render_template("search/results.html", results=results, min_length=services.MIN_LENGTH)
