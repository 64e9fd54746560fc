"""Forms of the step and measure pages: progress updates and the administrator's edits.

Fields are read as text and checked by the services, which know the rules
and say in Thai what is wrong; the forms only carry the values.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..forms import EditForm
from ..labels import INDICATOR_NAMES, STEP_STATUS_LABELS
from .evidence import ACCEPT_ATTRIBUTE
from .models import StepStatus


class Required:
    """Marks a field as required on the page (label star, `required` attribute);
    the service checks the rule and gives the message."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        pass


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(status.value, label) for status, label in STEP_STATUS_LABELS.items()
            if status != StepStatus.CARRIED]


def indicator_choices() -> list[SelectChoice]:
    return [SelectChoice(str(n), f"{n}. {name}") for n, name in INDICATOR_NAMES.items()]


class ProgressForm(FlaskForm):
    percent = StringField(
        _l("Percent complete"), validators=[Required()],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "data-progress-percent": True},
    )
    status = SelectField(_l("Status"), choices=status_choices, validate_choice=False,
                         render_kw={"data-progress-status": True})
    blocked_reason = TextAreaField(_l("What is blocking the step"), render_kw={"rows": 2})
    note = TextAreaField(_l("What was done, and any problems met"), validators=[Required()], render_kw={"rows": 4})
    work_date = StringField(_l("Date the work was done"), validators=[Required()],
                            render_kw={"autocomplete": "off", "placeholder": _l("dd/mm/yyyy (B.E.)")})
    files = MultipleFileField(_l("Evidence files"), render_kw={"accept": ACCEPT_ATTRIBUTE})
    base_version = HiddenField()
    submit = SubmitField(_l("Save progress"))


class MeasureForm(EditForm):
    fiscal_year = StringField(_l("Fiscal year (B.E.)"), validators=[Required()], render_kw={"inputmode": "numeric"})
    indicator_number = SelectField(_l("ITA indicator"), choices=indicator_choices, validate_choice=False)
    title = TextAreaField(_l("Project or activity"), validators=[Required()], render_kw={"rows": 3})
    start_date = StringField(_l("Period from"), validators=[Required()], render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")})
    end_date = StringField(_l("Period to"), validators=[Required()], render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")})
    submit = SubmitField(_l("Save measure"))


class StepForm(EditForm):
    text = TextAreaField(_l("Step"), validators=[Required()], render_kw={"rows": 3})
    due_date = StringField(_l("Due date"), validators=[Required()], render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")})
    divisions = SelectMultipleField(_l("Responsible divisions"), validators=[Required()], coerce=str,
                                    validate_choice=False)
    due_date_reason = TextAreaField(_l("Why the due date changes"), render_kw={"rows": 2})
    confirm_due_date = BooleanField(_l("Yes, use this due date outside the period"))
    submit = SubmitField(_l("Save step"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why this entry is withdrawn"), validators=[Required()], render_kw={"rows": 2})
    submit = SubmitField(_l("Withdraw entry"))

