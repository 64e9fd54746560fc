"""Forms of invitations, password resets, the forced password change and two-step sign-in."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from ..errors import DomainError
from .passwords import password_problem
from .services import normalize_email

NEW_PASSWORD_HELP = _l("At least 10 characters; not your e-mail address or name, and not a common password.")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(message=_l("Please enter your e-mail address."))],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send me a link"))

    def validate_email(self, field) -> None:
        try:
            normalize_email(field.data)
        except DomainError as error:
            raise ValidationError(str(error.message)) from error


class NewPasswordForm(FlaskForm):
    """Choose a password: from an invitation or reset link, or when one given by an administrator must be replaced."""

    password = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Please enter a new password."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(message=_l("Please type the new password again.")),
                                        EqualTo("password", message=_l("The two passwords are not the same."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Save the password"))

    def __init__(self, *args, owner=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner  # whose password: the policy refuses their e-mail and name

    def validate_password(self, field) -> None:
        # Checked here too, so that a weak password and a wrong repetition are both shown at once.
        problem = password_problem(field.data, email=getattr(self.owner, "email", ""),
                                   name=getattr(self.owner, "display_name", ""))
        if problem:
            raise ValidationError(problem)


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Please enter the code."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                  "maxlength": 20})
    submit = SubmitField(_l("Continue"))


class EnableTwoFactorForm(FlaskForm):
    # The secret the page shows as a QR code; saved only when a right code confirms it.
    secret = HiddenField()
    code = StringField(_l("Code shown by the app"), validators=[DataRequired(message=_l("Please enter the code."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 20})
    submit = SubmitField(_l("Turn on two-step sign-in"))


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Current password"),
                             validators=[DataRequired(message=_l("Please enter your current password."))],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Confirm"))


class TwoFactorPolicyForm(FlaskForm):
    require_two_factor = BooleanField(_l("Administrators and executives must use two-step sign-in"))
    submit = SubmitField(_l("Save"))
