"""Every way a .docx can be broken is a clear error; no file can hold a worker: caps on what one import holds."""
from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest

from tracker.importer import ImportReadError, parse_docx, parse_upload, read_docx
from tracker.importer.limits import (
    MAX_CELL_CHARACTERS,
    MAX_PARAGRAPHS,
    MAX_PART_BYTES,
    MAX_TABLE_ROWS,
)

LIMIT = 10 * 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def valid_docx(paragraphs=("รายงานผลการประเมิน ITA",)) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replaced(data: bytes, name: str, content: bytes | None = None) -> bytes:
    """The package with one part replaced (or removed when `content` is None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                if content is not None:
                    target.writestr(name, content)
            else:
                target.writestr(info, source.read(info.filename))
    return buffer.getvalue()


def patched_central_directory(data: bytes, name: str, *, flags: int | None = None, method: int | None = None) -> bytes:
    """Change the flags or compression method the central directory records for `name`."""
    data = bytearray(data)
    at = 0
    encoded = name.encode()
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == encoded:
            if flags is not None:
                struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | flags)
            if method is not None:
                struct.pack_into("<H", data, at + 10, method)
            return bytes(data)
        at += 4
    raise AssertionError(f"{name} not in the central directory")


def corrupted_deflate(data: bytes, name: str) -> bytes:
    """Garbage in the compressed bytes of `name`: zlib fails on it (not only the CRC)."""
    package = zipfile.ZipFile(io.BytesIO(data))
    info = package.getinfo(name)
    raw = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start, start + min(64, info.compress_size)):
        raw[offset] = 0xFF
    return bytes(raw)


def error_code(data: bytes) -> str:
    result = parse_upload("report.docx", data, LIMIT)
    assert len(result.errors) == 1, result.errors
    return result.errors[0].code


BROKEN = {
    "zlib error": lambda: corrupted_deflate(valid_docx(), "word/document.xml"),
    "encrypted part": lambda: patched_central_directory(valid_docx(), "word/document.xml", flags=0x1),
    "unsupported compression": lambda: patched_central_directory(valid_docx(), "word/document.xml", method=99),
    "no body": lambda: replaced(valid_docx(), "word/document.xml", f'<w:document xmlns:w="{W}"/>'.encode()),
    "wrong root element": lambda: replaced(
        valid_docx(), "word/document.xml", f'<w:body xmlns:w="{W}"><w:p/></w:body>'.encode()
    ),
    "foreign root element": lambda: replaced(valid_docx(), "word/document.xml", b"<html><body/></html>"),
    "no document part": lambda: replaced(valid_docx(), "word/document.xml"),
    "no content types": lambda: replaced(valid_docx(), "[Content_Types].xml"),
    "truncated": lambda: valid_docx()[: len(valid_docx()) // 2],
}


def test_entities_are_not_expanded():
    bomb = (f'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    blocks = read_docx(io.BytesIO(replaced(valid_docx(), "word/document.xml", bomb.encode())))
    assert "a" * 20 not in " ".join(getattr(b, "text", "") for b in blocks)


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_word_file_is_a_clear_error(kind):
    # A package without a Word document in it reads as "a ZIP file, not a report".
    assert error_code(BROKEN[kind]()) in {"unreadable_docx", "zip_file"}


@pytest.mark.parametrize("kind", BROKEN)
def test_reading_a_broken_word_file_raises_only_the_import_error(kind):
    """The CLI reads a .docx by name, without parse_upload's first look."""
    with pytest.raises(ImportReadError):
        parse_docx(io.BytesIO(BROKEN[kind]()))


def test_a_part_that_unpacks_beyond_its_limit_is_refused_before_reading():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "x")
        package.writestr("word/document.xml", b" " * (MAX_PART_BYTES + 1))
    data = buffer.getvalue()
    # Within the whole package's rule (20 times the upload limit): only the part's own limit catches it.
    assert MAX_PART_BYTES + 1 < 20 * LIMIT
    assert error_code(data) == "docx_unpacks_too_large"


def with_body(body_xml: str) -> bytes:
    """A Word file whose body is `body_xml` (written directly: python-docx adds paragraphs slowly)."""
    return replaced(valid_docx(), "word/document.xml",
                    f'<w:document xmlns:w="{W}"><w:body>{body_xml}</w:body></w:document>'.encode())


def test_a_document_of_too_many_paragraphs_is_refused():
    data = with_body("<w:p><w:r><w:t>ย่อหน้า</w:t></w:r></w:p>" * (MAX_PARAGRAPHS + 1))
    result = parse_upload("long.docx", data, LIMIT)
    assert [e.code for e in result.errors] == ["document_too_long"]
    assert str(MAX_PARAGRAPHS) in result.errors[0].message.replace(",", "")


def test_a_text_export_of_too_many_lines_is_refused():
    text = "\n".join(f"บรรทัด {n}" for n in range(MAX_PARAGRAPHS + 1))
    result = parse_upload("long.txt", text.encode(), LIMIT)
    assert [e.code for e in result.errors] == ["document_too_long"]


def test_a_table_of_too_many_rows_is_refused():
    document = docx.Document()
    document.add_table(rows=MAX_TABLE_ROWS + 1, cols=1)
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_upload("rows.docx", buffer.getvalue(), LIMIT)
    assert [e.code for e in result.errors] == ["table_too_long"]


def test_a_cell_of_too_many_characters_is_refused():
    line = "ตัวชี้วัด\tโครงการ\t" + "ก" * (MAX_CELL_CHARACTERS + 1) + "\tระยะเวลา\tผู้รับผิดชอบ"
    result = parse_upload("cell.txt", line.encode(), LIMIT)
    assert [e.code for e in result.errors] == ["cell_too_long"]
    with pytest.raises(ImportReadError):
        read_docx(io.BytesIO(valid_docx(["ก" * (MAX_CELL_CHARACTERS * 3)])))


def test_a_report_of_too_many_steps_is_refused(make_report, make_measure_row):
    steps = " ".join(f"{n}. ขั้นตอน" for n in range(1, 100))  # 99 steps a measure
    rows = [make_measure_row(1 + n % 10, steps=steps, title=f"โครงการ {n}") for n in range(40)]
    result = parse_upload("steps.txt", make_report(measure_rows=rows).encode(), LIMIT)
    assert [e.code for e in result.errors] == ["too_many_steps"]
    assert result.measures == []
