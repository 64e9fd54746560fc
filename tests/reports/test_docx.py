"""The Word report, opened with python-docx and checked against the database."""
import re
from datetime import date
from io import BytesIO
from zipfile import ZipFile

import docx
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn
from docx.shared import Cm

from tracker.extensions import db
from tracker.measures.models import Step
from tracker.models import AuditEvent
from tracker.reports.services import export_report
from tracker.thai import format_date_short

from .conftest import REPORT_TODAY, STEP_TEXTS

AS_OF = date(2026, 3, 31)


@pytest.fixture
def word(report_org):
    exported = export_report(report_org.admin, report_org.org, 2569, AS_OF, "docx", today=REPORT_TODAY)
    db.session.commit()
    return exported


def open_docx(exported):
    return docx.Document(BytesIO(exported.content))


def steps_table(document):
    return document.tables[-1]


def test_every_measure_and_step_is_in_the_table_with_its_figures(report_org, word):
    table = steps_table(open_docx(word))
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    step_rows = {row[1]: row for row in rows if row[1] in STEP_TEXTS}
    steps = db.session.scalars(sa.select(Step).where(Step.organization_id == report_org.org.id)).all()
    assert set(step_rows) == {s.text for s in steps}
    for step in steps:
        row = step_rows[step.text]
        assert row[0] == str(step.number)
        assert row[3] == format_date_short(step.due_date)  # Buddhist Era, e.g. 31 ม.ค. 69
        assert ", ".join(row[2].split("\n")) == ", ".join(d.name for d in step.divisions)
    assert step_rows[STEP_TEXTS[0]][5] == "100"
    assert step_rows[STEP_TEXTS[0]][7] == "2"  # files
    assert step_rows[STEP_TEXTS[1]][5] == "0"  # its update came after 31 March
    assert step_rows[STEP_TEXTS[2]][5] == "30"
    assert "ปัญหาอุปสรรค: งบประมาณไม่เพียงพอ" in step_rows[STEP_TEXTS[2]][6]
    assert "(เกินกำหนด)" in step_rows[STEP_TEXTS[2]][4]
    measure_headers = [row[0] for row in rows if row[0].startswith("ตัวชี้วัดที่")]
    assert [h.split("\n")[1] for h in measure_headers] == [
        f"โครงการ/กิจกรรม: {report_org.m1.title}",
        f"โครงการ/กิจกรรม: {report_org.m9.title}",
    ]


def test_title_block_and_summary(report_org, word):
    document = open_docx(word)
    texts = [p.text for p in document.paragraphs]
    assert texts[:4] == [
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        "องค์การบริหารส่วนตำบลเมืองเพีย",
        "ปีงบประมาณ พ.ศ. 2569",
        "ข้อมูล ณ วันที่ 31 มีนาคม 2569",
    ]
    summary = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert summary["จำนวนมาตรการทั้งหมด"] == "2"
    assert summary["จำนวนขั้นตอนทั้งหมด"] == "4"
    # The steps by the dashboard's groups: the late blocked step is counted once, as late.
    groups = ["เกินกำหนด", "ครบกำหนดภายใน 14 วัน", "อยู่ระหว่างดำเนินการ (ยังไม่ถึงกำหนด)",
              "ยังไม่ได้ดำเนินการ (ยังไม่ถึงกำหนด)", "ดำเนินการแล้วเสร็จ"]
    assert [summary[label] for label in groups] == ["1", "0", "0", "1", "2"]
    assert summary["ความก้าวหน้าเฉลี่ย (ร้อยละ)"] == "57.5"
    indicators = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in document.tables[2].rows}
    assert indicators["9. การเปิดเผยข้อมูล"] == ["80.00", "75.00", "+5.00"]
    assert "- ตัวชี้วัดที่ 2 การใช้งบประมาณ 84.50 คะแนน" in texts


def test_a4_page_and_header_row_repeated_on_every_page(word):
    document = open_docx(word)
    section = document.sections[0]
    assert sorted([round(section.page_width.cm, 1), round(section.page_height.cm, 1)]) == [21.0, 29.7]
    assert section.left_margin >= Cm(2) and section.top_margin >= Cm(2)
    first_row = steps_table(document).rows[0]._tr
    assert first_row.trPr is not None and first_row.trPr.find(qn("w:tblHeader")) is not None
    assert steps_table(document).rows[1]._tr.trPr is None or steps_table(document).rows[1]._tr.trPr.find(qn("w:tblHeader")) is None


def test_font_is_th_sarabun_new_in_both_slots_at_16_pt(word):
    with ZipFile(BytesIO(word.content)) as package:
        body = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
    for xml in (body, styles):
        fonts = re.findall(r"<w:rFonts [^>]*/>", xml)
        assert fonts, "no w:rFonts"
        for element in fonts:
            assert 'w:ascii="TH Sarabun New"' in element and 'w:cs="TH Sarabun New"' in element, element
        assert '<w:szCs w:val="32"/>' in xml
    # Every run of the body names the font and the complex-script size itself.
    runs = re.findall(r"<w:r>.*?</w:r>", body, flags=re.S)
    assert runs and all('w:cs="TH Sarabun New"' in run and "<w:szCs " in run for run in runs)
    normal = docx.Document(BytesIO(word.content)).styles["Normal"]
    assert normal.font.name == "TH Sarabun New" and normal.font.size.pt == 16


def test_thai_digits_throughout(report_org):
    exported = export_report(report_org.admin, report_org.org, 2569, AS_OF, "docx", today=REPORT_TODAY, thai_digits=True)
    document = open_docx(exported)
    texts = [p.text for p in document.paragraphs]
    assert texts[2:4] == ["ปีงบประมาณ พ.ศ. ๒๕๖๙", "ข้อมูล ณ วันที่ ๓๑ มีนาคม ๒๕๖๙"]
    cells = [cell.text for row in steps_table(document).rows for cell in row.cells]
    assert "๑๐๐" in cells and "๓๑ ม.ค. ๖๙" in cells
    # Digits outside links are Thai; a link keeps its own.
    for text in cells:
        without_links = re.sub(r"https?://\S+", "", text)
        assert not re.search(r"[0-9]", without_links), text
    assert any("https://muangphia.example/doc/2569" in text for text in cells)
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "ThaiArabic" in footer


def test_each_export_is_audited(report_org, word):
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.actor_id == report_org.admin.id
    assert event.details == {"format": "docx", "fiscal_year": 2569, "as_of": "2026-03-31", "thai_digits": False}
    assert word.filename.endswith(".docx") and "2569" in word.filename
