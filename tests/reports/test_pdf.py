"""The PDF report: Thai text comes back intact; without Pango the other formats still work."""
import gc
import re
import shutil
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.reports import pdf_writer
from tracker.reports.pdf_writer import PdfUnavailable
from tracker.reports.services import export_report

from .conftest import REPORT_TODAY, STEP_TEXTS

AS_OF = date(2026, 3, 31)


def weasyprint_missing_reason() -> str | None:
    try:
        pdf_writer.import_weasyprint()
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot load Pango here ({error}); CI installs it with scripts/system_packages.sh"
    if shutil.which("pdftotext") is None:
        return "pdftotext (poppler-utils) is not installed; CI installs it with scripts/system_packages.sh"
    return None


def pdf_text(content: bytes, tmp_path) -> str:
    # -raw keeps the order in which the text was drawn, so a table cell stays in one piece.
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def squeeze(text: str) -> str:
    # Lines are broken wherever the table cell ends; compare without white space.
    return re.sub(r"\s+", "", text)


@pytest.fixture
def pdf_tools():
    reason = weasyprint_missing_reason()
    if reason:
        pytest.skip(reason)


def test_thai_text_comes_back_intact(report_org, pdf_tools, tmp_path):
    exported = export_report(report_org.admin, report_org.org, 2569, AS_OF, "pdf", today=REPORT_TODAY)
    assert exported.content.startswith(b"%PDF")
    text = squeeze(pdf_text(exported.content, tmp_path))
    for step_text in STEP_TEXTS:
        assert squeeze(step_text) in text, step_text
    for expected in (
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        "องค์การบริหารส่วนตำบลเมืองเพีย",
        "ข้อมูลณวันที่31มีนาคม2569",
        squeeze(report_org.m9.title),
        "ปัญหาอุปสรรค:งบประมาณไม่เพียงพอ",
    ):
        assert expected in text, expected


def test_thai_digits_in_the_pdf(report_org, pdf_tools, tmp_path):
    exported = export_report(report_org.admin, report_org.org, 2569, AS_OF, "pdf", today=REPORT_TODAY, thai_digits=True)
    text = squeeze(pdf_text(exported.content, tmp_path))
    assert "ข้อมูลณวันที่๓๑มีนาคม๒๕๖๙" in text
    assert "หน้า๑/" in text


@pytest.fixture
def no_pango(monkeypatch):
    def fail():
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr(pdf_writer, "import_weasyprint", fail)


def test_without_pango_pdf_is_refused_clearly_and_changes_nothing(report_org, no_pango):
    with pytest.raises(PdfUnavailable) as error:
        export_report(report_org.admin, report_org.org, 2569, AS_OF, "pdf", today=REPORT_TODAY)
    assert "Pango" in str(error.value.message)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
    word = export_report(report_org.admin, report_org.org, 2569, AS_OF, "docx", today=REPORT_TODAY)
    assert word.content.startswith(b"PK")


def test_without_pango_the_reports_page_says_so(client, sign_in, report_org, fixed_today, no_pango):
    sign_in(report_org.staff)
    page = client.get("/reports/").get_data(as_text=True)
    assert 'id="pdf-unavailable"' in page and "Pango" in page
    assert 'value="pdf"' not in page  # no button that would fail
    response = client.get("/reports/export", query_string={"fiscal_year": 2569, "as_of": "31/03/2569", "output": "pdf"})
    assert response.status_code == 503
    assert "Pango" in response.get_data(as_text=True)
    word = client.get("/reports/export", query_string={"fiscal_year": 2569, "as_of": "31/03/2569", "output": "docx"})
    assert word.status_code == 200 and word.data.startswith(b"PK")


@pytest.fixture
def collector_seen_by_weasyprint(monkeypatch):
    """Whether Python's cycle collector was on while WeasyPrint made the PDF."""
    import weasyprint

    seen = []
    write_pdf = weasyprint.HTML.write_pdf

    def watching(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watching)
    return seen


def test_the_collector_is_paused_while_the_pdf_is_made_and_back_after(report_org, pdf_tools, collector_seen_by_weasyprint):
    # WeasyPrint keeps the whole laid-out document until it is written: every
    # full pass of the collector walks it again (about 15 % of a long report).
    assert gc.isenabled()
    exported = export_report(report_org.admin, report_org.org, 2569, AS_OF, "pdf", today=REPORT_TODAY)
    assert exported.content.startswith(b"%PDF")
    assert collector_seen_by_weasyprint == [False]
    assert gc.isenabled()


def test_the_collector_is_back_on_when_the_pdf_fails(monkeypatch):
    def fail(*args):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf_writer, "load_weasyprint", lambda: None)
    monkeypatch.setattr(pdf_writer, "write_pdf", fail)
    with pytest.raises(RuntimeError):
        pdf_writer.html_to_pdf("<p>x</p>", ())
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off():
    gc.disable()
    try:
        with pdf_writer.garbage_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
