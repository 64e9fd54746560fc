"""Forms of the ITA document pages: the results with a paste box, the drafts, adopting them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from ..admin.forms import AssessmentForm
from ..forms import EditForm
from ..ita import INDICATOR_NAMES


class NewYearForm(FlaskForm):
    class Meta:
        csrf = False  # only leads to the results page

    year = IntegerField(_l("Assessment of fiscal year (B.E.)"),
                        validators=[InputRequired(_l("Please give the fiscal year, e.g. 2569.")),
                                    NumberRange(2500, 2700, _l("Give a Buddhist Era year, e.g. 2569."))],
                        render_kw={"inputmode": "numeric"})
    submit = SubmitField(_l("Enter the results"))


class ResultsForm(AssessmentForm):
    """The scores of an assessment, with a box that fills them from pasted rows."""

    pasted = TextAreaField(_l("Paste the results"), render_kw={"rows": 8})
    fill = SubmitField(_l("Fill the fields from the pasted rows"))
    submit = SubmitField(_l("Save the results"))


class DraftsForm(EditForm):
    """Each indicator's analysis and drafted measure, and the document's opening text."""

    rationale = TextAreaField(_l("Principles and rationale (section 1, kept for the next years too)"),
                              render_kw={"rows": 6})
    submit = SubmitField(_l("Save the drafts"))

    def indicator_fields(self, number: int) -> dict:
        return {name: self[f"{name}_{number}"] for name in ("analysis", "title", "steps", "start", "end", "divisions")}


for _number in INDICATOR_NAMES:
    setattr(DraftsForm, f"analysis_{_number}", TextAreaField(_l("Analysis"), render_kw={"rows": 5}))
    setattr(DraftsForm, f"title_{_number}", TextAreaField(_l("Project or activity"), render_kw={"rows": 2}))
    setattr(DraftsForm, f"steps_{_number}", TextAreaField(_l("Steps, one per line"), render_kw={"rows": 4}))
    setattr(DraftsForm, f"start_{_number}", StringField(_l("From"), render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")}))
    setattr(DraftsForm, f"end_{_number}", StringField(_l("To"), render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")}))
    setattr(DraftsForm, f"divisions_{_number}", SelectMultipleField(_l("Responsible divisions"), validate_choice=False))


class AdoptForm(FlaskForm):
    replace = BooleanField(_l("Replace the measures the fiscal year has already (steps with progress are kept)"))
    remove_reported = BooleanField(_l("Also delete steps that have progress reports but are not in the drafts"))
    submit = SubmitField(_l("Make these the measures of the next fiscal year"))
