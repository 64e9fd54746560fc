"""The report of a measure shows its instruction threads (management followed up): Word, Excel, print, PDF; never the public page."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import shutil

import docx
import openpyxl
import pytest

from tests.measures.files import PDF, upload
from tracker.extensions import db
from tracker.instructions import services as instructions
from tracker.measures.evidence import evidence_directory
from tracker.models import Role
from tracker.reports import wording as w
from tracker.reports.services import build_report, export_report

from .conftest import REPORT_TODAY, bangkok

AS_OF = date(2026, 3, 31)


@pytest.fixture
def thread(app, report_org, make_user):
    executive = make_user(report_org.org, Role.EXECUTIVE, display_name="นายปลัด สั่งการ")
    step = report_org.m9.steps[0]
    instruction = instructions.write_instruction(executive, report_org.m9, step=step,
                                                 body="ให้กองคลังเร่งจัดหางบประมาณเพิ่ม", now=bangkok(2026, 3, 2, 9))
    instructions.answer_instruction(report_org.staff, instruction, body="ขอโอนงบประมาณแล้ว",
                                    files=[upload("บันทึกขอโอนงบ.pdf", PDF)], now=bangkok(2026, 3, 10, 14))
    # Written after the report's date: not in it.
    instructions.answer_instruction(executive, instruction, body="ติดตามผลการโอนอีกครั้ง", now=bangkok(2026, 4, 5, 9))
    db.session.commit()
    yield instruction
    shutil.rmtree(evidence_directory(app.instance_path), ignore_errors=True)


def test_the_report_model_holds_the_thread_as_of_its_date(report_org, thread):
    report = build_report(report_org.org, 2569, AS_OF)
    m9 = next(m for m in report.measures if m.measure_id == report_org.m9.id)
    (only,) = m9.instructions
    assert only.step_number == 1
    assert only.instruction.text == "ให้กองคลังเร่งจัดหางบประมาณเพิ่ม" and only.instruction.side == "ผู้บริหาร"
    assert [(r.text, r.side, r.files, r.is_answer) for r in only.replies] == [
        ("ขอโอนงบประมาณแล้ว", "กองคลัง", ("บันทึกขอโอนงบ.pdf",), True)
    ]
    assert only.waiting_for == ()
    m1 = next(m for m in report.measures if m.measure_id == report_org.m1.id)
    assert m1.instructions == ()
    # Before the answer, the division is still awaited.
    early = build_report(report_org.org, 2569, date(2026, 3, 5))
    m9_early = next(m for m in early.measures if m.measure_id == report_org.m9.id)
    assert m9_early.instructions[0].waiting_for == ("กองคลัง",)


def test_word_and_excel_show_the_thread(report_org, thread):
    word = export_report(report_org.admin, report_org.org, 2569, AS_OF, "docx", today=REPORT_TODAY)
    text = "\n".join(p.text for p in docx.Document(BytesIO(word.content)).paragraphs)
    assert w.SECTION_INSTRUCTIONS in text
    assert "ให้กองคลังเร่งจัดหางบประมาณเพิ่ม" in text and "ขอโอนงบประมาณแล้ว" in text and "บันทึกขอโอนงบ.pdf" in text
    assert "ติดตามผลการโอนอีกครั้ง" not in text

    excel = export_report(report_org.admin, report_org.org, 2569, AS_OF, "xlsx", today=REPORT_TODAY)
    sheet = openpyxl.load_workbook(BytesIO(excel.content))[w.SHEET_INSTRUCTIONS]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[3] for row in values] == [w.INSTRUCTION, w.ANSWER]
    assert values[1][6] == "ขอโอนงบประมาณแล้ว"


def test_the_print_view_shows_the_thread_and_the_public_page_does_not(client, sign_in, report_org, thread, fixed_today):
    sign_in(report_org.admin)
    page = client.get("/reports/export", query_string={"fiscal_year": 2569, "as_of": "31/03/2569", "format": "print"})
    body = page.get_data(as_text=True)
    assert w.SECTION_INSTRUCTIONS in body and "ขอโอนงบประมาณแล้ว" in body
    public = build_report(report_org.org, 2569, AS_OF, current=True)
    assert all(m.instructions == () for m in public.measures)
