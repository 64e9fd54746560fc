"""The upload form and the preview form (a due date per step, a choice per division name)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..orgs.models import Division
from ..thai import ThaiDateError, format_date_numeric, parse_date
from .services import DUE_DATE_REASON_FIELD, NEW_DIVISION, REMOVE_REPORTED_FIELD, REPLACE_FIELD, ImportPlan, due_field


class UploadForm(FlaskForm):
    report = FileField(_l("Report file (.docx or .txt)"))
    text = TextAreaField(_l("…or paste the report's text"))
    submit = SubmitField(_l("Read the report"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.has_file() and not (self.text.data or "").strip():
            self.report.errors.append(
                _l("Choose the report's file, or paste its text in the box below.")
            )
            return False
        return True

    def has_file(self) -> bool:
        upload = self.report.data
        return bool(upload and getattr(upload, "filename", ""))


def _thai_date(form, field) -> None:
    """A date typed as day/month/Buddhist Era year (30/09/2569); kept in `field.date`."""
    field.date = None
    try:
        field.date = parse_date(field.data or "")
    except ThaiDateError as exc:
        message = (
            _l("Enter the due date.")
            if not (field.data or "").strip()
            else _l("Enter the date as day/month/Buddhist Era year, for example 30/09/2569.")
        )
        raise ValidationError(message) from exc


class PreviewForm(FlaskForm):
    """Built for one plan by `preview_form`: its fields depend on the report."""

    update = SubmitField(_l("Update the preview"))
    confirm = SubmitField(_l("Confirm and import"))

    def due_dates(self) -> dict[tuple[int, int], date]:
        """The valid due dates typed, by (measure index, step index)."""
        dates = {}
        for key, name in self._due_fields.items():
            typed = getattr(self[name], "date", None)
            if typed is not None:
                dates[key] = typed
        return dates

    def division_choices(self) -> dict[str, str]:
        return {name: str(self[field].data) for field, name in self._division_fields.items()}

    @property
    def replace_confirmed(self) -> bool:
        return REPLACE_FIELD in self._fields and bool(self[REPLACE_FIELD].data)

    def typed_due_date_reason(self) -> str | None:
        return self[DUE_DATE_REASON_FIELD].data if DUE_DATE_REASON_FIELD in self._fields else None

    @property
    def removal_confirmed(self) -> bool:
        return REMOVE_REPORTED_FIELD in self._fields and bool(self[REMOVE_REPORTED_FIELD].data)

    def error_summary(self) -> list[tuple[str | None, object]]:
        """Every error on the form as (id of its field or None, message), for the top of the page."""
        summary: list[tuple[str | None, object]] = [(None, error) for error in self.form_errors]
        for name, field in self._fields.items():
            summary.extend((None if name == "csrf_token" else field.id, error) for error in field.errors)
        return summary

    def add_problem(self, field_name: str | None, message) -> None:
        """Show a problem found by the service next to its field (or above the form)."""
        if field_name and field_name in self._fields:
            field = self[field_name]
            if not field.errors:  # a date typed wrong needs no second message
                field.errors = [*field.errors, message]
        else:
            self.form_errors.append(message)


def preview_form(plan: ImportPlan, divisions: list[Division], **kwargs) -> PreviewForm:
    """The preview form for `plan`; `divisions` are the organization's active divisions."""

    class Form(PreviewForm):
        pass

    due_fields: dict[tuple[int, int], str] = {}
    for m, measure in enumerate(plan.result.measures):
        for s, step in enumerate(measure.steps):
            name = due_field(m, s)
            due_fields[(m, s)] = name
            setattr(Form, name, StringField(
                _l("Due date of step %(number)s of indicator %(indicator)s",
                   number=step.number, indicator=measure.indicator or "–"),
                default=format_date_numeric(step.due),
                validators=[_thai_date],
                render_kw={"inputmode": "numeric", "placeholder": "30/09/2569", "autocomplete": "off"},
            ))
    division_fields: dict[str, str] = {}
    for choice in plan.divisions:
        if choice.field is None:
            continue
        division_fields[choice.field] = choice.name
        offered = {d.id: d for d in [*divisions, *choice.matched]}.values()
        options = [SelectChoice(str(d.id), d.name) for d in offered]
        if not choice.matched:
            options.append(SelectChoice(
                NEW_DIVISION, _l("Create a new division “%(name)s”", name=choice.name)
            ))
        default = NEW_DIVISION if choice.create else str(choice.chosen[0].id) if choice.chosen else ""
        setattr(Form, choice.field, SelectField(choice.name, choices=options, default=default))
    if plan.replacing:
        setattr(Form, REPLACE_FIELD, BooleanField(
            _l("Replace the report of fiscal year %(year)s with this one", year=plan.result.fiscal_year)
        ))
    if plan.replacing:
        setattr(Form, DUE_DATE_REASON_FIELD, TextAreaField(
            _l("Why due dates change"), render_kw={"rows": 2},
        ))
    if plan.removed_with_progress:
        setattr(Form, REMOVE_REPORTED_FIELD, BooleanField(
            _l("Delete the %(count)s steps that already have progress reports",
               count=len(plan.removed_with_progress))
        ))
    form = Form(**kwargs)
    form._due_fields = due_fields
    form._division_fields = division_fields
    return form
