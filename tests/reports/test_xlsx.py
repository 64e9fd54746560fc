"""The Excel report, opened with openpyxl and checked against the database."""
from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.measures.models import Step
from tracker.reports.services import export_report
from tracker.reports.xlsx_writer import sheet_title

from .conftest import REPORT_TODAY, STEP_TEXTS

AS_OF = date(2026, 3, 31)
HEADINGS = (
    "ตัวชี้วัดที่", "ตัวชี้วัด", "โครงการ/กิจกรรม", "ขั้นตอนที่", "ขั้นตอนหรือวิธีการดำเนินการ", "ผู้รับผิดชอบ",
    "กำหนดแล้วเสร็จ", "กำหนดเดิม", "เหตุผลที่เลื่อนกำหนด", "สถานะ", "เกินกำหนด", "ร้อยละความก้าวหน้า", "ผลการดำเนินงาน", "ปัญหาอุปสรรค",
    "หลักฐาน (ไฟล์)", "บันทึกผลล่าสุด",
)


def workbook(report_org, **options):
    exported = export_report(report_org.admin, report_org.org, 2569, AS_OF, "xlsx", today=REPORT_TODAY, **options)
    return openpyxl.load_workbook(BytesIO(exported.content))


def records(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADINGS
    return [dict(zip(HEADINGS, row)) for row in rows[1:]]


def test_one_row_per_step_with_real_dates_and_numbers(report_org):
    book = workbook(report_org)
    sheet = book.worksheets[0]
    assert sheet.title == "มาตรการและขั้นตอน"
    lines = {line["ขั้นตอนหรือวิธีการดำเนินการ"]: line for line in records(sheet)}
    steps = db.session.scalars(sa.select(Step).where(Step.organization_id == report_org.org.id)).all()
    assert set(lines) == {s.text for s in steps}
    for step in steps:
        line = lines[step.text]
        assert line["กำหนดแล้วเสร็จ"] == datetime.combine(step.due_date, datetime.min.time())
        assert line["ตัวชี้วัดที่"] == step.measure.indicator_number
        assert line["ขั้นตอนที่"] == step.number
        assert line["โครงการ/กิจกรรม"] == step.measure.title
    first = lines[STEP_TEXTS[0]]
    assert first["ร้อยละความก้าวหน้า"] == 100 and isinstance(first["ร้อยละความก้าวหน้า"], int)
    assert first["หลักฐาน (ไฟล์)"] == 2
    assert first["สถานะ"] == "ดำเนินการแล้วเสร็จ"
    assert first["บันทึกผลล่าสุด"] == datetime(2026, 3, 31)
    assert first["ตัวชี้วัด"] == "การปฏิบัติหน้าที่"
    assert lines[STEP_TEXTS[1]]["ร้อยละความก้าวหน้า"] == 0
    blocked = lines[STEP_TEXTS[2]]
    assert (blocked["ร้อยละความก้าวหน้า"], blocked["ปัญหาอุปสรรค"], blocked["เกินกำหนด"]) == (30, "งบประมาณไม่เพียงพอ", "ใช่")
    # Date cells are dates shown in the Buddhist Era, not text.
    due = sheet.cell(row=2, column=HEADINGS.index("กำหนดแล้วเสร็จ") + 1)
    assert due.is_date and "07041E" in due.number_format


def test_filters_and_a_frozen_header(report_org):
    sheet = workbook(report_org).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P5"
    assert sheet.print_title_rows == "$1:$1"


def test_a_sheet_per_division_with_its_steps(report_org):
    book = workbook(report_org)
    assert book.sheetnames == ["มาตรการและขั้นตอน", "สรุป", "สำนักปลัด", "กองคลัง"]
    palad = {line["ขั้นตอนหรือวิธีการดำเนินการ"] for line in records(book["สำนักปลัด"])}
    finance = {line["ขั้นตอนหรือวิธีการดำเนินการ"] for line in records(book["กองคลัง"])}
    assert palad == {STEP_TEXTS[0], STEP_TEXTS[1], STEP_TEXTS[3]}
    assert finance == {STEP_TEXTS[2], STEP_TEXTS[3]}
    assert book["กองคลัง"].freeze_panes == "A2" and book["กองคลัง"].auto_filter.ref == "A1:P3"


def test_summary_sheet_has_numbers_and_the_ita_scores(report_org):
    sheet = workbook(report_org)["สรุป"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["ข้อมูล ณ วันที่"][0] == datetime(2026, 3, 31)
    assert values["จำนวนขั้นตอนทั้งหมด"][0] == 4
    assert values["ความก้าวหน้าเฉลี่ย (ร้อยละ)"][0] == pytest.approx(57.5)
    assert values["9. การเปิดเผยข้อมูล"][:3] == (80.0, 75.0, 5.0)
    assert values["ตัวชี้วัดที่ 2 การใช้งบประมาณ"][0] == 84.5


def test_thai_digits_keep_numbers_and_dates_as_such(report_org):
    book = workbook(report_org, thai_digits=True)
    sheet = book.worksheets[0]
    lines = {line["ขั้นตอนหรือวิธีการดำเนินการ"]: line for line in records(sheet)}
    assert lines[STEP_TEXTS[0]]["ร้อยละความก้าวหน้า"] == 100
    assert sheet.cell(row=2, column=7).number_format.startswith("[$-D07041E]")
    assert sheet.cell(row=2, column=12).number_format.startswith("[$-D00041E]")
    assert "๒๕๖๙" in book["สรุป"]["A3"].value


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("กองการศึกษา ศาสนาและวัฒนธรรม", "กองการศึกษา ศาสนาและวัฒนธรรม"),
        ("กอง/ฝ่าย [แผนงาน]: งบประมาณ?", "กอง ฝ่าย แผนงาน งบประมาณ"),
        ("หน่วยงานตรวจสอบภายในและควบคุมภายในขององค์การ", "หน่วยงานตรวจสอบภายในและควบคุมภา"),
        # 31 characters would end between ร and its vowel ั: the letter goes too.
        ("กองทดสอบชื่อยาวมากเป็นพิเศษสำหรับที่ทำการ", "กองทดสอบชื่อยาวมากเป็นพิเศษสำห"),
        ("History", "History (2)"),
    ],
)
def test_sheet_names_follow_excels_rules(name, expected):
    title = sheet_title(name, set())
    assert title == expected
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


def test_sheet_names_stay_unique():
    taken: set[str] = set()
    long_name = "ก" * 40
    assert sheet_title(long_name, taken) == "ก" * 31
    assert sheet_title(long_name, taken) == "ก" * 27 + " (2)"
    assert sheet_title("สรุป", {"สรุป"}) == "สรุป (2)"
