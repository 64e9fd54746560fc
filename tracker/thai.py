"""Thai digits, Buddhist Era dates and the Thai government fiscal year.

Dates are stored as Gregorian `datetime.date`; this module converts them for
display and parses what people type. No database access here.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime

BE_OFFSET = 543
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)

MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)


class ThaiDateError(ValueError):
    """Text that cannot be read as a date."""


def to_thai_digits(text: str) -> str:
    return str(text).translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    return str(text).translate(_TO_ARABIC)


def be_year(value: date | int) -> int:
    """Buddhist Era year of a Gregorian date or year."""
    year = value if isinstance(value, int) else value.year
    return year + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def _digits(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits else text


def format_date_long(value: date | None, thai_digits: bool = False) -> str:
    """`1 ตุลาคม 2568`."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS_LONG[value.month - 1]} {be_year(value)}"
    return _digits(text, thai_digits)


def format_date_short(value: date | None, thai_digits: bool = False) -> str:
    """`1 ต.ค. 68`."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS_SHORT[value.month - 1]} {be_year(value) % 100:02d}"
    return _digits(text, thai_digits)


def format_date_medium(value: date | None, thai_digits: bool = False) -> str:
    """`30 เม.ย. 2569`: short month, full Buddhist Era year (deadline history)."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS_SHORT[value.month - 1]} {be_year(value)}"
    return _digits(text, thai_digits)


def format_date_numeric(value: date | None, thai_digits: bool = False) -> str:
    """`01/10/2568`, the form people type dates in."""
    if value is None:
        return ""
    text = f"{value.day:02d}/{value.month:02d}/{be_year(value)}"
    return _digits(text, thai_digits)


def format_datetime(value: datetime | None, thai_digits: bool = False) -> str:
    """`1 ต.ค. 68 14:05 น.` (the caller converts to local time first)."""
    if value is None:
        return ""
    text = f"{format_date_short(value.date())} {value.hour:02d}:{value.minute:02d} น."
    return _digits(text, thai_digits)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- reading dates -------------------------------------------------------

def _month_key(text: str) -> str:
    return re.sub(r"[\s.]", "", text)


_MONTH_LOOKUP: dict[str, int] = {}
for _number, (_long, _short) in enumerate(zip(MONTHS_LONG, MONTHS_SHORT), start=1):
    _MONTH_LOOKUP[_month_key(_long)] = _number
    _MONTH_LOOKUP[_month_key(_short)] = _number

# Longest names first, so that "มีนาคม" is not read as "มี.ค." followed by junk.
MONTH_PATTERN = "|".join(
    sorted(
        {re.escape(m) for m in MONTHS_LONG}
        | {r"\.?\s*".join(re.escape(ch) for ch in _month_key(m)) + r"\.?" for m in MONTHS_SHORT},
        key=len,
        reverse=True,
    )
)


def month_number(name: str) -> int | None:
    """Number (1-12) of a Thai month name, long or abbreviated, dots optional."""
    return _MONTH_LOOKUP.get(_month_key(name))


def year_from_text(text: str, *, two_digit_century: int = 2500) -> int:
    """Gregorian year from a year as written: BE in four digits (2568) or two (68),
    or a Gregorian year in four digits (2025)."""
    digits = to_arabic_digits(text).strip()
    if not digits.isdigit():
        raise ThaiDateError(f"not a year: {text!r}")
    number = int(digits)
    if len(digits) <= 2:
        return ce_year(two_digit_century + number)
    if number >= 2400:
        return ce_year(number)
    if 1900 <= number < 2400:
        return number
    raise ThaiDateError(f"year out of range: {text!r}")


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_WORD_DATE = re.compile(rf"^\s*(\d{{1,2}})\s*({MONTH_PATTERN})\s*(?:พ\.?\s*ศ\.?)?\s*(\d{{2}}|\d{{4}})\s*$")


def parse_date(text: str) -> date:
    """Read a date as Thai users type it.

    Accepts `30/09/2569` (BE, the usual form), `30 ก.ย. 69`, `30 กันยายน 2569`,
    ISO `2026-09-30`, with Thai or Arabic digits. A four-digit year from 2400
    on is Buddhist Era; below that it is Gregorian.
    """
    if text is None:
        raise ThaiDateError("empty date")
    cleaned = to_arabic_digits(str(text)).strip()
    if not cleaned:
        raise ThaiDateError("empty date")
    try:
        if match := _ISO_DATE.match(cleaned):
            year, month, day = (int(g) for g in match.groups())
            return date(year_from_text(str(year)), month, day)
        if match := _NUMERIC_DATE.match(cleaned):
            day, month, year = match.groups()
            return date(year_from_text(year), int(month), int(day))
        if match := _WORD_DATE.match(cleaned):
            day, month_name, year = match.groups()
            month = month_number(month_name)
            if month is None:
                raise ThaiDateError(f"unknown month: {month_name!r}")
            return date(year_from_text(year), month, int(day))
    except ValueError as exc:  # day 31 in a 30-day month, month 13 ...
        raise ThaiDateError(f"no such date: {text!r}") from exc
    raise ThaiDateError(f"not a date: {text!r}")


# --- fiscal year -----------------------------------------------------------
# A Thai government fiscal year runs from 1 October to 30 September and is
# named by the Buddhist Era year in which it ends: 1 Oct 2025 is in FY 2569.

def fiscal_year(value: date) -> int:
    year = value.year + 1 if value.month >= 10 else value.year
    return be_year(year)


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    end_year = ce_year(fy)
    return date(end_year - 1, 10, 1), date(end_year, 9, 30)


