"""The thread pages over HTTP: write, answer with a file, the bell, the notifications page, the dashboard."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa

from tests.measures.files import PDF
from tracker.extensions import db
from tracker.inbox.models import Notice
from tracker.instructions import services
from tracker.instructions.models import Instruction, InstructionFile, InstructionReply

from .conftest import NOON


def bell(body: str) -> int:
    found = re.search(r'id="bell-count">(\d+)<', body)
    return int(found.group(1)) if found else 0


def test_executive_writes_head_answers_with_a_file_bells_change(client, sign_in, office, fixed_today):
    sign_in(office.executive)
    page = client.get(f"/steps/{office.finance_step.id}").get_data(as_text=True)
    assert "Give an instruction" in page or "ข้อสั่งการ" in page
    response = client.post(f"/measures/{office.measure.id}/instructions",
                           data={"body": "เร่งดำเนินการ", "step_id": str(office.finance_step.id)})
    assert response.status_code == 302
    instruction = db.session.scalar(sa.select(Instruction))
    assert instruction.step_id == office.finance_step.id
    client.post("/logout")

    sign_in(office.finance_head)
    home = client.get("/my-work").get_data(as_text=True)
    assert bell(home) == 1
    notice = db.session.scalar(sa.select(Notice).where(Notice.user_id == office.finance_head.id))
    opened = client.post(f"/notifications/{notice.id}")  # a GET writes nothing: opening a notice is a POST
    assert opened.status_code == 302 and f"/instructions/{instruction.id}" in opened.location
    thread = client.get(opened.location).get_data(as_text=True)
    assert "เร่งดำเนินการ" in thread
    assert bell(thread) == 0  # opening the thread from its notice reads the notice
    response = client.post(f"/instructions/{instruction.id}/answers",
                           data={"body": "ดำเนินการแล้ว", "files": [(io.BytesIO(PDF), "หลักฐาน.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(InstructionFile))
    assert stored.original_name == "หลักฐาน.pdf"
    download = client.get(f"/instructions/files/{stored.id}?download=1")
    assert download.status_code == 200 and download.data == PDF
    client.post("/logout")

    sign_in(office.executive)
    page = client.get("/notifications").get_data(as_text=True)
    assert bell(page) == 1 and "ดำเนินการแล้ว" in page
    notice = db.session.scalar(sa.select(Notice).where(Notice.user_id == office.executive.id))
    opened = client.post(f"/notifications/{notice.id}")
    assert opened.status_code == 302 and f"/instructions/{instruction.id}" in opened.location
    assert bell(client.get("/notifications").get_data(as_text=True)) == 0


def test_a_staff_member_cannot_post_an_instruction(client, sign_in, office):
    sign_in(office.finance_member)
    response = client.post(f"/measures/{office.measure.id}/instructions", data={"body": "สั่งเอง"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0


def test_an_empty_answer_gets_a_message_and_saves_nothing(client, sign_in, office):
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ขอรายงาน", now=NOON)
    db.session.commit()
    sign_in(office.finance_head)
    response = client.post(f"/instructions/{instruction.id}/answers", data={"body": " "})
    assert response.status_code == 400
    assert 'id="body-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(InstructionReply.id))) == 0


def test_another_organization_sees_no_thread_file_or_notice(client, sign_in, office, make_org, make_user):
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ขอรายงาน", now=NOON)
    db.session.commit()
    notice = db.session.scalar(sa.select(Notice))
    sign_in(make_user(make_org("อบต.อื่น"), "executive"))
    assert client.get(f"/instructions/{instruction.id}").status_code == 404
    assert client.post(f"/instructions/{instruction.id}/answers", data={"body": "x"}).status_code == 404
    assert client.post(f"/notifications/{notice.id}").status_code == 404


def test_the_dashboard_shows_unanswered_instructions_per_division(client, sign_in, office, fixed_today):
    services.write_instruction(office.executive, office.measure, step=office.works_step, body="ตรวจงานจ้างด่วน", now=NOON)
    db.session.commit()
    sign_in(office.executive)
    page = client.get("/dashboard").get_data(as_text=True)
    section = page.split('id="unanswered-instructions"')[1].split("</section>")[0]
    assert "กองช่าง" in section and "ตรวจงานจ้างด่วน" in section and "กองคลัง" not in section


def test_the_measure_page_lists_its_threads(client, sign_in, office):
    services.write_instruction(office.executive, office.measure, body="ทุกกองรายงาน", now=NOON)
    db.session.commit()
    sign_in(office.works_head)
    page = client.get(f"/measures/{office.measure.id}").get_data(as_text=True)
    assert "ทุกกองรายงาน" in page
    assert 'class="instruction-form"' not in page  # a division head does not give instructions


def test_reading_a_thread_writes_nothing_its_button_and_an_answer_read_its_notices(client, sign_in, office):
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ขอรายงาน", now=NOON)
    db.session.commit()
    sign_in(office.finance_head)
    page = client.get(f"/instructions/{instruction.id}").get_data(as_text=True)
    assert bell(page) == 1 and 'id="thread-mark-read"' in page  # a GET leaves the notice unread
    response = client.post(f"/instructions/{instruction.id}/read")
    assert response.status_code == 302 and response.location.endswith(f"/instructions/{instruction.id}")
    page = client.get(f"/instructions/{instruction.id}").get_data(as_text=True)
    assert bell(page) == 0 and 'id="thread-mark-read"' not in page

    services.write_instruction(office.executive, office.measure, step=office.finance_step, body="อีกเรื่อง", now=NOON)
    second = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                        body="เรื่องที่สาม", now=NOON)
    db.session.commit()
    assert bell(client.get("/my-work").get_data(as_text=True)) == 2
    client.post(f"/instructions/{second.id}/answers", data={"body": "รับทราบ"})
    assert bell(client.get("/my-work").get_data(as_text=True)) == 1  # the other thread is still unread
