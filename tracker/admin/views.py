"""Administration pages (admins only): users, divisions, ITA scores and the audit log."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..audit import queries as audit_queries
from ..auth import invitations
from ..auth import queries as user_queries
from ..auth import services as user_services
from ..auth.models import Role, User
from ..auth.permissions import admin_required
from ..concurrency import EditConflict, edit_token
from ..input import ids_of, requested_page
from ..errors import DomainError, show_on_form
from ..extensions import db
from ..forms import status_for
from ..ita import INDICATOR_NUMBERS
from ..labels import action_label, target_label
from ..measures import editing, queries
from ..measures.models import Assessment
from ..orgs import services as division_services
from ..orgs.models import Division
from ..scoping import get_in_org_or_404
from ..thai import ThaiDateError, parse_date
from ..timeutil import org_timezone
from .forms import (
    AssessmentForm,
    AuditFilterForm,
    DivisionForm,
    NewUserForm,
    PasswordForm,
    UserForm,
    assessment_form_data,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50


def _render_index(division_form: DivisionForm, code: int = 200):
    users = user_queries.users_with_divisions(current_user.organization_id)
    return render_template("admin/index.html", users=users, divisions=division_services.divisions_of(current_user.organization_id), division_form=division_form), code


@bp.route("/")
@admin_required
def index():
    return _render_index(DivisionForm(formdata=None))


# --- users ---------------------------------------------------------------------

def _user_form_data(user: User) -> dict:
    return dict(display_name=user.display_name, email=user.email, role=user.role.value,
                divisions=[str(i) for i in user.division_ids], heads=[str(i) for i in user.headed_division_ids],
                edit_token=edit_token(user_services.user_edit_values(user)))


def _render_user_form(form: UserForm, user: User | None, password_form: PasswordForm | None = None, *,
                      conflict: EditConflict | None = None, saved: UserForm | None = None):
    choices = division_services.divisions_in_use(current_user.organization_id,
                                                 keep=user.division_ids if user else ())
    for each in (form, saved) if saved else (form,):  # the labels shown beside a conflict
        each.divisions.choices = each.heads.choices = [SelectChoice(str(d.id), d.name) for d in choices]
    return render_template("admin/user_form.html", form=form, user=user, division_choices=choices,
                           password_form=password_form or PasswordForm(formdata=None),
                           conflict=conflict, saved=saved), status_for(form, conflict)


def _chosen_password(form) -> tuple[str, bool]:
    """The password to set and whether it was generated (and must be shown once)."""
    if form.password_choice.data == "type":
        return form.password.data or "", False
    return user_services.generate_password(), True


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_create():
    if request.method == "GET":
        return _render_user_form(NewUserForm(formdata=None, role=Role.STAFF.value), None)
    form = NewUserForm()
    password, generated = _chosen_password(form)
    heads = set(form.heads.data or [])
    divisions = {d.id: d for d in division_services.divisions_of(current_user.organization_id)}
    try:
        chosen = [divisions[i] for i in ids_of({*form.divisions.data, *heads}) if i in divisions]
        if form.password_choice.data == "invite":
            return _invite(form, chosen, heads)
        user = user_services.create_user(
            current_user.organization,
            email=form.email.data,
            display_name=form.display_name.data,
            role=form.role.data,
            password=password,
            divisions=[d for d in chosen if str(d.id) not in heads],
            head_of=[d for d in chosen if str(d.id) in heads],
            actor=current_user,
        )
    except DomainError as error:
        show_on_form(form, error)
        return _render_user_form(form, None)
    if generated:
        return render_template("admin/password_given.html", user=user, password=password, created=True)
    flash(_("The account of %(name)s has been created.", name=user.display_name), "success")
    return redirect(url_for("admin.index"))


def _invite(form: NewUserForm, chosen: list[Division], heads: set[str]):
    try:
        user = invitations.invite_user(
            current_user, current_user.organization, email=form.email.data, display_name=form.display_name.data,
            role=form.role.data, divisions=[d for d in chosen if str(d.id) not in heads],
            head_of=[d for d in chosen if str(d.id) in heads])
    except DomainError as error:
        show_on_form(form, error)
        return _render_user_form(form, None)
    flash(_("An invitation has been sent to %(email)s. The link works for 72 hours.", email=user.email), "success")
    return redirect(url_for("admin.index"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = get_in_org_or_404(User, user_id, current_user.organization_id, selectinload(User.memberships))
    if request.method == "GET":
        return _render_user_form(UserForm(formdata=None, **_user_form_data(user)), user)
    form = UserForm()
    try:
        changes = user_services.update_user(
            current_user, user, display_name=form.display_name.data, email=form.email.data, role=form.role.data,
            division_ids=form.divisions.data or [], head_ids=form.heads.data or [], base_token=form.edit_token.data)
    except EditConflict as conflict:
        user = get_in_org_or_404(User, user_id, current_user.organization_id, selectinload(User.memberships))
        return _render_user_form(form, user, conflict=conflict, saved=form.rebase(_user_form_data(user)))
    except DomainError as error:
        show_on_form(form, error)
        return _render_user_form(form, get_in_org_or_404(User, user_id, current_user.organization_id))
    if changes:
        flash(_("The account of %(name)s has been saved.", name=user.display_name), "success")
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/active")
@admin_required
def user_active(user_id: int):
    user = get_in_org_or_404(User, user_id, current_user.organization_id)
    active = request.form.get("active") == "1"
    try:
        user_services.set_user_active(current_user, user, active, base_token=request.form.get("edit_token", ""))
    except EditConflict as conflict:
        # The button carries no input to keep: show the account as it is now.
        user = get_in_org_or_404(User, user_id, current_user.organization_id, selectinload(User.memberships))
        return _render_user_form(UserForm(formdata=None, **_user_form_data(user)), user, conflict=conflict)
    except DomainError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("admin.user_edit", user_id=user_id))
    flash(_("%(name)s can sign in again.", name=user.display_name) if active
          else _("%(name)s can no longer sign in and has been signed out.", name=user.display_name), "success")
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/password")
@admin_required
def user_password(user_id: int):
    user = get_in_org_or_404(User, user_id, current_user.organization_id, selectinload(User.memberships))
    form = PasswordForm()
    password, generated = _chosen_password(form)
    try:
        user_services.set_password_for(current_user, user, password)
    except DomainError as error:
        form.password.errors = [str(error.message)]
        user = get_in_org_or_404(User, user_id, current_user.organization_id, selectinload(User.memberships))
        return _render_user_form(UserForm(formdata=None, **_user_form_data(user)), user, form)[0], 400
    if generated:
        return render_template("admin/password_given.html", user=user, password=password, created=False)
    flash(_("The password of %(name)s has been changed; they were signed out everywhere.", name=user.display_name),
          "success")
    return redirect(url_for("admin.index"))


# --- divisions ---------------------------------------------------------------------

@bp.post("/divisions")
@admin_required
def division_create():
    form = DivisionForm()
    try:
        division = division_services.create_division(
            current_user.organization, form.name.data or "", short_name=form.short_name.data, actor=current_user)
    except DomainError as error:
        show_on_form(form, error)
        return _render_index(form, 400)
    flash(_("The division %(name)s has been added.", name=division.name), "success")
    return redirect(url_for("admin.index", _anchor="divisions"))


def _division_form_data(division: Division) -> dict:
    return dict(name=division.name, short_name=division.short_name or "",
                edit_token=edit_token(division_services.division_edit_values(division)))


@bp.route("/divisions/<int:division_id>/edit", methods=["GET", "POST"])
@admin_required
def division_edit(division_id: int):
    division = get_in_org_or_404(Division, division_id, current_user.organization_id)
    conflict = saved = None
    if request.method == "GET":
        form = DivisionForm(formdata=None, **_division_form_data(division))
    else:
        form = DivisionForm()
        try:
            division_services.update_division(current_user, division, name=form.name.data or "",
                                              short_name=form.short_name.data, base_token=form.edit_token.data)
        except EditConflict as error:
            division = get_in_org_or_404(Division, division_id, current_user.organization_id)
            conflict, saved = error, form.rebase(_division_form_data(division))
        except DomainError as error:
            show_on_form(form, error)
            division = get_in_org_or_404(Division, division_id, current_user.organization_id)
        else:
            flash(_("The division has been saved."), "success")
            return redirect(url_for("admin.index", _anchor="divisions"))
    return render_template("admin/division_form.html", form=form, division=division, conflict=conflict, saved=saved,
                           open_steps=division_services.open_step_count(division)), status_for(form, conflict)


@bp.post("/divisions/<int:division_id>/active")
@admin_required
def division_active(division_id: int):
    division = get_in_org_or_404(Division, division_id, current_user.organization_id)
    active = request.form.get("active") == "1"
    try:
        division_services.set_division_active(current_user, division, active)
    except DomainError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("admin.division_edit", division_id=division_id))
    flash(_("The division %(name)s is in use again.", name=division.name) if active
          else _("The division %(name)s has been archived.", name=division.name), "success")
    return redirect(url_for("admin.index", _anchor="divisions"))


# --- ITA scores ------------------------------------------------------------------------

@bp.route("/assessments")
@admin_required
def assessments():
    return render_template("admin/assessments.html",
                           assessments=list(reversed(queries.assessment_history(current_user.organization_id))))


def _assessment_values(form: AssessmentForm) -> dict:
    return dict(
        fiscal_year=form.fiscal_year.data,
        overall_score=form.overall_score.data,
        level=form.level.data,
        iit_score=form.iit_score.data,
        eit1_score=form.eit1_score.data,
        eit2_score=form.eit2_score.data,
        oit_score=form.oit_score.data,
        indicator_scores={n: form[f"indicator_{n}"].data for n in INDICATOR_NUMBERS},
        analyses={n: form[f"analysis_{n}"].data for n in INDICATOR_NUMBERS},
    )


def _load_assessment(assessment_id: int) -> Assessment:
    return get_in_org_or_404(Assessment, assessment_id, current_user.organization_id,
                             selectinload(Assessment.indicators))


@bp.route("/assessments/new", methods=["GET", "POST"])
@bp.route("/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@admin_required
def assessment_edit(assessment_id: int | None = None):
    assessment = conflict = saved = None
    if assessment_id is not None:
        assessment = _load_assessment(assessment_id)
    if request.method == "GET":
        form = AssessmentForm(formdata=None, **(assessment_form_data(assessment) if assessment else {}))
    else:
        form = AssessmentForm()
        try:
            result = editing.save_assessment(current_user, current_user.organization, assessment=assessment,
                                             base_token=form.edit_token.data, **_assessment_values(form))
        except EditConflict as error:
            assessment = _load_assessment(assessment_id)
            conflict, saved = error, form.rebase(assessment_form_data(assessment))
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("The ITA scores of fiscal year %(year)s have been saved.", year=result.fiscal_year), "success")
            return redirect(url_for("admin.assessments"))
    return render_template("admin/assessment_form.html", form=form, assessment=assessment, conflict=conflict,
                           saved=saved), status_for(form, conflict)


# --- audit log -------------------------------------------------------------------------

def _audit_filters(form: AuditFilterForm, users: list[User]) -> dict:
    actor_ids = {str(u.id): u.id for u in users}
    actions, targets = audit_queries.recorded_actions(current_user.organization_id)
    form.actor.choices = [SelectChoice("", _("Anyone")),
                          SelectChoice("system", _("The system (command line, scheduled jobs)"))] + [
        SelectChoice(str(u.id), u.display_name) for u in users]
    form.action.choices = [SelectChoice("", _("Any change"))] + [
        SelectChoice(audit_queries.TARGET_PREFIX + t, _("Anything about: %(kind)s", kind=target_label(t)))
        for t in targets
    ] + [SelectChoice(a, action_label(a)) for a in actions]
    filters: dict = {}
    if form.actor.data in actor_ids:
        filters["actor_id"] = actor_ids[form.actor.data]
    if form.action.data and form.action.data in {choice.value for choice in form.action.choices}:
        filters["action"] = form.action.data
    for name in ("date_from", "date_to"):
        text = (form[name].data or "").strip()
        if text:
            try:
                filters[name] = parse_date(text)
            except ThaiDateError:
                form[name].errors = [_("Write the date as day/month/Buddhist Era year, for example 30/09/2569.")]
    if filters.get("date_from") and filters.get("date_to") and filters["date_to"] < filters["date_from"]:
        form.date_to.errors = [_("This date is before the first one.")]
        filters.pop("date_to")
    return filters


@bp.route("/audit")
@admin_required
def audit():
    users = user_queries.users_by_name(current_user.organization_id)
    form = AuditFilterForm(request.args)
    filters = _audit_filters(form, users)
    query = audit_queries.events_query(current_user.organization_id, tz_name=org_timezone(current_user.organization),
                                       system_only=form.actor.data == "system", **filters)
    page = requested_page()
    events = db.paginate(query, page=page, per_page=AUDIT_PAGE_SIZE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, events=events, page_args=args)
