"""Import pages (admins only): upload or paste a report, review the preview, confirm."""
from __future__ import annotations

import copy
import os
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import admin_required
from ..errors import DomainError, NotFound
from ..measures import queries as measure_queries
from ..measures.models import Assessment
from ..orgs.services import divisions_in_use, name_key
from ..scoping import get_in_org_or_404
from ..timeutil import utcnow
from ..web.transaction import after_commit
from .forms import UploadForm, preview_form
from .parser import parse_upload, size_error
from .pending import PendingImport, PendingImports
from .result import ParseResult
from .services import ImportPlan, import_report, keep_current_due_dates, plan_import

bp = Blueprint("importer", __name__, url_prefix="/import")


def pending_imports() -> PendingImports:
    hours = current_app.config.get("IMPORT_PENDING_HOURS", 24)
    return PendingImports(Path(current_app.instance_path) / "imports", timedelta(hours=hours))


@bp.route("/", methods=["GET", "POST"])
@admin_required
def upload():
    form = UploadForm()
    errors: list = []
    if form.validate_on_submit():
        result, filename = read_submitted_report(form)
        if result.errors:
            errors = result.errors
        else:
            pending = start_pending_import(result, filename)
            return redirect(url_for(".preview", token=pending.token))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "importer/upload.html", form=form, errors=errors, imported=imported_years()
    ), status


def read_submitted_report(form: UploadForm) -> tuple[ParseResult, str]:
    """Parse the uploaded file or the pasted text; a file over the limit is never read."""
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    known = [d.name for d in divisions_in_use(current_user.organization_id)]
    if form.has_file():
        upload = form.report.data
        filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:255]
        stream = upload.stream
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        if (too_large := size_error(filename, size, max_bytes)) is not None:
            return too_large, filename
        return parse_upload(filename, stream.read(), max_bytes, known_divisions=known), filename
    data = form.text.data.encode("utf-8")
    return parse_upload("", data, max_bytes, known_divisions=known), ""


def start_pending_import(result: ParseResult, filename: str) -> PendingImport:
    store = pending_imports()
    now = utcnow()
    store.remove_expired(now)
    # A re-import shows the kept steps with the due dates people already work to.
    keep_current_due_dates(plan_import(current_user.organization, result))
    return store.create(
        organization_id=current_user.organization_id,
        user_id=current_user.id,
        filename=filename,
        result=result,
        now=now,
    )


def imported_years() -> list[tuple[Assessment, int]]:
    """The organization's assessments with the number of measures that answer each."""
    return measure_queries.assessments_with_measure_counts(current_user.organization_id)


def load_pending_or_404(token: str) -> PendingImport:
    pending = pending_imports().load(
        token, organization_id=current_user.organization_id, user_id=current_user.id, now=utcnow()
    )
    if pending is None:
        raise NotFound(_l(
            "This import does not exist, has expired or was already confirmed. "
            "Please upload the report again."
        ))
    return pending


@bp.route("/<token>", methods=["GET", "POST"])
@admin_required
def preview(token: str):
    pending = load_pending_or_404(token)
    org = current_user.organization
    plan = plan_import(org, pending.result, division_choices=pending.division_choices)
    form = preview_form(plan, divisions_in_use(current_user.organization_id))
    if request.method == "GET":
        for problem in plan.problems:
            form.add_problem(problem.field, problem.message)
        return render_preview(pending, plan, form)

    # Check the edits on a copy: a date typed wrong changes nothing, while the
    # dates typed right are still checked against the rules, so that every
    # problem shows next to its field at once.
    typed_well = form.validate_on_submit()
    edited = copy.deepcopy(pending.result)
    for (m, s), due in form.due_dates().items():
        edited.measures[m].steps[s].due = due
    choices = form.division_choices()
    plan = plan_import(org, edited, division_choices=choices)
    for problem in plan.problems:
        form.add_problem(problem.field, problem.message)
    if not typed_well or plan.problems:
        return render_preview(pending, plan, form), 400

    pending.result, pending.division_choices = edited, choices
    pending_imports().save(pending)  # the edits survive a reload; the database is untouched
    if not form.confirm.data:
        flash(_("The preview has been updated. Nothing is saved until you confirm."), "info")
        return redirect(url_for(".preview", token=token))
    try:
        summary = import_report(
            org,
            pending.result,
            actor=current_user._get_current_object(),
            division_choices=pending.division_choices,
            replace=form.replace_confirmed,
            remove_reported_steps=form.removal_confirmed,
            source_name=pending.filename or None,
        )
    except DomainError as error:
        form.add_problem(error.field, error.message)
        return render_preview(pending, plan, form), 400
    after_commit(lambda: pending_imports().delete(token))  # kept if the saving fails
    flash(
        _(
            "The report of fiscal year %(year)s has been imported: %(measures)s measures "
            "and %(steps)s steps.",
            year=summary.assessment.fiscal_year,
            measures=len(summary.measures),
            steps=summary.step_count,
        ),
        "success",
    )
    if not summary.assessment_created:
        flash(_("%(kept)s steps were kept with their progress; %(deleted)s steps were deleted.",
                kept=summary.steps_kept, deleted=summary.steps_removed), "info")
    if summary.new_divisions:
        flash(_("New divisions were created: %(names)s. Add their members on the administration page.",
                names=", ".join(d.name for d in summary.new_divisions)), "info")
    return redirect(url_for(".imported", assessment_id=summary.assessment.id))


def render_preview(pending: PendingImport, plan: ImportPlan, form):
    found = pending.result.organization
    return render_template(
        "importer/preview.html",
        pending=pending,
        result=pending.result,
        plan=plan,
        form=form,
        other_organization=found if found and name_key(found) != name_key(plan.organization.name) else None,
    )


@bp.post("/<token>/cancel")
@admin_required
def cancel(token: str):
    pending = load_pending_or_404(token)
    pending_imports().delete(pending.token)
    flash(_("The import has been cancelled; nothing was saved."), "info")
    return redirect(url_for(".upload"))


@bp.route("/done/<int:assessment_id>")
@admin_required
def imported(assessment_id: int):
    assessment = get_in_org_or_404(Assessment, assessment_id, current_user.organization_id)
    measures = measure_queries.measures_of_assessment(current_user.organization_id, assessment.id)
    return render_template("importer/imported.html", assessment=assessment, measures=measures)