def fiscal_quarter(value: date) -> int:
    """1 for Oct-Dec, 2 for Jan-Mar, 3 for Apr-Jun, 4 for Jul-Sep."""
    return (value.month - 10) % 12 // 3 + 1


def fiscal_quarter_bounds(fy: int, quarter: int) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1 to 4")
    start_month = (10 + 3 * (quarter - 1) - 1) % 12 + 1
    start_year = ce_year(fy) - 1 if start_month >= 10 else ce_year(fy)
    end_month = start_month + 2
    return date(start_year, start_month, 1), month_end(start_year, end_month)


def format_fiscal_year(fy: int, thai_digits: bool = False) -> str:
    return _digits(f"ปีงบประมาณ พ.ศ. {fy}", thai_digits)


# --- periods -----------------------------------------------------------------
# How reports write the period of a measure: two dates (`1 ต.ค. 2568 - 30 ก.ย.
# 2569`, `01/10/2568 ถึง 30/09/2569`), two months (`ต.ค. 68 – ก.ย. 69`, from the
# first day of the one to the last day of the other) or a fiscal year
# (`ตลอดปีงบประมาณ พ.ศ. 2569`). In running text an abbreviated month must keep
# its dots, or "กพ" inside an ordinary word would read as February.
_TEXT_MONTH = "|".join(
    sorted(
        {re.escape(m) for m in MONTHS_LONG}
        | {r"\.\s*".join(map(re.escape, m.rstrip(".").split("."))) + r"\.?" for m in MONTHS_SHORT},
        key=len,
        reverse=True,
    )
)
_PERIOD_POINT = re.compile(
    r"(?<!\d)(?P<numeric>\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*(?:\d{4}|\d{2}))(?!\d)"
    rf"|(?:(?<!\d)(?P<day>\d{{1,2}})\s*)?(?P<month>{_TEXT_MONTH})"
    r"\s*(?:พ\.?\s*ศ\.?\s*)?(?P<year>\d{4}|\d{2})?(?!\d)"
)
_FISCAL_YEARS = re.compile(
    r"ปีงบ(?:ประมาณ|ฯ)?\s*(?:พ\.?\s*ศ\.?\s*)?(?P<first>\d{4}|\d{2})(?!\d)"
    r"(?:\s*(?:-|–|—|ถึง)\s*(?:พ\.?\s*ศ\.?\s*)?(?P<last>\d{4}|\d{2})(?!\d))?"
)


def parse_period(text: str) -> tuple[date, date]:
    """Read the period of a measure as `(first day, last day)`.

    Accepts two dates or two months joined by any separator (`ถึง`, `-`, `–`,
    `—`, `to`), a single month, or `ปีงบประมาณ 2569` (1 Oct 2568 to 30 Sep
    2569), with Thai or Arabic digits and Buddhist Era years in four or two
    digits. When the first date has no year (`1 ต.ค. - 30 ก.ย. 2569`) it is the
    latest one not after the second. Raises `ThaiDateError` otherwise.
    """
    cleaned = re.sub(r"\s+", " ", to_arabic_digits(text or "")).strip()
    points = [_period_point(match) for match in _PERIOD_POINT.finditer(cleaned)]
    points = [point for point in points if point is not None]
    if len(points) >= 2:
        (first_day, _, has_year), (_, end, _) = points[0], points[-1]
        start = first_day if has_year else _latest_not_after(first_day, end)
    elif len(points) == 1 and points[0][0] != points[0][1]:
        start, end, _ = points[0]  # a single month
    elif match := _FISCAL_YEARS.search(cleaned):
        start = fiscal_year_bounds(be_year(year_from_text(match["first"])))[0]
        end = fiscal_year_bounds(be_year(year_from_text(match["last"] or match["first"])))[1]
    else:
        raise ThaiDateError(f"not a period: {text!r}")
    if end < start:
        raise ThaiDateError(f"the period ends before it starts: {text!r}")
    return start, end


def _period_point(match: re.Match) -> tuple[date, date, bool] | None:
    """First and last day a date or month stands for, and whether it had a year."""
    try:
        if match["numeric"]:
            day = parse_date(match["numeric"])
            return day, day, True
        month = month_number(match["month"])
        if match["year"] is None:
            if match["day"] is None:
                return None  # a bare month name is a word, not a date
            # The year is settled against the end of the period; 2000 is a leap year.
            day = date(2000, month, int(match["day"]))
            return day, day, False
        year = year_from_text(match["year"])
        if match["day"] is None:
            return date(year, month, 1), month_end(year, month), True
        day = date(year, month, int(match["day"]))
        return day, day, True
    except (ThaiDateError, ValueError, TypeError):
        return None


def _latest_not_after(month_day: date, end: date) -> date:
    """The last date on `month_day`'s month and day that is not after `end`."""
    candidate = _same_day_in(month_day, end.year)
    return candidate if candidate <= end else _same_day_in(month_day, end.year - 1)


def _same_day_in(month_day: date, year: int) -> date:
    # 29 February becomes the 28th in a common year.
    return date(year, month_day.month, min(month_day.day, month_end(year, month_day.month).day))


# --- Thai text ---------------------------------------------------------------

_SPACE_BETWEEN_THAI = re.compile(r"(?<=[\u0e01-\u0e4f])\s+(?=[\u0e01-\u0e4f])")


def remove_spaces_between_thai(text: str) -> str:
    """Join Thai words that a line break or a justified layout split with spaces.

    Thai writes no spaces inside a name, so `กอง คลัง` is `กองคลัง`; spaces
    next to Latin letters or digits (`งาน IT`, `ข้อ 3`) stay.
    """
    return _SPACE_BETWEEN_THAI.sub("", text)
