"""The plain-data report and the document wording: no database needed."""
from datetime import date
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import docx
import openpyxl

from tracker.ita import MeasureState, StepStatus, Tool
from tracker.reports import report as model
from tracker.reports.docx_writer import render_docx
from tracker.reports.wording import Numbers, printable
from tracker.reports.xlsx_writer import render_xlsx

AS_OF = date(2026, 3, 31)


def row(step_id, text, divisions, status=StepStatus.NOT_STARTED, percent=0, due=date(2026, 6, 30), **extra):
    return model.step_row(step_id=step_id, number=step_id, text=text, divisions=divisions, due_date=due,
                          as_of=AS_OF, status=status, percent=percent, **extra)


def sample_report(analysis=None) -> model.ProgressReport:
    measure = model.measure_section(
        measure_id=1, indicator_number=4, indicator_name="การใช้ทรัพย์สินของราชการ", title="มาตรการการใช้ทรัพย์สิน",
        start_date=date(2025, 10, 1), end_date=date(2026, 9, 30), as_of=AS_OF,
        steps=[
            row(1, "จัดทำมาตรการ", ["กองช่าง"], StepStatus.DONE, 100, due=date(2026, 1, 15)),
            row(2, "ประชุมชี้แจง\x07บุคลากร", ["สำนักปลัด", "กองช่าง"], StepStatus.IN_PROGRESS, 50, due=date(2026, 3, 1),
                note="ประชุมแล้ว 1 ครั้ง\r\nเหลืออีก 1 ครั้ง"),
        ],
    )
    return model.ProgressReport("เทศบาลตำบลทดสอบ", 2569, AS_OF, (measure,), analysis, division_order=("สำนักปลัด",))


def test_steps_know_whether_they_were_late_on_the_report_date():
    report = sample_report()
    late, = [r for _, r in report.steps if r.overdue]
    assert late.number == 2
    assert report.measures[0].state == MeasureState.OVERDUE
    assert report.measures[0].progress == 75.0


def test_divisions_in_the_organizations_order_then_as_met():
    names = [d.name for d in sample_report().by_division()]
    assert names == ["สำนักปลัด", "กองช่าง"]
    assert [r.number for _, r in sample_report().by_division()[1].rows] == [1, 2]


def test_analysis_without_a_previous_assessment():
    assessment = SimpleNamespace(
        fiscal_year=2568, overall_score=Decimal("86.10"), level="ผ่าน", iit_score=Decimal("90"), eit_score=Decimal("88"),
        eit1_score=Decimal("87"), eit2_score=Decimal("89"), oit_score=Decimal("80"),
        indicators=[SimpleNamespace(number=9, name="การเปิดเผยข้อมูล", tool=Tool.OIT, score=Decimal("70"), analysis=" วิเคราะห์ ")],
    )
    analysis = model.ita_analysis(assessment, None, {})
    assert analysis.previous_fiscal_year is None
    assert analysis.overall.change is None
    assert [(i.number, i.below_pass, i.analysis) for i in analysis.below_pass] == [(9, True, "วิเคราะห์")]
    assert [t.below_pass for t in analysis.tools] == [False, False, False, False, True]


def test_numbers_in_thai_digits_leave_links_alone():
    thai = Numbers(thai_digits=True)
    assert thai.text("ข้อ 12 ดู https://x.go.th/a/12 และ www.y.go.th/3") == "ข้อ ๑๒ ดู https://x.go.th/a/12 และ www.y.go.th/3"
    assert thai.text("แจ้ง saraban2@x1.go.th ภายใน 7 วัน") == "แจ้ง saraban2@x1.go.th ภายใน ๗ วัน"
    assert thai.date(date(2026, 3, 31)) == "๓๑ มีนาคม ๒๕๖๙"
    assert thai.change(Decimal("-0.5")) == "-๐.๕๐" and Numbers().change(Decimal("1.255")) == "+1.25"
    assert Numbers().change(0) == "0.00" and Numbers().decimal(None) == "–"


def test_printable_text_has_no_control_characters():
    assert printable("ก\x00ข\x0bค\r\nง\rจ\tฉ") == "กขค\nง\nจ\tฉ"


def test_word_and_excel_from_plain_data_alone():
    report = sample_report()
    word = docx.Document(BytesIO(render_docx(report)))
    cells = [c.text for r in word.tables[-1].rows for c in r.cells]
    assert "ประชุมชี้แจงบุคลากร" in cells  # the control character is gone, not the file
    assert "ประชุมแล้ว 1 ครั้ง\nเหลืออีก 1 ครั้ง" in cells
    assert "ยังไม่มีข้อมูลผลการประเมิน ITA ในระบบ" in [p.text for p in word.paragraphs]
    book = openpyxl.load_workbook(BytesIO(render_xlsx(report)))
    assert book.sheetnames == ["มาตรการและขั้นตอน", "สรุป", "สำนักปลัด", "กองช่าง"]
    assert "ยังไม่มีข้อมูลผลการประเมิน ITA ในระบบ" in [cell.value for cell in book["สรุป"]["A"]]
