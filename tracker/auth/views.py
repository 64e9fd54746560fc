"""Sign-in, sign-out and the user's own account page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import ValidationFailed, show_on_form
from . import second_step, services
from .forms import ChangePasswordForm, LanguageForm, LoginForm

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
            user = services.authenticate(
                form.email.data, form.password.data, ip=request.remote_addr or ""
            )
        except services.TooManyAttempts as error:
            form.password.errors.append(str(error.message))
            return render_template("auth/login.html", form=form), 429
        if user is None:
            # One message for every failure: it must not tell whether the e-mail exists.
            form.password.errors.append(_("The e-mail or password is not correct."))
        elif second_step.needs_second_factor(user):
            return second_step.ask_for_second_factor(user, remember=form.remember.data,
                                                       next_url=request.args.get("next"))
        else:
            session.pop("locale", None)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    language_form = LanguageForm(locale=current_user.locale or "th")
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), language_form=language_form
    )


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_own_password(user, form.current_password.data, form.new_password.data)
        except ValidationFailed as error:
            show_on_form(form, error)
        else:
            # The password change replaced the session token: sign in again here.
            login_user(user, fresh=True)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    language_form = LanguageForm(locale=current_user.locale or "th")
    return render_template("auth/account.html", password_form=form, language_form=language_form), 400


@bp.post("/account/language")
@login_required
def change_language():
    form = LanguageForm()
    if form.validate_on_submit():
        services.set_language(current_user._get_current_object(), form.locale.data, current_app.config["LANGUAGES"])
    return redirect(safe_next_url(request.form.get("next")) or url_for("auth.account"))
