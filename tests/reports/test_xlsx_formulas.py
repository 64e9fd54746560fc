"""Users' text in the Excel report stays text: no cell of any sheet is a formula."""
from __future__ import annotations

import csv
from datetime import date
from io import BytesIO, StringIO

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.export_cells import FORMULA_TRIGGERS, csv_text
from tracker.models import Role
from tracker.reports.services import export_report

from .conftest import REPORT_TODAY, bangkok

HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")


@pytest.fixture
def hostile_org(make_org, make_division, make_user, make_measure, make_assessment, make_progress):
    """Every text a user can type or import begins like a formula."""
    org = make_org(name="=1+1 องค์การบริหารส่วนตำบล")
    division = make_division(org, "=กองคลัง", "-กค.")
    other = make_division(org, "+กองช่าง")
    author = make_user(org, Role.STAFF, divisions=[division, other], display_name="@ผู้ใช้")
    admin = make_user(org, Role.ADMIN)
    assessment = make_assessment(org, 2568, level="=ผ่าน", scores={n: 70.0 for n in range(1, 11)})
    measures = [
        make_measure(
            org, indicator=n, assessment=assessment, divisions=[division, other], title=f"{prefix}โครงการ {n}",
            steps=[{"text": f"{prefix}ขั้นตอน", "due": date(2026, 1, 31)}, f"{prefix}อีกขั้นตอน"],
        )
        for n, prefix in enumerate(HOSTILE, start=1)
    ]
    for measure, prefix in zip(measures, HOSTILE):
        make_progress(measure.steps[0], author, 30, "blocked", note=f"{prefix}ผลงาน", blocked_reason=f"{prefix}ปัญหา",
                      created_at=bangkok(2026, 2, 1, 9))
        make_progress(measure.steps[1], author, 50, note=prefix, created_at=bangkok(2026, 2, 2, 9))
    return org, admin


@pytest.mark.parametrize("thai_digits", [False, True])
def test_no_cell_of_any_sheet_is_a_formula(hostile_org, thai_digits):
    org, admin = hostile_org
    exported = export_report(admin, org, 2569, REPORT_TODAY, "xlsx", today=REPORT_TODAY, thai_digits=thai_digits)
    book = openpyxl.load_workbook(BytesIO(exported.content))
    assert len(book.worksheets) == 4  # steps, summary and a sheet per division
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    if thai_digits:
        return  # the digits of the text are Thai digits now; the types are what matters
    # The hostile text is there, unchanged, as text: in the notes, problems, titles,
    # step texts, divisions, the assessment's level and the organization's name.
    for prefix in HOSTILE:
        for suffix in ("ผลงาน", "ปัญหา", "โครงการ", "ขั้นตอน"):
            assert any(prefix.strip() in text and suffix in text for text in texts), (prefix, suffix)
    assert any(text.startswith("=กองคลัง") for text in texts)
    assert any(text.startswith("=1+1 องค์การ") for text in texts)
    assert any("=ผ่าน" in text for text in texts)


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_defuses_every_trigger(text):
    assert csv_text(text) == "'" + text


@given(st.text(max_size=30) | st.integers() | st.none())
def test_csv_text_leaves_a_cell_either_unchanged_or_prefixed(value):
    safe = csv_text(value)
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        assert safe == "'" + value
    else:
        assert safe == value
    if isinstance(safe, str):
        assert not safe.startswith(FORMULA_TRIGGERS)
        # And it survives a round trip through the csv module.
        buffer = StringIO()
        csv.writer(buffer).writerow([safe])
        assert next(csv.reader(StringIO(buffer.getvalue()))) == [safe]


def test_the_list_exports_and_the_report_share_one_rule_for_text_cells():
    """A control character XML cannot hold is dropped and formula-like text stays a string,
    the same in the list exporter (tracker.exports) as in the report (text_cell)."""
    from tracker.export_cells import text_cell
    from tracker.exports import Column, xlsx_bytes

    sheet = openpyxl.Workbook().active
    cell = text_cell(sheet, 1, 1, "=SUM(A1)\x07")
    assert (cell.value, cell.data_type) == ("=SUM(A1)", "s")
    listed = openpyxl.load_workbook(BytesIO(xlsx_bytes([Column("=ชื่อ", lambda row: row)], ["@ผล\x01"], "t"))).active
    assert [(c.value, c.data_type) for c in (listed["A1"], listed["A2"])] == [("=ชื่อ", "s"), ("@ผล", "s")]
