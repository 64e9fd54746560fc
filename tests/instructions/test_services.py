"""Instructions and answers: who may write, what is kept, who is told."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.measures.files import EXE, PDF, upload
from tracker.audit.models import AuditEvent
from tracker.errors import NotFound, PermissionDenied
from tracker.extensions import db
from tracker.inbox.models import Notice, NoticeKind
from tracker.instructions import services
from tracker.instructions.models import Instruction, InstructionFile, InstructionReply
from tracker.measures.evidence import evidence_directory
from tracker.reminders.models import Notification, NotificationKind

from .conftest import NOON


def notices_of(user) -> list[Notice]:
    return list(db.session.scalars(sa.select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))


def test_an_executive_instructs_the_divisions_of_a_step(office):
    instruction = services.write_instruction(
        office.executive, office.measure, step=office.finance_step, body="  เร่งรัดให้เสร็จภายในเดือนนี้ ", now=NOON
    )
    db.session.commit()

    assert instruction.body == "เร่งรัดให้เสร็จภายในเดือนนี้"
    assert [d.name for d in instruction.divisions] == ["กองคลัง"]
    # Told: the finance division's head and member; not the author, not the works division.
    told = {n.user_id for n in db.session.scalars(sa.select(Notice))}
    assert told == {office.finance_head.id, office.finance_member.id}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "instruction.write"))
    assert event.target_id == instruction.id and event.actor_id == office.executive.id


def test_a_measure_instruction_asks_every_division_of_its_steps(office):
    instruction = services.write_instruction(office.admin, office.measure, body="รายงานความคืบหน้าทุกขั้นตอน", now=NOON)
    assert {d.name for d in instruction.divisions} == {"กองคลัง", "กองช่าง"}
    told = {n.user_id for n in db.session.scalars(sa.select(Notice))}
    # The divisions' people; the author is not told, nor an executive outside the thread.
    assert told == {office.finance_head.id, office.finance_member.id, office.works_head.id}


@pytest.mark.parametrize("who", ["finance_head", "finance_member"])
def test_division_people_cannot_give_instructions(office, who):
    with pytest.raises(PermissionDenied):
        services.write_instruction(getattr(office, who), office.measure, body="ข้อความ", now=NOON)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0


def test_another_organizations_executive_finds_nothing(office, make_org, make_user):
    stranger = make_user(make_org("อบต.อื่น"), "executive")
    with pytest.raises(NotFound):
        services.write_instruction(stranger, office.measure, body="ข้อความ", now=NOON)


def test_bad_input_saves_nothing_not_even_the_good_file(app, office):
    folder = evidence_directory(app.instance_path)
    before = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(services.InvalidMessage) as refused:
        services.write_instruction(
            office.executive, office.measure, body="   ",
            files=[upload("ดี.pdf", PDF), upload("โปรแกรม.pdf", EXE)], now=NOON,
        )
    db.session.rollback()
    assert set(refused.value.errors) == {"body", "files"}
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_the_head_answers_with_a_file_and_the_executive_is_told(app, office):
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ขอรายงานภายในวันศุกร์", now=NOON)
    db.session.commit()
    reply = services.answer_instruction(office.finance_head, instruction, body="ดำเนินการแล้ว แนบรายงาน",
                                        files=[upload("รายงานผล.pdf", PDF)], now=NOON + timedelta(hours=2))
    db.session.commit()

    assert reply.division_id == office.finance.id
    stored = db.session.scalar(sa.select(InstructionFile))
    assert stored.reply_id == reply.id and stored.original_name == "รายงานผล.pdf"
    assert Path(evidence_directory(app.instance_path), stored.stored_name).read_bytes() == PDF
    assert [n.kind for n in notices_of(office.executive)] == [NoticeKind.ANSWER]
    # The division's other member is told too; the head, who wrote, is not.
    assert NoticeKind.ANSWER in [n.kind for n in notices_of(office.finance_member)]
    assert [n.kind for n in notices_of(office.finance_head)] == [NoticeKind.INSTRUCTION]
    assert instruction.unanswered_divisions() == []
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "instruction.answer")) is not None


def test_another_division_cannot_answer(office):
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ขอรายงาน", now=NOON)
    with pytest.raises(PermissionDenied):
        services.answer_instruction(office.works_head, instruction, body="ตอบแทน", now=NOON)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(InstructionReply.id))) == 0


def test_an_executive_follow_up_answers_for_no_division(office):
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ขอรายงาน", now=NOON)
    follow_up = services.answer_instruction(office.executive, instruction, body="ขอเพิ่มภาพถ่าย", now=NOON)
    assert follow_up.division_id is None
    assert [d.name for d in instruction.unanswered_divisions()] == ["กองคลัง"]


def test_unanswered_by_division_lists_what_each_division_owes(office):
    both = services.write_instruction(office.executive, office.measure, body="ทุกกอง", now=NOON)
    services.write_instruction(office.executive, office.measure, step=office.works_step, body="กองช่าง", now=NOON)
    services.answer_instruction(office.finance_member, both, body="กองคลังตอบแล้ว", now=NOON)
    db.session.commit()

    waiting = {division.name: [i.body for i in items]
               for division, items in services.unanswered_by_division(office.org.id, 2569)}
    assert waiting == {"กองช่าง": ["ทุกกอง", "กองช่าง"]}
    assert services.unanswered_by_division(office.org.id, 2570) == []


def test_the_first_instruction_is_mailed_at_once(office):
    services.write_instruction(office.executive, office.measure, step=office.finance_step, body="ขอรายงาน", now=NOON)
    db.session.commit()
    mails = db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.THREAD)).all()
    assert sorted(m.recipient_id for m in mails) == sorted([office.finance_head.id, office.finance_member.id])
    assert "ขอรายงาน" in mails[0].body_text
