"""Forms: an organization's reminder settings, a user's notification choice, the admin buttons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from ..input import parse_whole_number

WEEKDAY_NAMES = (
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"),
)
NO_DIGEST = "none"


def whole_days(form, field) -> None:
    """A whole number of days, Thai digits allowed; leaves the number in `field.number`."""
    number = parse_whole_number(field.data)
    if number is None:
        raise ValidationError(_l("Write a whole number of days, for example 7."))
    field.number = number


class ReminderSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Send reminder e-mails"))
    days_before = StringField(_l("Remind this many days before the due date"))
    overdue_every = StringField(
        _l("Remind about an overdue step every (days)"),
        validators=[InputRequired(message=_l("Please give a number of days.")), whole_days],
    )
    escalate_from = StringField(
        _l("Tell the executives from this day late"),
        validators=[InputRequired(message=_l("Please give a number of days.")), whole_days],
    )
    digest_weekday = SelectField(
        _l("Weekly summary to the executives"),
        choices=[SelectChoice(str(n), name) for n, name in enumerate(WEEKDAY_NAMES)]
        + [SelectChoice(NO_DIGEST, _l("No weekly summary"))],
    )
    send_time = StringField(
        _l("Send at (organization time)"), validators=[InputRequired(message=_l("Please give a time."))]
    )
    submit = SubmitField(_l("Save settings"))

    @property
    def weekday(self) -> int | None:
        return None if self.digest_weekday.data == NO_DIGEST else int(self.digest_weekday.data)


class PreferencesForm(FlaskForm):
    all_reminders = BooleanField(_l("E-mail me about steps that are due soon or overdue, and the weekly summary"))
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
