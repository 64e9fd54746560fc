"""Forms of the administration pages: users, divisions, assessment scores, audit-log filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from ..forms import EditForm
from ..ita import INDICATOR_NUMBERS, LEVELS
from ..labels import INDICATOR_NAMES, ROLE_LABELS
from ..measures.forms import Required

PASSWORD_CHOICES = [SelectChoice("generate", _l("Generate a password for me")),
                    SelectChoice("type", _l("I will type a password"))]
# A new account: by default its owner chooses the password from an e-mailed link.
NEW_ACCOUNT_PASSWORD_CHOICES = [SelectChoice("invite", _l("E-mail an invitation: the person chooses their own password")),
                                *PASSWORD_CHOICES]


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class UserForm(EditForm):
    display_name = StringField(_l("Name"), validators=[Required()], render_kw={"autocomplete": "off"})
    email = EmailField(_l("E-mail"), validators=[Required()], render_kw={"autocomplete": "off"})
    role = SelectField(_l("Role"), choices=role_choices, validate_choice=False)
    divisions = SelectMultipleField(_l("Member of"), coerce=str, validate_choice=False)
    heads = SelectMultipleField(_l("Head of"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Save"))


class NewUserForm(UserForm):
    password_choice = RadioField(_l("Password"), choices=NEW_ACCOUNT_PASSWORD_CHOICES, default="invite",
                                 validate_choice=False)
    password = PasswordField(_l("Password to give"), render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Create account"))


class PasswordForm(FlaskForm):
    password_choice = RadioField(_l("New password"), choices=PASSWORD_CHOICES, default="generate", validate_choice=False)
    password = PasswordField(_l("Password to give"), render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Set the new password"))


class DivisionForm(EditForm):
    name = StringField(_l("Name of the division"), validators=[Required()], render_kw={"placeholder": _l("e.g. กองคลัง")})
    short_name = StringField(_l("Short name"), render_kw={"placeholder": _l("e.g. กค.")})
    submit = SubmitField(_l("Save"))


class AssessmentForm(EditForm):
    fiscal_year = StringField(_l("Fiscal year assessed (B.E.)"), validators=[Required()], render_kw={"inputmode": "numeric"})
    iit_score = StringField("IIT", render_kw={"inputmode": "decimal"})
    eit1_score = StringField(_l("EIT, part 1"), render_kw={"inputmode": "decimal"})
    eit2_score = StringField(_l("EIT, part 2"), render_kw={"inputmode": "decimal"})
    oit_score = StringField("OIT", render_kw={"inputmode": "decimal"})
    overall_score = StringField(_l("Overall score"), render_kw={"inputmode": "decimal"})
    level = SelectField(_l("Level"), choices=[SelectChoice("", _l("Work it out from the scores"))]
                        + [SelectChoice(v, v) for v in LEVELS], validate_choice=False)
    submit = SubmitField(_l("Save scores"))

    def indicator_fields(self):
        """(number, name, score field, analysis field) of the ten indicators."""
        return [(n, INDICATOR_NAMES[n], self[f"indicator_{n}"], self[f"analysis_{n}"]) for n in INDICATOR_NUMBERS]


for _number in INDICATOR_NUMBERS:
    setattr(AssessmentForm, f"indicator_{_number}",
            StringField(_l("Score"), render_kw={"inputmode": "decimal"}))
    setattr(AssessmentForm, f"analysis_{_number}", TextAreaField(_l("Analysis"), render_kw={"rows": 3}))


def assessment_form_data(assessment) -> dict:
    """An assessment as the scores form shows it, with its edit token."""
    from ..concurrency import edit_token
    from ..measures.editing import assessment_edit_values

    def text(value):
        return "" if value is None else f"{value:.2f}"

    data = dict(
        fiscal_year=str(assessment.fiscal_year), overall_score=text(assessment.overall_score),
        level=assessment.level or "", iit_score=text(assessment.iit_score), eit1_score=text(assessment.eit1_score),
        eit2_score=text(assessment.eit2_score), oit_score=text(assessment.oit_score),
    )
    for line in assessment.indicators:
        data[f"indicator_{line.number}"] = text(line.score)
        data[f"analysis_{line.number}"] = line.analysis
    data["edit_token"] = edit_token(assessment_edit_values(assessment))
    return data


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    actor = SelectField(_l("Who"), validate_choice=False)
    action = SelectField(_l("What"), validate_choice=False)
    date_from = StringField(_l("From"), render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")})
    date_to = StringField(_l("To"), render_kw={"placeholder": _l("dd/mm/yyyy (B.E.)")})
    submit = SubmitField(_l("Show"))
