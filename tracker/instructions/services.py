"""Writing instructions and answering them: permissions, files, audit and notices, in the caller's transaction."""
from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth.models import Membership, Role, User
from ..auth.permissions import ensure_same_org
from ..errors import InvalidFields, PermissionDenied
from ..extensions import db
from ..inbox import services as inbox
from ..inbox.models import NoticeKind
from ..measures import evidence
from ..measures.models import Measure, Step
from ..orgs.models import Division
from ..timeutil import utcnow
from .models import Instruction, InstructionFile, InstructionReply

MAX_BODY = 5000
WRITERS = (Role.EXECUTIVE, Role.ADMIN)


class InvalidMessage(InvalidFields):
    """The text or the files of an instruction or answer break a rule."""


# --- who may do what ---------------------------------------------------------------

def can_write_instruction(user: User, organization_id: int) -> bool:
    return bool(user.is_active and user.organization_id == organization_id and user.role in WRITERS)


def can_answer(user: User, instruction: Instruction) -> bool:
    """Executives and administrators follow up; members (and heads) of the divisions asked answer."""
    if not user.is_active or user.organization_id != instruction.organization_id:
        return False
    if user.role in WRITERS:
        return True
    return bool(user.division_ids & {d.id for d in instruction.divisions})


def divisions_asked(measure: Measure, step: Step | None) -> list[Division]:
    """The step's divisions, or those of every step of the measure, each once."""
    steps = [step] if step is not None else list(measure.steps)
    found: dict[int, Division] = {}
    for each in steps:
        for division in each.divisions:
            found.setdefault(division.id, division)
    return sorted(found.values(), key=lambda d: (d.position, d.id))


def participants(instruction: Instruction) -> list[User]:
    """Everyone in the thread: its author, whoever wrote in it, and the active
    members of the divisions asked."""
    division_ids = [d.id for d in instruction.divisions]
    writers = {instruction.author_id} | {r.author_id for r in instruction.replies}
    query = sa.select(User).where(User.organization_id == instruction.organization_id, User.active.is_(True))
    conditions = [User.id.in_(writers)]
    if division_ids:
        conditions.append(
            User.id.in_(sa.select(Membership.user_id).where(Membership.division_id.in_(division_ids)))
        )
    return list(db.session.scalars(query.where(sa.or_(*conditions)).order_by(User.id)))


# --- checks shared by both messages ------------------------------------------------

def _checked(body: object, files: Iterable[evidence.Upload]) -> tuple[str, list[evidence.CheckedUpload]]:
    text = str(body or "").strip()
    errors: dict[str, list] = {}
    if not text:
        errors["body"] = [_l("Write the message.")]
    elif len(text) > MAX_BODY:
        errors["body"] = [_l("The message is too long: at most %(max)d characters.", max=MAX_BODY)]
    config = current_app.config
    accepted, file_errors = evidence.check_uploads(
        files, max_bytes=config["EVIDENCE_MAX_BYTES"], max_files=config["EVIDENCE_MAX_FILES"]
    )
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise InvalidMessage(errors)
    return text, accepted


def _store_files(instruction: Instruction, reply: InstructionReply | None,
                 accepted: list[evidence.CheckedUpload]) -> list[str]:
    for upload in accepted:
        stored = evidence.store(upload, current_app.instance_path, db.session)
        db.session.add(
            InstructionFile(
                organization_id=instruction.organization_id,
                instruction_id=instruction.id,
                reply_id=reply.id if reply else None,
                original_name=upload.name,
                stored_name=stored.stored_name,
                size=stored.size,
                sha256=stored.sha256,
                content_type=upload.kind.content_type,
            )
        )
    return [u.name for u in accepted]


# --- the services ----------------------------------------------------------------------

def write_instruction(
    user: User,
    measure: Measure,
    *,
    body: object,
    step: Step | None = None,
    files: Iterable[evidence.Upload] = (),
    now: datetime | None = None,
) -> Instruction:
    """An executive's or administrator's instruction on `measure` (or one of its
    steps); the others in the thread are told. Nothing is saved on bad input."""
    ensure_same_org(user, measure.organization_id)
    if step is not None and step.measure_id != measure.id:
        raise PermissionDenied(_l("This step does not belong to this measure."))
    if not can_write_instruction(user, measure.organization_id):
        raise PermissionDenied(_l("Only an executive or an administrator can give instructions."))
    text, accepted = _checked(body, files)
    now = now or utcnow()
    instruction = Instruction(
        organization_id=measure.organization_id,
        measure_id=measure.id,
        step_id=step.id if step else None,
        author_id=user.id,
        body=text,
        created_at=now,
        divisions=divisions_asked(measure, step),
    )
    db.session.add(instruction)
    db.session.flush()
    names = _store_files(instruction, None, accepted)
    record(
        measure.organization_id, user, "instruction.write", instruction,
        measure_id=measure.id, step_id=instruction.step_id,
        divisions=[d.name for d in instruction.divisions], files=names,
    )
    others = [p for p in participants(instruction) if p.id != user.id]
    inbox.notify(others, NoticeKind.INSTRUCTION, instruction=instruction, now=now)
    db.session.flush()
    return instruction


