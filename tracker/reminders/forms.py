"""Forms: an organization's reminder settings, a user's notification choice, the admin buttons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..measures.forms import Required
from .rules import NO_DIGEST

WEEKDAY_NAMES = (
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"),
)


class ReminderSettingsForm(FlaskForm):
    """The values are read and checked, all at once, by `services.update_settings`."""

    enabled = BooleanField(_l("Send reminder e-mails"))
    days_before = StringField(_l("Remind this many days before the due date"))
    overdue_every = StringField(_l("Remind about an overdue step every (days)"), validators=[Required()])
    escalate_from = StringField(_l("Tell the executives from this day late"), validators=[Required()])
    digest_weekday = SelectField(
        _l("Weekly summary to the executives"),
        choices=[SelectChoice(str(n), name) for n, name in enumerate(WEEKDAY_NAMES)]
        + [SelectChoice(NO_DIGEST, _l("No weekly summary"))],
        validate_choice=False,
    )
    send_time = StringField(_l("Send at (organization time)"), validators=[Required()])
    submit = SubmitField(_l("Save settings"))


class PreferencesForm(FlaskForm):
    all_reminders = BooleanField(_l("E-mail me about steps that are due soon or overdue, and the weekly summary"))
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
