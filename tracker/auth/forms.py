"""Sign-in and account forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation

from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(message=_l("Please enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Please enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Please enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Please enter a new password.")),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("The password must have at least %(count)d characters.",
                                                       count=MIN_PASSWORD_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Please type the new password again.")),
                    EqualTo("new_password", message=_l("The two passwords are not the same."))],
    )
    submit = SubmitField(_l("Change password"))


LANGUAGES = [SelectChoice("th", "ไทย"), SelectChoice("en", "English")]


def offered_language(form, field) -> None:
    if not field.data:
        raise StopValidation(_l("Please choose a language."))
    if field.data not in {choice.value for choice in LANGUAGES}:
        raise StopValidation(_l("Choose one of the languages offered."))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=LANGUAGES, validate_choice=False, validators=[offered_language])
    submit = SubmitField(_l("Save"))


class EndSessionForm(FlaskForm):
    """The buttons that sign a session out (only the CSRF token)."""
