"""The text and Word readers produce the same paragraphs-and-tables model."""
from __future__ import annotations

import io

import docx
import pytest

from tracker.importer.blocks import Paragraph, Table
from tracker.importer.normalize import ImportReadError
from tracker.importer.readers import read_docx, read_text


def _tables(blocks):
    return [block for block in blocks if isinstance(block, Table)]


def _cells(table):
    return [row.cells for row in table.rows]


def test_read_text_headings_and_paragraphs_with_their_lines():
    blocks = read_text("\n## หัวข้อ ๑\n\nย่อหน้า <b>หนึ่ง</b>\n   \n#### ย่อย\nสอง\n")
    assert blocks == [
        Paragraph("หัวข้อ ๑", "line 2", heading=2),
        Paragraph("ย่อหน้า หนึ่ง", "line 4"),
        Paragraph("ย่อย", "line 6", heading=4),
        Paragraph("สอง", "line 7"),
    ]


def test_read_text_table_is_a_run_of_tab_lines_across_blank_lines():
    blocks = read_text("ก่อน\nก\tข\n\n\nค\tง\nหลัง\nจ\tฉ\n")
    tables = _tables(blocks)
    assert [_cells(table) for table in tables] == [
        [[["ก"], ["ข"]], [["ค"], ["ง"]]],
        [[["จ"], ["ฉ"]]],
    ]
    assert [table.source for table in tables] == ["line 2", "line 7"]
    assert [row.source for row in tables[0].rows] == ["line 2", "line 5"]
    assert [block.text for block in blocks if isinstance(block, Paragraph)] == ["ก่อน", "หลัง"]


def test_read_text_continuation_line_appends_to_the_cells_above():
    text = "หัว\tขั้นตอน\tผู้รับผิดชอบ\n๑. งาน\t๑. ทำ ๒. ทำต่อ\tสำนักปลัด\n\n\tส่วนที่ตกหน้า\t\n"
    (table,) = _tables(read_text(text))
    assert _cells(table) == [
        [["หัว"], ["ขั้นตอน"], ["ผู้รับผิดชอบ"]],
        [["๑. งาน"], ["๑. ทำ ๒. ทำต่อ", "ส่วนที่ตกหน้า"], ["สำนักปลัด"]],
    ]
    assert not table.authored_paragraphs


def test_read_text_continuation_may_be_wider_than_the_row_above():
    (table,) = _tables(read_text("ก\tข\n\t\tค\n"))
    assert _cells(table) == [[["ก"], ["ข"], ["ค"]]]


def test_read_text_drops_the_closing_dash_row_and_html_in_cells():
    (table,) = _tables(read_text("<p>ก</p>\t<p>ข</p>\n--\t--\t---\n"))
    assert _cells(table) == [[["ก"], ["ข"]]]


def test_read_text_line_breaks_inside_a_cell_make_paragraphs():
    (table,) = _tables(read_text("ก\t<p>หนึ่ง</p><p>สอง</p><br>สาม\n"))
    assert _cells(table) == [[["ก"], ["หนึ่ง", "สอง", "สาม"]]]


def test_read_text_normalizes_characters_first():
    (block,) = read_text("\ufeffการดํา\u200bเนินงาน\u00a0ดี\r\n")
    assert block.text == "การดำเนินงาน ดี"


# --- Word ---------------------------------------------------------------------

def _docx_bytes(build) -> io.BytesIO:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def test_read_docx_keeps_body_order_headings_and_cell_paragraphs():
    def build(document):
        document.add_heading("มาตรการ", level=2)
        document.add_paragraph("ก่อนตาราง")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "ตัวชี้วัด"
        table.cell(0, 1).text = "ขั้นตอน"
        table.cell(1, 0).text = "๑. การปฏิบัติหน้าที่"
        cell = table.cell(1, 1)
        cell.text = "จัดทำคู่มือ"
        cell.add_paragraph("")
        cell.add_paragraph("เผยแพร่\u00a0คู่มือ")
        document.add_paragraph("หลังตาราง")

    blocks = read_docx(_docx_bytes(build))
    assert blocks[0] == Paragraph("มาตรการ", "paragraph 1", heading=2)
    assert blocks[1] == Paragraph("ก่อนตาราง", "paragraph 2")
    assert isinstance(blocks[2], Table) and blocks[2].authored_paragraphs
    assert _cells(blocks[2]) == [
        [["ตัวชี้วัด"], ["ขั้นตอน"]],
        [["๑. การปฏิบัติหน้าที่"], ["จัดทำคู่มือ", "เผยแพร่ คู่มือ"]],
    ]
    assert [row.source for row in blocks[2].rows] == ["table 1, row 1", "table 1, row 2"]
    assert blocks[3] == Paragraph("หลังตาราง", "paragraph 3")


def test_read_docx_merged_cells_are_read_once():
    def build(document):
        table = document.add_table(rows=3, cols=3)
        title = table.cell(0, 0).merge(table.cell(0, 2))
        title.text = "หัวตาราง"
        table.cell(1, 0).text = "๑. การปฏิบัติหน้าที่"
        table.cell(1, 1).text = "๑. ทำ"
        table.cell(2, 1).text = "๒. ทำต่อ"
        period = table.cell(1, 2).merge(table.cell(2, 2))
        period.text = "ปีงบประมาณ 2569"
        table.cell(1, 0).merge(table.cell(2, 0))

    (table,) = read_docx(_docx_bytes(build))
    assert _cells(table) == [
        [["หัวตาราง"], [], []],
        # The lower half of the vertical merges reads as empty cells, so the
        # third row continues the second.
        [["๑. การปฏิบัติหน้าที่"], ["๑. ทำ", "๒. ทำต่อ"], ["ปีงบประมาณ 2569"]],
    ]


def test_read_docx_refuses_a_file_that_is_not_word():
    with pytest.raises(ImportReadError, match="Word"):
        read_docx(io.BytesIO(b"PK\x03\x04 not really a zip"))
