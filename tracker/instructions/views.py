"""Pages of the instruction threads: write, read, answer, open a file."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..errors import DomainError, NotFound, PermissionDenied, show_on_form
from ..inbox import services as inbox
from ..measures.models import Measure, Step
from ..measures.downloads import send_file_of_organization
from ..scoping import get_in_org, get_in_org_or_404
from . import services
from .forms import AnswerForm, InstructionForm
from .models import Instruction, InstructionFile

bp = Blueprint("instructions", __name__)


def _load_thread(instruction_id: int) -> Instruction:
    return get_in_org_or_404(Instruction, instruction_id, current_user.organization_id, *services.thread_options())


def _limits() -> dict:
    return dict(max_mb=current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024),
                max_files=current_app.config["EVIDENCE_MAX_FILES"])


def _render_thread(instruction: Instruction, form: AnswerForm | None = None, code: int = 200):
    may_answer = services.can_answer(current_user, instruction)
    return render_template(
        "instructions/thread.html",
        instruction=instruction,
        form=form or (AnswerForm(formdata=None) if may_answer else None),
        may_answer=may_answer,
        unread=inbox.unread_in_thread(current_user, instruction.id),
        **_limits(),
    ), code


@bp.route("/instructions/<int:instruction_id>")
@login_required
def thread(instruction_id: int):
    # A GET writes nothing: the thread's notices are read by opening one of
    # them (a POST), by answering, or with the page's own button.
    return _render_thread(_load_thread(instruction_id))


@bp.post("/instructions/<int:instruction_id>/read")
@login_required
def mark_read(instruction_id: int):
    instruction = _load_thread(instruction_id)
    inbox.mark_thread_read(current_user, instruction.id)
    return redirect(url_for("instructions.thread", instruction_id=instruction.id))


@bp.post("/measures/<int:measure_id>/instructions")
@login_required
def write(measure_id: int):
    measure = get_in_org_or_404(Measure, measure_id, current_user.organization_id,
                                selectinload(Measure.steps).selectinload(Step.divisions))
    form = InstructionForm()
    step = None
    if form.step_id.data:
        step = get_in_org(Step, form.step_id.data, current_user.organization_id)
        if step is None or step.measure_id != measure.id:
            raise NotFound(_("This step does not exist in your organization."))
    back = (url_for("measures.step_detail", step_id=step.id, _anchor="instructions") if step
            else url_for("measures.measure_detail", measure_id=measure.id, _anchor="instructions"))
    try:
        instruction = services.write_instruction(
            current_user, measure, step=step, body=form.body.data,
            files=request.files.getlist(form.files.name),
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        show_on_form(form, error)
        return render_template("instructions/write.html", form=form, measure=measure, step=step,
                               back=back, **_limits()), 400
    flash(_("The instruction has been sent to the divisions."), "success")
    return redirect(url_for("instructions.thread", instruction_id=instruction.id))


@bp.post("/instructions/<int:instruction_id>/answers")
@login_required
def answer(instruction_id: int):
    instruction = _load_thread(instruction_id)
    form = AnswerForm()
    try:
        reply = services.answer_instruction(
            current_user, instruction, body=form.body.data, files=request.files.getlist(form.files.name)
        )
    except PermissionDenied:
        raise
    except DomainError as error:
        show_on_form(form, error)
        return _render_thread(_load_thread(instruction_id), form, 400)
    inbox.mark_thread_read(current_user, instruction.id)  # whoever answers has read the thread
    flash(_("Your answer has been sent."), "success")
    return redirect(url_for("instructions.thread", instruction_id=instruction_id, _anchor=f"reply-{reply.id}"))


@bp.route("/instructions/files/<int:file_id>")
@login_required
def file(file_id: int):
    """A file of a thread, for signed-in users of its organization only."""
    return send_file_of_organization(InstructionFile, file_id, current_user.organization_id,
                                     download=bool(request.args.get("download")))
