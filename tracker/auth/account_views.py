"""Self-service account pages: invitation and reset links, the forced password change, two-step sign-in."""
from __future__ import annotations

import time
from functools import partial

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in

from ..errors import DomainError, show_on_form
from ..extensions import db
from ..scoping import get_in_org_or_404
from .account_forms import (
    CodeForm,
    EnableTwoFactorForm,
    ForgotPasswordForm,
    NewPasswordForm,
    PasswordConfirmForm,
    TwoFactorPolicyForm,
)
from .account_models import TokenPurpose
from .models import User
from .permissions import admin_required
from .second_step import PENDING_KEY, PENDING_SECONDS
from ..web.transaction import after_commit, save_refusal
from . import invitations, notices, services, totp, web

bp = Blueprint("account", __name__)

SETUP_KEY = "two_factor_setup_required"
# Pages a signed-in user may still open while they must first change their
# password or set up two-step sign-in.
OPEN_ENDPOINTS = {
    "static", "auth.logout", "auth.login", "auth.change_language", "account.new_password", "account.two_factor",
    "account.two_factor_enable", "account.second_factor",
}


def no_store(body: str, status: int = 200, headers: dict | None = None):
    """A page that shows a secret or a link's form: kept in no cache."""
    response = make_response(body, status, headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the second step of signing in -------------------------------------------------------------

def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING_KEY) or {}
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_token != pending.get("token"):
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.failed_attempts(user) >= pending["base"] + totp.MAX_CODE_FAILURES:
            session.pop(PENDING_KEY, None)
            flash(_("Too many wrong codes. Please sign in again."), "danger")
            return redirect(url_for("auth.login"))
        # A wrong code is a failed sign-in (counted towards the delays), a used
        # one cannot be used again: the owner commits this POST, also when it
        # shows the form again (400, with save_refusal) below.
        try:
            method = services.check_sign_in_code(user, form.code.data, client=web.client_info(),
                                                 device=web.device_nonce(user.email))
        except services.TooManyAttempts as error:
            form.code.errors.append(str(error.message))
            return no_store(render_template("auth/second_factor.html", form=form), 429,
                            {"Retry-After": str(error.retry_after)})
        if method:
            session.pop(PENDING_KEY, None)
            web.complete_sign_in(user, remember=pending.get("remember", False))
            if method == "recovery":
                flash(_("You signed in with a recovery code; %(count)d are left. If your phone is lost, turn two-step "
                        "sign-in off and on again on your account page.", count=totp.remaining_recovery_codes(user)),
                      "warning")
            return redirect(pending.get("next") or url_for("main.home"))
        form.code.errors.append(str(totp.WRONG_CODE))
        # The form answers 400, yet the wrong code (its count, its failed attempt) must be saved.
        save_refusal()
    return no_store(render_template("auth/second_factor.html", form=form), 400 if form.errors else 200)


# --- after signing in: what must be done first ---------------------------------------------------

def remember_required_setup(sender, user: User, **extra) -> None:
    """At sign-in: an administrator or executive whose organization requires a
    second factor and who has none is led to set it up first."""
    session[SETUP_KEY] = totp.is_required(user) and not totp.is_enabled(user)


def lead_to_required_steps():
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.startswith("static") or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("account.new_password"))
    if session.get(SETUP_KEY):
        return redirect(url_for("account.two_factor"))
    return None


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.before_request(lead_to_required_steps)
    user_logged_in.connect(remember_required_setup, app)
    app.jinja_env.globals.update(invitation_states=invitations.invitation_states,
                                 invitation_state=invitations.invitation_state, two_factor_on=totp.is_enabled)


# --- password links ------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same answer whether or not the address has an account, and at
        # the same speed: the link is made and sent once the answer has gone.
        flash(_("If an account uses this address, an e-mail with a link to choose a new password is on its way. "
                "The link works for one hour."), "info")
        # The owner runs both once the answer has gone: the link is made (and
        # committed), then the e-mail it queued is delivered.
        after_commit(partial(invitations.request_password_reset, form.email.data), once_answered=True)
        after_commit(notices.deliver_queued, once_answered=True)
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


