"""Edit forms: the edit token they carry."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class EditForm(FlaskForm):
    """A form that changes a saved record.

    `edit_token` holds the record's edit token (`tracker.concurrency`) from
    when the form was first shown; it is empty, and unused, when the same form
    adds a record. A form sent without it is refused as stale, never saved
    unchecked.
    """

    edit_token = HiddenField(default="")
