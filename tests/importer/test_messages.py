"""Findings shown in the reader's language; the parser itself needs neither Flask nor a database."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from tests.test_i18n import THAI_PO
from tracker.importer import Finding, parse_text
from tracker.importer.findings import MESSAGES
from tracker.importer.messages import finding_text, source_text


@pytest.fixture
def page(app):
    with app.test_request_context("/"):
        yield


def test_every_finding_has_a_thai_text():
    with THAI_PO.open("rb") as handle:
        catalog = read_po(handle, locale="th")
    untranslated = [code for code, text in MESSAGES.items()
                    if not (entry := catalog.get(text)) or not entry.string or entry.string == text]
    assert untranslated == []


def test_the_seeds_warning_in_thai_and_in_english(page, seed_text):
    (warning,) = parse_text(seed_text).warnings
    assert finding_text(warning) == (
        "ในรายงานมีการเขียนชื่อหน่วยงานเป็น “องค์การบริหารส่วนตำบลเมืองเพ็ญ” ด้วย "
        "(บรรทัดที่ 18, บรรทัดที่ 27) ระบบใช้ชื่อ “องค์การบริหารส่วนตำบลเมืองเพีย” ซึ่งพบบ่อยที่สุด"
    )
    with force_locale("en"):
        assert finding_text(warning) == warning.message


def test_dates_and_scores_in_a_finding_follow_the_language(page):
    finding = Finding("period_outside_fiscal_year", {
        "start": date(2024, 10, 1), "end": date(2025, 9, 30), "fiscal_year": 2569,
        "first": date(2025, 10, 1), "last": date(2026, 9, 30),
    })
    assert finding_text(finding) == (
        "ระยะเวลา 1 ตุลาคม 2567 – 30 กันยายน 2568 อยู่นอกปีงบประมาณ พ.ศ. 2569 "
        "(1 ตุลาคม 2568 – 30 กันยายน 2569)"
    )
    with force_locale("en"):
        assert finding_text(finding) == (
            "The period 1 Oct 2024 – 30 Sep 2025 is outside fiscal year 2569 (1 Oct 2025 – 30 Sep 2026)."
        )
    scores = Finding("overall_mismatch", {"overall": 91.5, "expected": 90.0})
    assert finding_text(scores) == "คะแนนภาพรวม 91.50 ไม่เท่ากับ 0.3 × IIT + 0.3 × EIT + 0.4 × OIT = 90.00"


@pytest.mark.parametrize(
    ("source", "thai"),
    [("line 18", "บรรทัดที่ 18"), ("paragraph 9", "ย่อหน้าที่ 9"),
     ("table 3, row 2", "ตารางที่ 3 แถวที่ 2"), ("table 4", "ตารางที่ 4"), ("รายงาน.docx", "รายงาน.docx")],
)
def test_places_in_the_document_in_thai(page, source, thai):
    assert source_text(source) == thai


def test_a_finding_known_only_by_its_text_shows_that_text(page):
    assert finding_text(Finding.plain("Something odd.", "line 4")) == "Something odd."


def test_the_parser_imports_without_babel_or_a_database():
    code = (
        "import sys\n"
        "for name in ('flask_babel', 'flask_sqlalchemy', 'sqlalchemy', 'flask_login'):\n"
        "    sys.modules[name] = None\n"
        "from tracker.importer import parse_text, ParseResult, MESSAGES\n"
        "result = parse_text('')\n"
        "print(result.errors[0].message)\n"
    )
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "The document is empty."
