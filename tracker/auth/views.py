"""Sign-in, sign-out and the user's own account page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import ValidationFailed, show_on_form
from ..timeutil import utcnow
from ..web.transaction import save_refusal
from . import second_step, services, sessions, web
from .forms import ChangePasswordForm, EndSessionForm, LanguageForm, LoginForm

bp = Blueprint("auth", __name__)


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths, so the sign-in page cannot redirect elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, client=web.client_info(),
                                         device=web.device_nonce(form.email.data))
        except services.TooManyAttempts as error:
            # Answered 429: nothing is saved, the refused attempt is not counted.
            form.password.errors.append(str(error.message))
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(error.retry_after)}
        if user is None:
            # One message for every failure: it must not tell whether the e-mail exists.
            form.password.errors.append(_("The e-mail or password is not correct."))
            # The form answers 400, yet the failure must be counted (and audited) for the throttle.
            save_refusal()
        elif second_step.needs_second_factor(user):
            return second_step.ask_for_second_factor(user, remember=form.remember.data,
                                                       next_url=request.args.get("next"))
        else:
            web.complete_sign_in(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
@login_required
def logout():
    services.sign_out(current_user._get_current_object(), web.current_session_id(), client=web.client_info())
    web.finish_sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def _render_account(password_form: ChangePasswordForm, status: int = 200, language_form: LanguageForm | None = None):
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html", password_form=password_form,
        language_form=language_form or LanguageForm(locale=current_user.locale or "th"),
        sessions=sessions.active_sessions(user, now=utcnow(), idle=web.idle_timeout()),
        current_session_id=web.current_session_id(), end_form=EndSessionForm(),
    ), status


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return _render_account(ChangePasswordForm())


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors or not form.current_password.data:
        return _render_account(form, 400)
    # The current password is checked with the other fields, so that every mistake shows at once.
    try:
        ok = services.verify_current_password(user, form.current_password.data, client=web.client_info(),
                                              device=web.device_nonce(user.email))
    except services.TooManyAttempts as error:
        form.current_password.errors.append(str(error.message))
        return _render_account(form, 429)
    if not ok:
        save_refusal()  # counted as a failed sign-in
        form.current_password.errors.append(_("The current password is not correct."))
        return _render_account(form, 400)
    if not valid:
        return _render_account(form, 400)
    try:
        services.change_password(user, form.new_password.data, actor=user, client=web.client_info(),
                                 keep_session_id=web.current_session_id())
    except ValidationFailed as error:
        form.new_password.errors.append(str(error.message))  # the policy's word on the new password
        return _render_account(form, 400)
    flash(_("Your password has been changed. Every other session has been signed out."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if not EndSessionForm().validate_on_submit():
        abort(400)
    try:
        ended = services.end_other_session(current_user._get_current_object(), session_id,
                                           client=web.client_info())
    except ValidationFailed as error:
        flash(str(error.message), "warning")
        return redirect(url_for("auth.account"))
    if ended:
        flash(_("That session has been signed out."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/end-all")
@login_required
def sign_out_everywhere():
    if not EndSessionForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user._get_current_object(), client=web.client_info())
    web.finish_sign_out()
    flash(_("You have signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/language")
@login_required
def change_language():
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            services.set_language(current_user._get_current_object(), form.locale.data,
                                  current_app.config["LANGUAGES"])
        except ValidationFailed as error:
            show_on_form(form, error)
        else:
            return redirect(safe_next_url(request.form.get("next")) or url_for("auth.account"))
    return _render_account(ChangePasswordForm(formdata=None), 400, language_form=form)
