"""The forms of a thread: an instruction, an answer; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SubmitField, TextAreaField

from ..measures.evidence import ACCEPT_ATTRIBUTE
from ..measures.forms import Required


class InstructionForm(FlaskForm):
    body = TextAreaField(_l("Instruction"), validators=[Required()], render_kw={"rows": 3})
    files = MultipleFileField(_l("Attach files"), render_kw={"accept": ACCEPT_ATTRIBUTE})
    step_id = HiddenField()
    submit = SubmitField(_l("Give the instruction"))


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[Required()], render_kw={"rows": 3})
    files = MultipleFileField(_l("Attach files"), render_kw={"accept": ACCEPT_ATTRIBUTE})
    submit = SubmitField(_l("Send the answer"))
