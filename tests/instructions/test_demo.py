"""The demo shows an instruction with its answer, once."""
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.demo.services import ensure_demo_organization
from tracker.extensions import db
from tracker.instructions.demo import add_demo_instruction
from tracker.instructions.models import Instruction, InstructionReply
from tracker.models import Division

TODAY = date(2026, 3, 16)


def test_the_demo_gets_one_answered_instruction_on_a_late_step(ctx, make_measure):
    org, _ = ensure_demo_organization("demo-password-123")
    db.session.commit()
    finance = db.session.scalar(sa.select(Division).where(Division.name == "กองคลัง"))
    make_measure(org, divisions=[finance], steps=[
        {"text": "ขั้นตอนที่เลยกำหนด", "due": TODAY - timedelta(days=20)},
        {"text": "ขั้นตอนที่ยังไม่ถึงกำหนด", "due": TODAY + timedelta(days=20)},
    ])
    instruction = add_demo_instruction(org, TODAY)
    db.session.commit()
    assert instruction.step.text == "ขั้นตอนที่เลยกำหนด"
    (reply,) = instruction.replies
    assert reply.division_id == finance.id and reply.author.email == "head.finance@muangphia.example"
    assert instruction.unanswered_divisions() == []

    assert add_demo_instruction(org, TODAY) is None  # running `demo setup` again adds nothing
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(InstructionReply.id))) == 1