def answering_division(user: User, instruction: Instruction) -> Division | None:
    """The division `user` answers for: one they head first, else one they belong to."""
    asked = [d for d in instruction.divisions if d.id in user.division_ids]
    headed = [d for d in asked if d.id in user.headed_division_ids]
    return (headed or asked or [None])[0]


def answer_instruction(
    user: User,
    instruction: Instruction,
    *,
    body: object,
    files: Iterable[evidence.Upload] = (),
    now: datetime | None = None,
) -> InstructionReply:
    """An answer (from a division asked) or a follow-up (from an executive or
    administrator) in the thread; the others in the thread are told."""
    ensure_same_org(user, instruction.organization_id)
    if not can_answer(user, instruction):
        raise PermissionDenied(
            _l("Only members of the divisions this instruction is addressed to, executives and "
               "administrators can write in this thread.")
        )
    text, accepted = _checked(body, files)
    now = now or utcnow()
    division = answering_division(user, instruction)
    reply = InstructionReply(
        instruction_id=instruction.id,
        author_id=user.id,
        division_id=division.id if division else None,
        body=text,
        created_at=now,
    )
    db.session.add(reply)
    db.session.flush()
    names = _store_files(instruction, reply, accepted)
    record(
        instruction.organization_id, user, "instruction.answer", instruction,
        reply_id=reply.id, division=division.name if division else None, files=names,
    )
    db.session.refresh(instruction, ["replies"])
    others = [p for p in participants(instruction) if p.id != user.id]
    inbox.notify(others, NoticeKind.ANSWER, instruction=instruction, reply=reply, now=now)
    db.session.flush()
    return reply


# --- reading ---------------------------------------------------------------------------

@functools.cache
def thread_options() -> tuple:
    """What a thread shows, as loader options (built once: they are immutable, and building
    them took as long as the query on a step page without instructions)."""
    return (
        selectinload(Instruction.author),
        selectinload(Instruction.divisions),
        selectinload(Instruction.files),
        selectinload(Instruction.step),
        selectinload(Instruction.replies).selectinload(InstructionReply.author),
        selectinload(Instruction.replies).selectinload(InstructionReply.division),
        selectinload(Instruction.replies).selectinload(InstructionReply.files),
    )


def threads_of(organization_id: int, *, measure_id: int | None = None, step_id: int | None = None,
               measure_ids: Iterable[int] | None = None) -> list[Instruction]:
    """Instructions of a measure (all, including its steps'), of a step, or of
    several measures, oldest first, with everything their threads show."""
    query = sa.select(Instruction).where(Instruction.organization_id == organization_id)
    if step_id is not None:
        query = query.where(Instruction.step_id == step_id)
    if measure_id is not None:
        query = query.where(Instruction.measure_id == measure_id)
    if measure_ids is not None:
        query = query.where(Instruction.measure_id.in_(list(measure_ids)))
    return list(db.session.scalars(query.options(*thread_options()).order_by(Instruction.id)))


def unanswered_by_division(organization_id: int, fiscal_year: int) -> list[tuple[Division, list[Instruction]]]:
    """Per division, the instructions of the year's measures it has not answered yet."""
    instructions = db.session.scalars(
        sa.select(Instruction)
        .join(Measure, Measure.id == Instruction.measure_id)
        .where(Instruction.organization_id == organization_id, Measure.fiscal_year == fiscal_year)
        .options(selectinload(Instruction.divisions), selectinload(Instruction.replies),
                 selectinload(Instruction.step), selectinload(Instruction.measure))
        .order_by(Instruction.id)
    )
    open_by_division: dict[int, tuple[Division, list[Instruction]]] = {}
    for instruction in instructions:
        for division in instruction.unanswered_divisions():
            open_by_division.setdefault(division.id, (division, []))[1].append(instruction)
    return sorted(open_by_division.values(), key=lambda pair: (pair[0].position, pair[0].id))
