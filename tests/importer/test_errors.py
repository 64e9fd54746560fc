"""Input that is not a usable report gets a clear error, and nothing to save."""
from __future__ import annotations

import io
import os
import zipfile

import docx
import pytest

from tracker.importer import parse_text, parse_upload

LIMIT = 10 * 1024 * 1024


def _only_error(result):
    (error,) = result.errors
    return error


@pytest.mark.parametrize("text", ["", "\n\n   \n", "\ufeff\r\n"])
def test_empty_document(text):
    error = _only_error(parse_text(text))
    assert (error.code, error.message) == ("document_empty", "The document is empty.")


def test_empty_upload():
    error = _only_error(parse_upload("report.txt", b"", LIMIT))
    assert error.code == "file_empty"
    assert str(error) == "report.txt: The file is empty."


@pytest.mark.parametrize(
    ("data", "what", "code"),
    [
        (b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n1 0 obj\n<< /Type /Catalog >>", "a PDF file", "pdf_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "a PNG image", "image_file"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "a JPEG image", "image_file"),
    ],
)
def test_pdf_or_image_uploaded_by_mistake(data, what, code):
    result = parse_upload("รายงาน ITA.docx", data, LIMIT)
    error = _only_error(result)
    assert error.source == "รายงาน ITA.docx"
    assert error.code == code
    assert what in error.message
    assert result.measures == [] and result.indicators == []


def test_random_text_over_the_size_limit_is_refused_before_reading():
    data = os.urandom(10 * 1024 * 1024).hex().encode()  # 20 MB of text
    result = parse_upload("big.txt", data, LIMIT)
    error = _only_error(result)
    assert (error.code, error.params) == ("file_too_large", {"size": "20.0", "limit": "10.0"})
    assert str(error) == "big.txt: The file is 20.0 MB; the limit is 10.0 MB."


def test_a_report_without_a_measures_table(make_report):
    result = parse_text(make_report(measures_header=None, measure_rows=[]))
    error = _only_error(result)
    assert error.code == "no_measures_table"
    assert error.message.startswith("No measures table found (a table with the columns")


def test_a_document_that_is_not_a_report():
    memo = "# บันทึกข้อความ\n\nเรื่อง ขออนุมัติจัดซื้อวัสดุ\nลำดับ\tรายการ\tจำนวน\n1\tกระดาษ\t5\n"
    result = parse_text(memo)
    error = _only_error(result)
    assert error.code == "not_a_report"
    assert "does not look like an ITA report" in error.message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("ตัวชี้วัด\tกิจกรรม\tงบประมาณ\tหมายเหตุ", "ขั้นตอน, ระยะเวลา, ผู้รับผิดชอบ"),
        ("ตัวชี้วัด\tโครงการ\tรายละเอียด\tระยะเวลา\tผู้รับผิดชอบ", "ขั้นตอน"),
        ("ลำดับ\tโครงการ/กิจกรรม\tขั้นตอน\tระยะเวลา\tผู้รับผิดชอบ", "ตัวชี้วัด"),
    ],
)
def test_a_measures_table_whose_columns_cannot_be_recognized(make_report, header, missing):
    text = make_report(measures_header=header)
    error = _only_error(parse_text(text))
    assert error.code == "unrecognized_columns"
    assert error.params["missing"] == missing.split(", ")
    assert f"cannot be recognized: no column for {missing} (found: " in error.message
    header_line = text.split("\n").index(header) + 1
    assert error.source == f"line {header_line}"


def test_an_empty_measures_table(make_report):
    error = _only_error(parse_text(make_report(measure_rows=[])))
    assert (error.code, error.message) == ("empty_measures_table", "The measures table has no measures.")


def _docx_bytes(text_rows):
    document = docx.Document()
    document.add_paragraph(text_rows[0])
    header, *rows = [row.split("\t") for row in text_rows[1:]]
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for cells, row in zip([header, *rows], table.rows):
        for text, cell in zip(cells, row.cells):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_upload_chooses_the_reader_by_content_not_by_name(make_report):
    text = make_report()
    as_text = parse_upload("report.docx", text.encode("cp874"), LIMIT)
    assert as_text.errors == [] and len(as_text.measures) == 10

    word = _docx_bytes([
        "องค์การบริหารส่วนตำบลหนองบัว ผลการประเมิน ITA ปี พ.ศ. 2568",
        "ตัวชี้วัด\tโครงการ\tขั้นตอน\tระยะเวลา\tผู้รับผิดชอบ",
        "1. การปฏิบัติหน้าที่\tอบรม\t1. จัดทำแผน 2. อบรม\tปีงบประมาณ 2569\tสำนักปลัด",
    ])
    as_word = parse_upload("report.txt", word, LIMIT)
    assert as_word.errors == []
    assert [s.text for s in as_word.measures[0].steps] == ["จัดทำแผน", "อบรม"]


def test_a_broken_word_file_is_an_error_not_an_exception():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<not-xml")
    error = _only_error(parse_upload("broken.docx", buffer.getvalue(), LIMIT))
    assert error.code == "unreadable_docx"
    assert "not a readable Word document" in error.message


def test_a_word_file_that_unpacks_to_far_more_than_the_limit():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "x")
        package.writestr("word/document.xml", b"\0" * (5 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100 * 1024
    error = _only_error(parse_upload("bomb.docx", data, 100 * 1024))
    assert error.code == "docx_unpacks_too_large"
    assert "unpacks to far more" in error.message
