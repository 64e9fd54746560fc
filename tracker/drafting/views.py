"""The ITA document pages (administrators): enter a year's results, draft the analysis and measures, adopt them."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..admin.forms import assessment_form_data
from ..auth.permissions import admin_required
from ..concurrency import EditConflict, edit_token
from ..errors import DomainError, show_on_form
from ..forms import status_for
from ..ita import INDICATOR_NAMES
from ..web.current import organization_today
from ..measures import editing
from ..measures.models import Assessment
from ..thai import format_date_numeric
from .docx_writer import render_docx
from .forms import AdoptForm, DraftsForm, NewYearForm, ResultsForm
from .paste import parse_pasted_scores
from .queries import assessment_of_year, assessments_newest_first
from .services import (
    adopt_drafts,
    draft_document,
    drafts_edit_values,
    render_pdf,
    results_warnings,
    save_drafts,
    workspace,
)

bp = Blueprint("drafting", __name__, url_prefix="/ita-report")

SCORE_FIELDS = ("overall_score", "iit_score", "eit1_score", "eit2_score", "oit_score")
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _assessment(year: int) -> Assessment | None:
    return assessment_of_year(current_user.organization_id, year)


def _assessment_or_404(year: int) -> Assessment:
    assessment = _assessment(year)
    if assessment is None:
        abort(404)
    return assessment


@bp.get("/")
@admin_required
def index():
    assessments = assessments_newest_first(current_user.organization_id)
    form = NewYearForm(request.args) if "year" in request.args else NewYearForm(formdata=None)
    if "year" in request.args and form.validate():
        return redirect(url_for("drafting.results", year=form.year.data))
    return render_template("drafting/index.html", assessments=assessments, form=form), status_for(form)


# --- the results --------------------------------------------------------------------------------

def _fill_from_paste(form: ResultsForm) -> tuple[int, list[str]]:
    pasted = parse_pasted_scores(form.pasted.data or "")
    for key, name in (("IIT", "iit_score"), ("EIT1", "eit1_score"), ("EIT2", "eit2_score"), ("OIT", "oit_score")):
        if key in pasted.tools:
            form[name].data = f"{pasted.tools[key]:.2f}"
    for number, score in pasted.indicators.items():
        form[f"indicator_{number}"].data = f"{score:.2f}"
    if pasted.overall is not None:
        form.overall_score.data = f"{pasted.overall:.2f}"
    if pasted.level:
        form.level.data = pasted.level
    return pasted.found, pasted.not_understood


def _form_values(form: ResultsForm) -> dict:
    values = {name: form[name].data for name in SCORE_FIELDS}
    values["level"] = form.level.data
    values.update({f"indicator_{n}": form[f"indicator_{n}"].data for n in INDICATOR_NAMES})
    return values


@bp.route("/<int:year>/results", methods=["GET", "POST"])
@admin_required
def results(year: int):
    assessment = _assessment(year)
    conflict = saved = None
    understood, not_understood = None, []
    if request.method == "GET":
        data = assessment_form_data(assessment) if assessment else {"fiscal_year": str(year)}
        form = ResultsForm(formdata=None, **data)
    else:
        form = ResultsForm()
        form.fiscal_year.data = str(year)
        if form.fill.data:
            understood, not_understood = _fill_from_paste(form)
        else:
            try:
                editing.save_assessment(
                    current_user, current_user.organization, assessment=assessment, base_token=form.edit_token.data,
                    fiscal_year=year, level=form.level.data,
                    indicator_scores={n: form[f"indicator_{n}"].data for n in INDICATOR_NAMES},
                    **{name: form[name].data for name in SCORE_FIELDS},
                )
            except EditConflict as error:
                conflict, saved = error, form.rebase(assessment_form_data(_assessment_or_404(year)))
            except DomainError as error:
                show_on_form(form, error)
            else:
                flash(_("The results of fiscal year %(year)s have been saved.", year=year), "success")
                return redirect(url_for("drafting.workspace", year=year))
    return render_template(
        "drafting/results.html", form=form, year=year, assessment=assessment, conflict=conflict, saved=saved,
        warnings=results_warnings(_form_values(form)), understood=understood, not_understood=not_understood,
    ), status_for(form, conflict)


# --- the drafts -----------------------------------------------------------------------------------

def _drafts_form_data(space) -> dict:
    data = {"rationale": space.rationale, "edit_token": edit_token(drafts_edit_values(space.assessment))}
    for item in space.indicators:
        n = item.number
        data.update({
            f"analysis_{n}": item.analysis, f"title_{n}": item.measure.title, f"steps_{n}": "\n".join(item.measure.steps),
            f"start_{n}": format_date_numeric(item.measure.start), f"end_{n}": format_date_numeric(item.measure.end),
            f"divisions_{n}": [str(d) for d in item.measure.division_ids],
        })
    return data


def _render_workspace(space, form: DraftsForm, *, conflict=None, saved=None, adopt_form=None, code: int | None = None):
    return render_template(
        "drafting/workspace.html", space=space, form=form, conflict=conflict, saved=saved,
        adopt_form=adopt_form or AdoptForm(formdata=None),
    ), code or status_for(form, conflict)


@bp.route("/<int:year>", methods=["GET", "POST"], endpoint="workspace")
@admin_required
def drafts_page(year: int):
    assessment = _assessment_or_404(year)
    org = current_user.organization
    space = workspace(org, assessment, organization_today())
    if request.method == "GET":
        return _render_workspace(space, DraftsForm(formdata=None, **_drafts_form_data(space)))
    form = DraftsForm()
    try:
        save_drafts(
            current_user, org, assessment, base_token=form.edit_token.data, rationale=form.rationale.data,
            analyses={n: form[f"analysis_{n}"].data for n in INDICATOR_NAMES},
            measures={n: {"title": form[f"title_{n}"].data, "steps": form[f"steps_{n}"].data,
                          "start_date": form[f"start_{n}"].data, "end_date": form[f"end_{n}"].data,
                          "division_ids": form[f"divisions_{n}"].data} for n in INDICATOR_NAMES},
        )
    except EditConflict as error:
        space = workspace(org, _assessment_or_404(year), organization_today())
        return _render_workspace(space, form, conflict=error, saved=form.rebase(_drafts_form_data(space)))
    except DomainError as error:
        show_on_form(form, error)
        return _render_workspace(space, form)
    flash(_("The drafts have been saved."), "success")
    return redirect(url_for("drafting.workspace", year=year))


@bp.get("/<int:year>/document.<any(docx, pdf):output>")
@admin_required
def document(year: int, output: str):
    assessment = _assessment_or_404(year)
    org = current_user.organization
    doc = draft_document(org, workspace(org, assessment, organization_today()),
                         thai_digits=request.args.get("thai_digits") == "1")
    content = render_docx(doc) if output == "docx" else render_pdf(doc)
    name = f"ita-{org.slug}-{year}.{output}"
    return send_file(BytesIO(content), mimetype=DOCUMENT_TYPES[output], as_attachment=True, download_name=name)


@bp.post("/<int:year>/adopt")
@admin_required
def adopt(year: int):
    assessment = _assessment_or_404(year)
    org = current_user.organization
    form = AdoptForm()
    if form.validate():
        try:
            summary = adopt_drafts(current_user, org, assessment, today=organization_today(),
                                   replace=form.replace.data, remove_reported_steps=form.remove_reported.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("Fiscal year %(year)s now has %(measures)s measures with %(steps)s steps.", year=year + 1,
                    measures=len(summary.measures),
                    steps=summary.step_count), "success")
            return redirect(url_for("measures.measure_list", fiscal_year=year + 1))
    space = workspace(org, assessment, organization_today())
    return _render_workspace(space, DraftsForm(formdata=None, **_drafts_form_data(space)), adopt_form=form, code=400)
