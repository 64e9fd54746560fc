"""A Word version of a report reads the same as its text export."""
from __future__ import annotations

import io
import re

import docx

from tests.importer.documents import word_from_text_export
from tracker.importer import parse_docx, parse_text
from tracker.ita import INDICATOR_NAMES


def _without_sources(data: dict) -> dict:
    """Text and Word name their places differently ("line 18", "paragraph 9")."""
    anonymous = re.compile(r"\b(?:line|paragraph) \d+|table \d+, row \d+")
    return {
        **data,
        "warnings": [anonymous.sub("<source>", w) for w in data["warnings"]],
        "errors": [anonymous.sub("<source>", e) for e in data["errors"]],
    }


def test_word_and_text_give_the_same_result(seed_text):
    from_text = parse_text(seed_text).to_json()
    from_word = parse_docx(word_from_text_export(seed_text)).to_json()
    assert from_word["measures"] == from_text["measures"]
    assert from_word["indicators"] == from_text["indicators"]
    assert _without_sources(from_word) == _without_sources(from_text)
    assert sum(len(m["steps"]) for m in from_word["measures"]) == 22
    assert from_word["warnings"][0].startswith("paragraph ")


def test_word_cell_of_unnumbered_paragraphs_gives_one_step_each(make_report, make_measure_row):
    text = make_report(measure_rows=[make_measure_row(n) for n in INDICATOR_NAMES if n != 3])
    document = docx.Document(word_from_text_export(text))
    table = document.tables[-1]
    assert table.rows[0].cells[0].text == "ตัวชี้วัด"
    row = table.add_row()
    row.cells[0].text = "๓. การใช้อำนาจ"
    row.cells[1].text = "อบรมผู้บริหาร"
    steps = row.cells[2]
    steps.text = "จัดทำหลักสูตร"
    steps.add_paragraph("อบรมผู้บริหาร พ.ศ. ๒๕๖๙")
    steps.add_paragraph("สรุปผลการอบรม")
    row.cells[3].text = "ตลอดปีงบประมาณ 2569"
    row.cells[4].text = "สำนักปลัด"
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)

    result = parse_docx(buffer)

    measure = next(m for m in result.measures if m.indicator == 3)
    assert [s.text for s in measure.steps] == [
        "จัดทำหลักสูตร", "อบรมผู้บริหาร พ.ศ. ๒๕๖๙", "สรุปผลการอบรม",
    ]
    assert result.errors == [] and result.warnings == []
    # The same cell in a text export is one paragraph: one step.
    row_3 = "๓. การใช้อำนาจ\tอบรม\tจัดทำหลักสูตร อบรมผู้บริหาร\tปีงบประมาณ 2569\tสำนักปลัด\n"
    text_result = parse_text(text + row_3)
    assert len(next(m for m in text_result.measures if m.indicator == 3).steps) == 1
