"""The report shows a moved step's original and current due dates and the reason, in every format."""
from datetime import date
from io import BytesIO

import docx
import openpyxl
import pytest

from tracker.extensions import db
from tracker.measures import editing
from tracker.reports import publishing
from tracker.reports.report import StepRow
from tracker.reports.services import build_report, export_report

from .conftest import REPORT_TODAY, STEP_TEXTS

AS_OF = date(2026, 3, 31)
MOVED = "เลื่อนจาก 30 มิ.ย. 2569 เป็น 31 ส.ค. 2569 — เหตุผล รอผลการประชุมสภา"


@pytest.fixture
def moved(report_org):
    step = report_org.m1.steps[1]  # due 30 June 2569
    editing.update_step(report_org.admin, step, text=step.text, due_date="31/08/2569",
                        division_ids=[d.id for d in step.divisions], base_token=None,
                        due_date_reason="รอผลการประชุมสภา")
    db.session.commit()
    return report_org


def row_of(report, text) -> StepRow:
    return next(r for m in report.measures for r in m.steps if r.text == text)


def test_the_report_row_has_the_original_date_and_the_reason(moved):
    report = build_report(moved.org, 2569, AS_OF)
    row = row_of(report, STEP_TEXTS[1])
    assert (row.original_due_date, row.due_date, row.due_date_reason) == (
        date(2026, 6, 30), date(2026, 8, 31), "รอผลการประชุมสภา")
    assert row.moved and not row_of(report, STEP_TEXTS[0]).moved


def test_word_shows_both_dates_and_the_reason(moved):
    exported = export_report(moved.admin, moved.org, 2569, AS_OF, "docx", today=REPORT_TODAY)
    texts = [cell.text for row in docx.Document(BytesIO(exported.content)).tables[-1].rows for cell in row.cells]
    assert any("31 ส.ค. 69" in t and "(เดิม 30 มิ.ย. 69)" in t for t in texts)
    assert any(MOVED in t for t in texts)


def test_excel_has_the_original_date_and_the_reason_columns(moved):
    exported = export_report(moved.admin, moved.org, 2569, AS_OF, "xlsx", today=REPORT_TODAY)
    rows = list(openpyxl.load_workbook(BytesIO(exported.content)).worksheets[0].iter_rows(values_only=True))
    lines = [dict(zip(rows[0], r)) for r in rows[1:]]
    line = next(r for r in lines if r["ขั้นตอนหรือวิธีการดำเนินการ"] == STEP_TEXTS[1])
    assert line["กำหนดแล้วเสร็จ"].date() == date(2026, 8, 31)
    assert line["กำหนดเดิม"].date() == date(2026, 6, 30)
    assert line["เหตุผลที่เลื่อนกำหนด"] == "รอผลการประชุมสภา"
    other = next(r for r in lines if r["ขั้นตอนหรือวิธีการดำเนินการ"] == STEP_TEXTS[0])
    assert other["กำหนดเดิม"] is None and not other["เหตุผลที่เลื่อนกำหนด"]


def test_the_print_view_and_the_public_page_show_it(client, sign_in, moved, fixed_today):
    sign_in(moved.staff)
    page = client.get("/reports/export", query_string={
        "fiscal_year": 2569, "as_of": "31/03/2569", "output": "print"}).get_data(as_text=True)
    assert MOVED in page and "(เดิม 30 มิ.ย. 69)" in page
    publishing.set_public_page(moved.admin, moved.org, True)
    db.session.commit()
    client.get("/logout")
    public = client.get("/p/muangphia/2569").get_data(as_text=True)
    assert MOVED in public