def _password_link_page(token: str, purpose: TokenPurpose, template: str):
    found = invitations.find_token(token, purpose, invitations.utcnow())
    form = NewPasswordForm(owner=found.user if found else None)
    if found is None:
        return no_store(render_template("auth/link_invalid.html", purpose=purpose), 404)
    if form.validate_on_submit():
        try:
            invitations.set_password_with_link(token, purpose, form.password.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            web.sign_out_here()
            flash(_("Your password has been saved. Please sign in with it."), "success")
            return redirect(url_for("auth.login"))
    found = invitations.find_token(token, purpose, invitations.utcnow())
    return no_store(render_template(template, form=form, user=found.user if found else None),
                    400 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_link_page(token, TokenPurpose.PASSWORD_RESET, "auth/reset_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _password_link_page(token, TokenPurpose.INVITATION, "auth/accept_invitation.html")


@bp.route("/account/new-password", methods=["GET", "POST"])
@login_required
def new_password():
    """A password given by an administrator is replaced before anything else."""
    user = current_user._get_current_object()
    if not user.must_change_password:
        return redirect(url_for("auth.account"))
    form = NewPasswordForm(owner=user)
    if form.validate_on_submit():
        from .services import change_password

        if user.check_password(form.password.data):
            form.password.errors.append(_("Choose a password different from the one you were given."))
        else:
            try:
                change_password(user, form.password.data, actor=user, client=web.client_info(),
                                keep_session_id=web.current_session_id())
            except DomainError as error:
                show_on_form(form, error)
            else:
                # This browser stays signed in; every other session of the account has ended.
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("main.home"))
    return render_template("auth/new_password.html", form=form), 400 if form.errors else 200


# --- two-step sign-in on the account page ----------------------------------------------------------

def _two_factor_page(enable_form=None, password_form=None, disable_form=None, code: int = 200):
    user = current_user._get_current_object()
    context = dict(enabled=totp.is_enabled(user), required=totp.is_required(user),
                   enable_form=enable_form or EnableTwoFactorForm(formdata=None),
                   codes_form=password_form or PasswordConfirmForm(formdata=None, prefix="codes"),
                   disable_form=disable_form or PasswordConfirmForm(formdata=None, prefix="off"))
    if context["enabled"]:
        context["remaining"] = totp.remaining_recovery_codes(user)
    else:
        # A GET saves nothing: the secret travels with the form and is saved once a right code confirms it.
        secret = context["enable_form"].secret.data
        if not totp.is_valid_secret(secret):
            secret = context["enable_form"].secret.data = totp.new_secret()
        uri = totp.provisioning_uri(user, secret)
        context.update(qr_code=totp.qr_code_data_uri(uri), secret=totp.format_secret(secret))
    return no_store(render_template("auth/two_factor.html", **context), code)


@bp.get("/account/two-factor")
@login_required
def two_factor():
    return _two_factor_page()


@bp.post("/account/two-factor/enable")
@login_required
def two_factor_enable():
    user = current_user._get_current_object()
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = totp.enable(user, form.code.data, secret=form.secret.data or None)
        except DomainError as error:
            show_on_form(form, error)
        else:
            session.pop(SETUP_KEY, None)
            return no_store(render_template("auth/recovery_codes.html", codes=codes, first=True))
    return _two_factor_page(enable_form=form, code=400)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_codes():
    form = PasswordConfirmForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = totp.regenerate_recovery_codes(current_user._get_current_object(), form.password.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            return no_store(render_template("auth/recovery_codes.html", codes=codes, first=False))
    return _two_factor_page(password_form=form, code=400)


@bp.post("/account/two-factor/off")
@login_required
def two_factor_disable():
    form = PasswordConfirmForm(prefix="off")
    if form.validate_on_submit():
        try:
            totp.disable(current_user._get_current_object(), form.password.data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            flash(_("Two-step sign-in is off."), "success")
            return redirect(url_for("account.two_factor"))
    return _two_factor_page(disable_form=form, code=400)


# --- administrators ---------------------------------------------------------------------------------

@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@admin_required
def admin_reset_two_factor(user_id: int):
    user = get_in_org_or_404(User, user_id, current_user.organization_id)
    try:
        removed = totp.reset_for(current_user._get_current_object(), user)
    except DomainError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("admin.user_edit", user_id=user_id))
    if removed:
        flash(_("Two-step sign-in of %(name)s has been reset; they sign in with their password and can set it up "
                "again.", name=user.display_name), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/invitation")
@admin_required
def admin_resend_invitation(user_id: int):
    user = get_in_org_or_404(User, user_id, current_user.organization_id)
    try:
        invitations.resend_invitation(current_user._get_current_object(), user)
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("A new invitation has been sent to %(email)s; the earlier link no longer works.", email=user.email),
              "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.route("/admin/security", methods=["GET", "POST"])
@admin_required
def admin_security():
    org = current_user.organization
    form = TwoFactorPolicyForm(formdata=request.form if request.method == "POST" else None,
                               require_two_factor=org.require_two_factor)
    if request.method == "POST" and form.validate_on_submit():
        totp.set_requirement(current_user._get_current_object(), org, bool(form.require_two_factor.data))
        flash(_("The sign-in settings have been saved."), "success")
        return redirect(url_for("account.admin_security"))
    return render_template("admin/security.html", form=form), 400 if form.errors else 200
