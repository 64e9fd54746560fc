"""Whatever is uploaded, the importer answers with a result, never an exception."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.importer import parse_text, parse_upload

# Pieces of real reports, so that random documents reach deep into the parser.
pieces = st.sampled_from([
    "\t", "\n", "\n\n", " ", "๑.", "2.", "(3)", "4)", "ตัวชี้วัด", "คะแนน", "โครงการ", "ขั้นตอน",
    "ระยะเวลา", "ผู้รับผิดชอบ", "เครื่องมือ", "IIT", "EIT ส่วนที่ ๒", "OIT", "ผลการวิเคราะห์",
    "การใช้อำนาจ", "๙๓.๘๘", "100.5", "1 ต.ค. 68", "ก.ย. 2569", "ถึง", "-", "ปีงบประมาณ 2569",
    "สำนักปลัด/", "และกอง", "ทุกกอง", "องค์การบริหารส่วนตำบล", "อบต.", "เมืองเพีย", "ITA",
    "ค่าคะแนนโดยรวม เท่ากับ", "อยู่ในระดับ “ผ่านดี”", "<p>", "</b>", "--", "#", "\r\n", "\ufeff",
])
documents = st.lists(st.one_of(pieces, st.text(max_size=5)), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_text_gives_a_result(text):
    result = parse_text(text)
    result.to_json()
    # A result without errors always has measures to save.
    assert result.errors or result.measures


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_give_an_error(data):
    result = parse_upload("upload.bin", data, max_bytes=1000)
    assert result.errors
