"""The official document: its structure (pure), the Word file's page set-up and fonts, the PDF and its pages."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.reports.test_pdf import pdf_text, squeeze, weasyprint_missing_reason
from tracker.drafting.docx_writer import render_docx
from tracker.drafting.document import (
    Chart,
    DocumentMeasure,
    Landscape,
    OfficialDocument,
    TableBlock,
    document_blocks,
)
from tracker.drafting.text_writer import render_text

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def make_document(**changes) -> OfficialDocument:
    scores = {n: 80.0 + n for n in range(1, 11)}
    fields = dict(
        organization="เทศบาลตำบลทดสอบ",
        assessment_year=2568,
        overall=88.5,
        level="ผ่าน",
        tools={"IIT": 90.0, "EIT1": 88.0, "EIT2": 87.0, "OIT": 86.0},
        scores_by_year={year: {n: s - (2568 - year) for n, s in scores.items()} for year in range(2562, 2569)},
        analysis={n: f"ผลการวิเคราะห์ตัวชี้วัดที่ {n}" for n in range(1, 11)},
        measures=[DocumentMeasure(9, "เผยแพร่รายงานการจัดซื้อจัดจ้างรายเดือน", ["มอบหมายผู้รับผิดชอบ", "เผยแพร่ทุกเดือน"],
                                  date(2025, 10, 1), date(2026, 9, 30), ["กองคลัง", "สำนักปลัด"])],
    )
    fields.update(changes)
    return OfficialDocument(**fields)


def table(blocks, kind: str) -> TableBlock:
    return next(b for b in blocks if isinstance(b, TableBlock) and b.kind == kind)


def test_indicators_table_shows_at_most_five_years_and_only_this_year_is_the_score():
    blocks = document_blocks(make_document())
    indicators = table(blocks, "indicators")
    assert indicators.header == ["ตัวชี้วัด", "ปี 2564", "ปี 2565", "ปี 2566", "ปี 2567", "คะแนน ปี 2568"]
    assert sum("คะแนน" in cell for cell in indicators.header) == 1
    first = next(row for i, row in enumerate(indicators.rows) if i not in indicators.group_rows)
    assert first == [["1. การปฏิบัติหน้าที่"], ["77.00"], ["78.00"], ["79.00"], ["80.00"], ["81.00"]]
    assert len(indicators.group_rows) == 3  # IIT, EIT, OIT


def test_one_year_only_and_missing_scores():
    doc = make_document(scores_by_year={2568: {1: 90.0}}, overall=None)
    blocks = document_blocks(doc)
    assert table(blocks, "indicators").header == ["ตัวชี้วัด", "คะแนน ปี 2568"]
    assert ["–"] in table(blocks, "indicators").rows[2]  # indicator 2 has no score
    assert not any("คะแนนโดยรวม" in getattr(b, "text", "") for b in blocks)


def test_measures_come_last_on_landscape_pages_with_numbered_steps_and_thai_digits():
    blocks = document_blocks(make_document(thai_digits=True))
    landscape = next(i for i, b in enumerate(blocks) if isinstance(b, Landscape))
    assert blocks.index(table(blocks, "measures")) > landscape > blocks.index(table(blocks, "analysis"))
    row = table(blocks, "measures").rows[0]
    assert row[0] == ["๙. การเปิดเผยข้อมูล"]
    assert row[2] == ["๑. มอบหมายผู้รับผิดชอบ", "๒. เผยแพร่ทุกเดือน"]
    assert row[3] == ["๑ ตุลาคม ๒๕๖๘ ถึง ๓๐ กันยายน ๒๕๖๙"]
    assert row[4] == ["กองคลัง", "สำนักปลัด"]
    assert any(isinstance(b, Chart) for b in blocks)


def test_text_export_is_tab_separated_with_markdown_headings():
    text = render_text(make_document())
    assert "## 4. มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" in text
    assert "ตัวชี้วัด\tโครงการ/กิจกรรม\tขั้นตอนหรือวิธีการดำเนินการ\tระยะเวลาในการดำเนินการ\tผู้รับผิดชอบ" in text
    assert "1. มอบหมายผู้รับผิดชอบ<br>2. เผยแพร่ทุกเดือน" in text


def test_word_file_is_a4_thai_font_landscape_measures_and_a_chart():
    document = docx.Document(BytesIO(render_docx(make_document())))

    portrait, landscape = document.sections
    assert (round(portrait.page_width.cm, 1), round(portrait.page_height.cm, 1)) == (21.0, 29.7)
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert (round(landscape.page_width.cm, 1), round(landscape.page_height.cm, 1)) == (29.7, 21.0)
    assert portrait.footer.paragraphs[0].text == landscape.footer.paragraphs[0].text  # page numbers on both

    runs = document.element.body.findall(".//" + qn("w:r"))
    assert runs and all(
        r.find(qn("w:rPr")) is None or r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:cs")) == "TH Sarabun New"
        for r in runs if r.find(qn("w:t")) is not None
    )
    sizes = {r.find(qn("w:rPr")).find(qn("w:szCs")).get(qn("w:val")) for r in runs if r.find(qn("w:rPr")) is not None}
    assert "32" in sizes  # 16 pt for Thai text

    measures = document.tables[-1]
    assert measures.rows[0].cells[0].text == "ตัวชี้วัด"
    assert measures.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    with zipfile.ZipFile(BytesIO(render_docx(make_document()))) as package:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in package.namelist())


@pytest.fixture
def pdf_tools():
    reason = weasyprint_missing_reason()
    if reason:
        pytest.skip(reason)


def test_pdf_through_the_report_writer_with_page_images(app, pdf_tools, tmp_path):
    from tracker.drafting.services import render_pdf

    with app.test_request_context():
        content = render_pdf(make_document())

    text = squeeze(pdf_text(content, tmp_path))
    assert squeeze("การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร") in text
    assert squeeze("เผยแพร่รายงานการจัดซื้อจัดจ้างรายเดือน") in text
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        (tmp_path / "document.pdf").write_bytes(content)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "document.pdf"),
                        str(ARTIFACTS / "ita-document-page")], check=True)
        assert list(ARTIFACTS.glob("ita-document-page-*.png"))


def test_word_pages_rendered_by_libreoffice_when_installed(tmp_path):
    """The Word file itself, as a word processor lays it out (LibreOffice, when the machine has it)."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice (libreoffice-writer-nogui) or pdftoppm is not installed")
    source = tmp_path / "ita-document.docx"
    source.write_bytes(render_docx(make_document(measures=make_document().measures * 4)))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "ita-document.pdf"
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True).stdout
    orientations = ["landscape" if float(w) > float(h) else "portrait"
                    for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes)]
    assert orientations[0] == "portrait" and orientations[-1] == "landscape"
    assert orientations == sorted(orientations, key=lambda o: o == "landscape")  # one switch, to landscape
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "ita-word-page")], check=True)
