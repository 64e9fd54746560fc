"""Personal data that must not reach the public page: Thai phone numbers, national ID numbers, names after a title.

Pure text work, no database: `mask_personal_data(text)` replaces each with a
placeholder. Digits may be Arabic or Thai; separators may be dashes or spaces
(and underscores in file names). The names of the organization's own users
are masked by `publishing.redact` before this runs.
"""
from __future__ import annotations

import re

from . import wording

DIGIT = "0-9\u0e50-\u0e59"  # Arabic and Thai digits
THAI_LETTERS = "\u0e01-\u0e4e"  # letters, vowels and tone marks (not Thai digits or ฯ punctuation)

# 13 digits, with or without dashes or spaces between groups (1-2345-67890-12-3).
NATIONAL_ID = re.compile(rf"(?<![{DIGIT}])[{DIGIT}](?:[-\s]?[{DIGIT}]){{12}}(?![{DIGIT}])")

# 0X-XXX-XXXX, 0XX-XXX-XXXX, 0XXXXXXXXX (9 or 10 digits starting with 0), or +66 and 8-9 digits.
PHONE = re.compile(
    rf"(?<![{DIGIT}+])(?:\+\s?66[-\s]?(?:\(0\))?|[0\u0e50])(?:[-\s]?[{DIGIT}]){{8,9}}(?![{DIGIT}])"
)

# Words that start like a title but are not one: นายก (mayor), นายอำเภอ, นางพยาบาล ...
_NOT_A_NAME_AFTER_NAI = (
    "กองค์การ", "กเทศมนตรี", "กรัฐมนตรี", "กอบต", "กสมาคม", "กฯ", "อำเภอ", "ช่าง", "ทะเบียน", "ตรวจ", "สิบ",
    "ทหาร", "ตำรวจ", "จ้าง", "หน้า", "ประกัน", "ด่าน", "งาน", "ท่า", "ร้อย", "พัน", "พล", "เรือ", "อากร", "ทุน", "ทาง",
)
_NOT_A_NAME_AFTER_NANG = ("พยาบาล", "งาม", "ฟ้า", "เอก", "ใน", "แบบ", "รำ", "สนม", "กำนัล")
_RANKS = r"(?:พล\.?)?(?:ร\.ต\.(?:อ\.)?|ร\.ท\.|ร\.อ\.|พ\.ต\.(?:อ\.|ท\.)?|พ\.ท\.|พ\.อ\.|จ\.ส\.อ\.|จ\.ส\.ต\.|ส\.อ\.|ส\.ต\.(?:อ\.)?|ด\.ต\.)(?:หญิง)?"
TITLES = (
    rf"ว่าที่\s*(?:{_RANKS}|ร้อยตรี(?:หญิง)?|ร้อยโท(?:หญิง)?|ร้อยเอก(?:หญิง)?)",
    _RANKS,
    r"นางสาว", r"น\.ส\.", r"ด\.ช\.", r"ด\.ญ\.", r"เด็กชาย", r"เด็กหญิง",
    r"(?<!ท)นาย(?!" + "|".join(_NOT_A_NAME_AFTER_NAI) + r")",  # not ทนาย (a lawyer)
    r"นาง(?!" + "|".join(_NOT_A_NAME_AFTER_NANG) + r"|สาว)",
    r"ดร\.", r"นพ\.", r"พญ\.", r"ทพ\.", r"ทพญ\.", r"ภก\.", r"ภญ\.", r"ผศ\.", r"รศ\.", r"(?<!\.)ศ\.",  # not พ.ศ.
)
# A title (or several: ศ.ดร.), then a first name and, after a space or an underscore, a surname.
PERSON = re.compile(
    rf"(?:(?:{'|'.join(TITLES)})\s*)+[{THAI_LETTERS}]+(?:[ _]+[{THAI_LETTERS}]+)?"
    rf"|\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+(?:[ _]+[A-Z][a-z]+)?"
)


def mask_national_ids(text: str) -> str:
    return NATIONAL_ID.sub(wording.REDACTED_NATIONAL_ID, text)


def mask_phone_numbers(text: str) -> str:
    return PHONE.sub(wording.REDACTED_PHONE, text)


def mask_titled_names(text: str) -> str:
    return PERSON.sub(wording.REDACTED_PERSON, text)


def mask_personal_data(text: str) -> str:
    """`text` with national ID numbers, phone numbers and titled names masked (IDs first: they are longer)."""
    return mask_titled_names(mask_phone_numbers(mask_national_ids(text or "")))
