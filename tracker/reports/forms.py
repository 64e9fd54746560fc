"""Forms of the reports pages: choosing a report, the public page switch, calendar addresses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from ..thai import ThaiDateError, parse_date
from .models import FeedScope


class ReportForm(FlaskForm):
    """Which report to make; sent by GET, so that a report can be bookmarked."""

    class Meta:
        csrf = False  # reading only; nothing changes

    fiscal_year = SelectField(_l("Fiscal year"), coerce=int, validators=[DataRequired()])
    as_of = StringField(
        _l("Data as of"),
        validators=[DataRequired(message=_l("Please give the date of the report, e.g. 31/03/2569."))],
    )
    thai_digits = BooleanField(_l("Thai digits throughout (๑ ๒ ๓)"))

    def validate_as_of(self, field) -> None:
        try:
            field.parsed = parse_date(field.data)
        except ThaiDateError as error:
            raise ValidationError(_l("This is not a date. Write it as day/month/Buddhist year, e.g. 31/03/2569.")) from error


class AnalysisYearForm(FlaskForm):
    class Meta:
        csrf = False

    fiscal_year = SelectField(_l("Assessment of fiscal year"), coerce=int)


class PublicPageForm(FlaskForm):
    enabled = BooleanField(_l("Publish the progress page on the web"))
    review_notes = BooleanField(
        _l("Publish a progress note only after an administrator approved it"),
        description=_l("New notes then wait in the list below until you approve or hide them."),
    )
    submit = SubmitField(_l("Save"))


class ToggleForm(FlaskForm):
    """A button that switches one thing on or off (a CSRF token and the new state)."""

    value = HiddenField(validators=[DataRequired()])

    @property
    def on(self) -> bool:
        return self.value.data == "1"


class FeedForm(FlaskForm):
    scope = HiddenField(validators=[DataRequired()])

    def validate_scope(self, field) -> None:
        if field.data not in {s.value for s in FeedScope}:
            raise ValidationError(_l("Unknown kind of calendar."))
