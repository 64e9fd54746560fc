"""Edit forms: the edit token they carry, and what a refused form shows beside the saved record."""
from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.fields.choices import SelectFieldBase

# Fields that carry no value the administrator typed or chose.
_NOT_COMPARED = {"HiddenField", "CSRFTokenField", "SubmitField"}


@dataclass(frozen=True)
class Difference:
    """A field whose saved value differs from the one in the administrator's form."""

    label: str
    saved: str
    yours: str


def shown(field) -> str:
    """A field's value as the page shows it: the labels of chosen options, or the text."""
    if isinstance(field, SelectFieldBase) and field.choices is not None:
        return ", ".join(str(choice.label) for choice in field.iter_choices() if choice.selected)
    return "" if field.data is None else str(field.data)


def _squashed(text: str) -> str:
    return " ".join(text.split())


class EditForm(FlaskForm):
    """A form that changes a saved record.

    `edit_token` holds the record's edit token (`tracker.concurrency`) from
    when the form was first shown; it is empty, and unused, when the same form
    adds a record. A form sent without it is refused as stale, never saved
    unchecked.
    """

    edit_token = HiddenField(default="")

    def rebase(self, saved_data: dict) -> EditForm:
        """After an `EditConflict`: keep the administrator's input but take the
        edit token in `saved_data` (the form data of the record as it is now),
        so that sending the form again deliberately saves over those values.
        Returns the form filled with them, to show beside this one."""
        saved = type(self)(formdata=None, **saved_data)
        self.edit_token.data = saved.edit_token.data
        return saved

    def differences(self, saved: EditForm) -> list[Difference]:
        """The fields where `saved` (this form filled from the record as it is
        now) differs from this form's input, in the form's order."""
        found = []
        for field in saved:
            if field.type in _NOT_COMPARED:
                continue
            saved_text, your_text = shown(field), shown(self[field.name])
            if _squashed(saved_text) != _squashed(your_text):
                found.append(Difference(str(field.label.text), saved_text, your_text))
        return found


def status_for(form: FlaskForm, conflict: Exception | None = None) -> int:
    """The status of a form page: 409 when refused as stale, 400 with errors, else 200."""
    return 409 if conflict else 400 if form.errors else 200
