"""Pages of measures and steps: reading, recording progress, evidence files, and the administrator's edits."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.permissions import admin_required
from ..concurrency import EditConflict, edit_token
from ..clock import utcnow
from ..errors import DomainError, InvalidFields, NotFound, PermissionDenied, show_on_form
from ..exports import download, requested_format
from ..forms import status_for
from ..input import parse_id
from ..orgs.services import divisions_in_use
from ..thai import fiscal_year as fiscal_year_of
from ..thai import fiscal_year_bounds, format_date_numeric
from ..web.current import organization_today
from . import carryover, editing, exports, queries, services, status, withdrawal
from .downloads import send_file_of_organization
from .filters import read_filters
from .forms import MeasureForm, ProgressForm, StepForm, WithdrawForm
from .models import Evidence, Measure, Step
from .policy import can_update_step

bp = Blueprint("measures", __name__)



# --- lists behind the dashboard's figures ---------------------------------------

@bp.route("/measures")
@login_required
def measure_list():
    today = organization_today()
    filters = read_filters(request.args, current_user.organization_id, today)
    summary = queries.summarize(current_user.organization_id, filters.fiscal_year, today, division_id=filters.division_id)
    lines = summary.measures_matching(filters.state, filters.indicator)
    if fmt := requested_format():
        return download(fmt, _("measures-%(year)s", year=filters.fiscal_year), exports.measure_columns(), lines,
                        title=_("Measures"))
    return render_template("measures/measure_list.html", lines=lines, filters=filters, today=today,
                           states=list(status.MeasureState))


@bp.route("/steps")
@login_required
def step_list():
    today = organization_today()
    filters = read_filters(request.args, current_user.organization_id, today)
    summary = queries.summarize(current_user.organization_id, filters.fiscal_year, today, division_id=filters.division_id)
    lines = summary.steps_matching(filters.group, filters.indicator, filters.moved)
    if fmt := requested_format():
        return download(fmt, _("steps-%(year)s", year=filters.fiscal_year), exports.step_columns(), lines,
                        title=_("Steps"))
    return render_template("measures/step_list.html", lines=lines, filters=filters, today=today,
                           groups=list(status.WorkGroup))


# --- a measure ------------------------------------------------------------------

def _load_measure(measure_id: int) -> Measure:
    key = parse_id(measure_id)
    measure = queries.measure_with_steps(current_user.organization_id, key) if key is not None else None
    if measure is None:
        abort(404)
    return measure


@bp.route("/measures/<int:measure_id>")
@login_required
def measure_detail(measure_id: int):
    measure = _load_measure(measure_id)
    today = organization_today()
    facts = [status.StepFacts(s.status, s.percent, s.due_date) for s in measure.steps]
    assessment = measure.assessment or queries.assessment_for_measures(measure.organization_id, measure.fiscal_year)
    return render_template(
        "measures/measure.html",
        measure=measure,
        today=today,
        progress=status.mean_progress(f.percent for f in facts),
        state=status.measure_state(facts, today),
        indicator=queries.indicator_score(assessment.id, measure.indicator_number) if assessment else None,
        assessment=assessment,
        latest=queries.latest_updates([s.id for s in measure.steps]),
        status=status,
    )


# --- a step and its progress -------------------------------------------------------

def _load_step(step_id: int) -> Step:
    key = parse_id(step_id)
    step = queries.step_with_history(current_user.organization_id, key) if key is not None else None
    if step is None:
        abort(404)
    return step


def _progress_form(step: Step, today) -> ProgressForm:
    return ProgressForm(
        formdata=None,
        percent=str(step.percent),
        status=step.status.value,
        work_date=format_date_numeric(today),
        base_version=step.version,
    )


def _render_step(step: Step, form: ProgressForm | None, *, conflict=None, code: int = 200, reattach=False,
                 withdraw_form: WithdrawForm | None = None, withdraw_id: int | None = None):
    today = organization_today()
    can_update = can_update_step(current_user, step)
    now = utcnow()
    if can_update and form is None:
        form = _progress_form(step, today)
    return render_template(
        "measures/step.html",
        step=step,
        today=today,
        group=status.work_group(step.status, step.due_date, today),
        days_left=status.days_until(step.due_date, today),
        can_update=can_update,
        form=form,
        conflict=conflict,
        reattach=reattach,
        max_mb=current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024),
        max_files=current_app.config["EVIDENCE_MAX_FILES"],
        status=status,
        withdrawable={u.id for u in step.updates if withdrawal.can_withdraw(current_user, u, now)},
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        withdraw_id=withdraw_id,
        carried_to=queries.carried_successor(step),
        days_late_original=status.days_late_against(step.original_due_date, step.status, today),
    ), code


@bp.route("/steps/<int:step_id>")
@login_required
def step_detail(step_id: int):
    return _render_step(_load_step(step_id), None)


@bp.post("/steps/<int:step_id>/progress")
@login_required
def record_step_progress(step_id: int):
    step = _load_step(step_id)
    form = ProgressForm()
    files = request.files.getlist(form.files.name)
    # Browsers never refill a file input, so a refused form must say so.
    reattach = any(f.filename for f in files)
    try:
        services.record_progress(
            current_user,
            step,
            percent=form.percent.data,
            status=form.status.data,
            note=form.note.data,
            work_date=form.work_date.data,
            files=files,
            base_version=form.base_version.data,
            blocked_reason=form.blocked_reason.data,
            today=organization_today(),
        )
    except services.StaleProgress as conflict:
        form.base_version.data = conflict.current_version
        return _render_step(_load_step(step_id), form, conflict=conflict, code=409, reattach=reattach)
    except (PermissionDenied, NotFound):
        raise  # their own error pages (403, 404)
    except DomainError as error:
        show_on_form(form, error)
        return _render_step(_load_step(step_id), form, code=400, reattach=reattach)
    flash(_("Progress saved. Thank you."), "success")
    return redirect(url_for("measures.step_detail", step_id=step_id, _anchor="history"))


@bp.post("/progress/<int:update_id>/withdraw")
@login_required
def withdraw_progress(update_id: int):
    update = queries.progress_update_in_org(update_id, current_user.organization_id)
    if update is None:
        abort(404)
    step_id = update.step_id
    form = WithdrawForm()
    try:
        withdrawal.withdraw_progress(current_user, update, reason=form.reason.data)
    except (PermissionDenied, NotFound):
        raise
    except InvalidFields as error:
        show_on_form(form, error)
        return _render_step(_load_step(step_id), None, code=400, withdraw_form=form, withdraw_id=update_id)
    except DomainError as error:  # withdrawn already, or progress recorded meanwhile
        flash(str(error.message), "danger")
        return redirect(url_for("measures.step_detail", step_id=step_id, _anchor=f"update-{update_id}"))
    flash(_("The entry has been withdrawn; the step's progress now follows the remaining entries."), "success")
    return redirect(url_for("measures.step_detail", step_id=step_id, _anchor=f"update-{update_id}"))


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int):
    """An evidence file, for signed-in users of its organization only."""
    return send_file_of_organization(Evidence, evidence_id, current_user.organization_id,
                                     download=bool(request.args.get("download")))


# --- the administrator's edits ---------------------------------------------------------

def _measure_form_defaults(measure: Measure | None, fiscal_year: int) -> dict:
    if measure is None:
        first, last = fiscal_year_bounds(fiscal_year)
        return dict(fiscal_year=str(fiscal_year), indicator_number="1",
                    start_date=format_date_numeric(first), end_date=format_date_numeric(last))
    return dict(
        fiscal_year=str(measure.fiscal_year),
        indicator_number=str(measure.indicator_number),
        title=measure.title,
        start_date=format_date_numeric(measure.start_date),
        end_date=format_date_numeric(measure.end_date),
        edit_token=edit_token(editing.measure_edit_values(measure)),
    )


def _measure_values(form: MeasureForm) -> dict:
    return dict(fiscal_year=form.fiscal_year.data, indicator_number=form.indicator_number.data,
                title=form.title.data, start_date=form.start_date.data, end_date=form.end_date.data)


@bp.route("/measures/new", methods=["GET", "POST"])
@admin_required
def measure_create():
    today = organization_today()
    year = queries.default_fiscal_year(current_user.organization_id, today)
    if request.method == "GET":
        form = MeasureForm(formdata=None, **_measure_form_defaults(None, year))
    else:
        form = MeasureForm()
        try:
            measure = editing.create_measure(current_user, current_user.organization, **_measure_values(form))
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The measure has been added. Now add its steps."), "success")
            return redirect(url_for("measures.measure_detail", measure_id=measure.id))
    return render_template("measures/measure_form.html", form=form, measure=None), status_for(form)


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@admin_required
def measure_edit(measure_id: int):
    measure = _load_measure(measure_id)
    conflict = saved = None
    if request.method == "GET":
        form = MeasureForm(formdata=None, **_measure_form_defaults(measure, measure.fiscal_year))
    else:
        form = MeasureForm()
        try:
            editing.update_measure(current_user, measure, **_measure_values(form), base_token=form.edit_token.data)
        except EditConflict as error:
            measure = _load_measure(measure_id)
            conflict, saved = error, form.rebase(_measure_form_defaults(measure, measure.fiscal_year))
        except DomainError as error:
            show_on_form(form, error)
            measure = _load_measure(measure_id)
        else:
            flash(_("The measure has been saved."), "success")
            return redirect(url_for("measures.measure_detail", measure_id=measure.id))
    return render_template("measures/measure_form.html", form=form, measure=measure, conflict=conflict,
                           saved=saved), status_for(form, conflict)


@bp.post("/measures/<int:measure_id>/remove")
@admin_required
def measure_remove(measure_id: int):
    measure = _load_measure(measure_id)
    try:
        editing.remove_measure(current_user, measure)
    except DomainError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("measures.measure_edit", measure_id=measure_id))
    flash(_("The measure has been removed."), "success")
    return redirect(url_for("measures.measure_list"))


def _step_form_data(step: Step) -> dict:
    return dict(text=step.text, due_date=format_date_numeric(step.due_date),
                divisions=[str(d.id) for d in step.divisions], edit_token=edit_token(editing.step_edit_values(step)))


def _render_step_form(form: StepForm, measure: Measure, step: Step | None, *,
                      conflict: EditConflict | None = None, saved: StepForm | None = None,
                      needs_confirmation: bool = False):
    choices = divisions_in_use(current_user.organization_id, keep=[d.id for d in step.divisions] if step else ())
    for each in (form, saved) if saved else (form,):
        each.divisions.choices = [SelectChoice(str(d.id), d.name) for d in choices]
    return render_template("measures/step_form.html", form=form, measure=measure, step=step,
                           division_choices=choices, conflict=conflict, saved=saved,
                           needs_confirmation=needs_confirmation), status_for(form, conflict)


@bp.route("/measures/<int:measure_id>/steps/new", methods=["GET", "POST"])
@admin_required
def step_create(measure_id: int):
    measure = _load_measure(measure_id)
    if request.method == "GET":
        form = StepForm(formdata=None, due_date=format_date_numeric(measure.end_date))
    else:
        form = StepForm()
        try:
            editing.add_step(current_user, measure, text=form.text.data, due_date=form.due_date.data,
                             division_ids=form.divisions.data or [])
        except DomainError as error:
            show_on_form(form, error)
            measure = _load_measure(measure_id)
        else:
            flash(_("The step has been added."), "success")
            return redirect(url_for("measures.measure_detail", measure_id=measure_id, _anchor="steps"))
    return _render_step_form(form, measure, None)


@bp.route("/steps/<int:step_id>/edit", methods=["GET", "POST"])
@admin_required
def step_edit(step_id: int):
    step = _load_step(step_id)
    if request.method == "GET":
        form = StepForm(formdata=None, **_step_form_data(step))
    else:
        form = StepForm()
        try:
            editing.update_step(current_user, step, text=form.text.data, due_date=form.due_date.data,
                                division_ids=form.divisions.data or [], base_token=form.edit_token.data,
                                due_date_reason=form.due_date_reason.data,
                                confirm_due_date=bool(form.confirm_due_date.data))
        except EditConflict as conflict:
            step = _load_step(step_id)
            return _render_step_form(form, step.measure, step, conflict=conflict,
                                     saved=form.rebase(_step_form_data(step)))
        except DomainError as error:
            show_on_form(form, error)
            step = _load_step(step_id)
            return _render_step_form(form, step.measure, step,
                                     needs_confirmation=isinstance(error, editing.DueDateNeedsConfirmation))
        else:
            flash(_("The step has been saved."), "success")
            return redirect(url_for("measures.measure_detail", measure_id=step.measure_id, _anchor="steps"))
    return _render_step_form(form, step.measure, step)


@bp.post("/steps/<int:step_id>/move")
@admin_required
def step_move(step_id: int):
    step = _load_step(step_id)
    editing.move_step(current_user, step, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("measures.measure_detail", measure_id=step.measure_id, _anchor=f"step-{step.id}"))


@bp.post("/steps/<int:step_id>/remove")
@admin_required
def step_remove(step_id: int):
    step = _load_step(step_id)
    measure_id = step.measure_id
    try:
        editing.remove_step(current_user, step)
    except DomainError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("measures.step_edit", step_id=step_id))
    flash(_("The step has been removed; the remaining steps were renumbered."), "success")
    return redirect(url_for("measures.measure_detail", measure_id=measure_id, _anchor="steps"))


# --- a new fiscal year ------------------------------------------------------------------

def _carry_over_year(years: list[int], today) -> int | None:
    """The year to carry over by default: the latest ended year with measures, else the current one."""
    current = fiscal_year_of(today)
    ended = [y for y in years if y < current]
    if ended:
        return ended[0]
    return current if current in years else None


@bp.route("/fiscal-years/carry-over", methods=["GET", "POST"])
@admin_required
def carry_over_page():
    """เริ่มปีงบประมาณใหม่: choose the unfinished steps of a year to carry into the next, with their new due dates."""
    org = current_user.organization
    today = organization_today()
    years = [y for y in queries.fiscal_years_with_measures(org.id) if y <= fiscal_year_of(today)]
    year = request.values.get("year", type=int)
    if year not in years:
        year = _carry_over_year(years, today)
    plan = refusal = None
    errors: dict = {}
    if year is not None:
        try:
            plan = carryover.plan_carry_over(org, year)
        except carryover.NothingToCarry as error:
            refusal = error.message
    if request.method == "POST" and plan is not None:
        chosen = {}
        for value in request.form.getlist("carry"):
            if value.isdigit():
                chosen[int(value)] = request.form.get(f"due_{value}", "")
        try:
            carryover.apply_choices(plan, chosen)
            carryover.carry_over(current_user, plan)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            errors = getattr(error, "errors", None) or {"": [error.message]}
            try:  # the page again as it is now; the administrator's input is shown from `typed`
                plan = carryover.plan_carry_over(org, year)
            except carryover.NothingToCarry as again:
                plan, refusal = None, again.message
        else:
            flash(_("%(count)s step(s) were carried over into fiscal year %(year)s.", count=plan.chosen_count,
                    year=plan.to_year), "success")
            return redirect(url_for("dashboard.overview", year=plan.to_year))
    return render_template("measures/carry_over.html", plan=plan, refusal=refusal, years=years, year=year,
                           errors=errors, typed=request.form if request.method == "POST" else None,
                           today=today), 400 if errors else 200
