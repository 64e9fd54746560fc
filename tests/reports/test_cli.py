"""`flask reports export`: a file for scheduled publishing, clear errors, an audit event."""
from io import BytesIO

import docx
import openpyxl
import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.reports import pdf_writer

from .conftest import STEP_TEXTS


def run(app, *args):
    return app.test_cli_runner().invoke(args=["reports", "export", *args])


def exports():
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.export")).all()


def test_export_word_as_of_a_date(app, report_org, fixed_today, tmp_path):
    target = tmp_path / "report.docx"
    result = run(app, "--org", "muangphia", "--year", "2569", "--format", "docx", "--as-of", "2026-03-31", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    document = docx.Document(BytesIO(target.read_bytes()))
    assert "ข้อมูล ณ วันที่ 31 มีนาคม 2569" in [p.text for p in document.paragraphs]
    rows = {row.cells[1].text: row.cells[5].text for row in document.tables[-1].rows}
    assert rows[STEP_TEXTS[1]] == "0"  # updated only on 1 April
    (event,) = exports()
    assert event.actor_id is None and event.details["format"] == "docx" and event.details["as_of"] == "2026-03-31"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_export_excel_with_thai_digits_and_a_thai_date(app, report_org, fixed_today, tmp_path):
    target = tmp_path / "report.xlsx"
    result = run(app, "--org", report_org.org.name, "--year", "2569", "--format", "xlsx", "--as-of", "31/03/2569",
                 "--thai-digits", "-o", str(target))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert "๒๕๖๙" in book["สรุป"]["A3"].value
    assert exports()[0].details["thai_digits"] is True


def test_the_date_defaults_to_today(app, report_org, fixed_today, tmp_path):
    result = run(app, "--org", "muangphia", "--year", "2569", "--format", "docx", "-o", str(tmp_path / "r.docx"))
    assert result.exit_code == 0, result.output
    assert exports()[0].details["as_of"] == "2026-04-10"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nowhere", "--year", "2569", "--format", "docx"], "nowhere"),
        (["--org", "muangphia", "--year", "2570", "--format", "docx"], "2570"),
        (["--org", "muangphia", "--year", "2026", "--format", "docx"], "Buddhist Era"),
        (["--org", "muangphia", "--year", "2569", "--format", "docx", "--as-of", "31/02/2569"], "--as-of"),
        (["--org", "muangphia", "--year", "2569", "--format", "docx", "--as-of", "2026-05-01"], "ต้องไม่เกินวันนี้"),
    ],
)
def test_bad_input_exits_1_with_a_message_and_writes_nothing(app, report_org, fixed_today, tmp_path, args, message):
    target = tmp_path / "report.docx"
    result = run(app, *args, "-o", str(target))
    assert result.exit_code == 1
    assert message in result.output
    assert not target.exists()
    assert exports() == []


def test_pdf_without_pango_exits_1(app, report_org, fixed_today, tmp_path, monkeypatch):
    def fail():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_writer, "import_weasyprint", fail)
    target = tmp_path / "report.pdf"
    result = run(app, "--org", "muangphia", "--year", "2569", "--format", "pdf", "-o", str(target))
    assert result.exit_code == 1
    assert "Pango" in result.output
    assert not target.exists() and exports() == []


def test_an_unwritable_target_is_reported(app, report_org, fixed_today, tmp_path):
    result = run(app, "--org", "muangphia", "--year", "2569", "--format", "docx", "-o", str(tmp_path / "missing" / "r.docx"))
    assert result.exit_code == 1
    assert "Cannot write" in result.output
    assert exports() == []
