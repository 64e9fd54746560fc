"""Text cleaning and decoding of uploaded bytes."""
from __future__ import annotations

import io
import zipfile

import pytest

from tracker.importer.normalize import (
    ImportReadError,
    clean_fragment,
    clean_text,
    collapse_spaces,
    decode_upload,
    strip_html,
)


def test_clean_text_unifies_line_ends_and_drops_the_byte_order_mark():
    assert clean_text("\ufeffหนึ่ง\r\nสอง\rสาม\n") == "หนึ่ง\nสอง\nสาม\n"


def test_clean_text_removes_zero_width_characters():
    assert clean_text("กอง\u200bคลัง\u200c\u200d\u2060\ufeff") == "กองคลัง"


def test_clean_text_turns_odd_spaces_into_plain_spaces_and_keeps_tabs():
    assert clean_text("สำนัก\u00a0ปลัด\u2009กอง\u202fคลัง\tงาน") == "สำนัก ปลัด กอง คลัง\tงาน"


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("ดําเนินการ", "ดำเนินการ"),  # nikhahit + sara aa
        ("น\u0e49\u0e4d\u0e32", "น\u0e49\u0e33"),  # tone mark before nikhahit
        ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),  # tone mark between the two halves
    ],
)
def test_clean_text_joins_split_sara_am(written, clean):
    assert clean_text(written) == clean


def test_clean_text_puts_text_in_nfc():
    # Latin e + combining acute, and a Thai tone mark typed before sara uu.
    assert clean_text("Cafe\u0301 ป\u0e48\u0e39") == "Caf\u00e9 ป\u0e39\u0e48"


def test_strip_html_removes_tags_and_unescapes_entities():
    assert strip_html("<p><b>ตัวชี้วัด</b> &amp; คะแนน</p>") == "ตัวชี้วัด & คะแนน"
    assert strip_html("ก<br>ข<br/>ค</p><p>ง") == "ก\nข\nค\nง"
    # An escaped tag is text, not markup; a Thai comparison is not a tag.
    assert strip_html("&lt;p&gt; คะแนน < 85 และ > 70") == "<p> คะแนน < 85 และ > 70"


def test_collapse_spaces_keeps_line_breaks():
    assert collapse_spaces("  ก   ข \t ค \n  ง  ") == "ก ข ค\nง"


def test_clean_fragment_does_everything():
    assert clean_fragment("<p>กอง\u00a0\u00a0คลัง\u200b</p>") == "กอง คลัง"


# --- decode_upload -----------------------------------------------------------

THAI = "รายงานผลการประเมิน ITA ปี ๒๕๖๘"


@pytest.mark.parametrize(
    "data",
    [
        THAI.encode("utf-8"),
        b"\xef\xbb\xbf" + THAI.encode("utf-8"),
        THAI.encode("utf-16"),  # with its byte-order mark
        THAI.encode("utf-16-be").join([b"\xfe\xff", b""]),
        THAI.encode("cp874"),
        THAI.encode("tis-620"),
    ],
)
def test_decode_upload_reads_thai_encodings(data):
    assert decode_upload(data) == THAI


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message", "code"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF", "pdf_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG", "image_file"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG", "image_file"),
        (b"GIF89a\x01\x00", "GIF", "image_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc", "old_office_file"),
        (_zip(["data.csv"]), "ZIP", "zip_file"),
        (_zip(["word/document.xml"]), "Word", "docx_given_as_text"),
        (b"text\x00with a NUL", "binary", "binary_file"),
        (b"\x81\x82\x83\xfc\xfd\xfe\xff", "encoding", "unknown_encoding"),
        (b"abc" + bytes(range(1, 9)) * 10, "binary", "binary_file"),
        (b"\xef\xbb\xbf\xff\xfe", "UTF-8", "bad_unicode"),
    ],
)
def test_decode_upload_refuses_what_is_not_text(data, message, code):
    with pytest.raises(ImportReadError, match=message) as raised:
        decode_upload(data)
    assert raised.value.code == code
