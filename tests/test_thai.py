"""Thai digits, Buddhist Era dates and fiscal years at their edges."""
from datetime import date

import pytest

from tracker import thai


def test_digits_convert_both_ways():
    assert thai.to_thai_digits("93.88 / 2568") == "๙๓.๘๘ / ๒๕๖๘"
    assert thai.to_arabic_digits("๙๓.๘๘ คะแนน") == "93.88 คะแนน"


@pytest.mark.parametrize(
    "value, long, short",
    [
        (date(2025, 9, 30), "30 กันยายน 2568", "30 ก.ย. 68"),
        (date(2025, 10, 1), "1 ตุลาคม 2568", "1 ต.ค. 68"),
        (date(2025, 12, 31), "31 ธันวาคม 2568", "31 ธ.ค. 68"),
        (date(2026, 1, 1), "1 มกราคม 2569", "1 ม.ค. 69"),
        (date(2024, 2, 29), "29 กุมภาพันธ์ 2567", "29 ก.พ. 67"),
    ],
)
def test_long_and_short_buddhist_era_dates(value, long, short):
    assert thai.format_date_long(value) == long
    assert thai.format_date_short(value) == short
    assert thai.parse_date(long) == value
    assert thai.parse_date(short) == value


def test_thai_digit_output():
    assert thai.format_date_long(date(2025, 10, 1), thai_digits=True) == "๑ ตุลาคม ๒๕๖๘"


@pytest.mark.parametrize(
    "value, fiscal_year",
    [
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2025, 12, 31), 2569),
        (date(2026, 1, 1), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
        (date(2024, 2, 29), 2567),
    ],
)
def test_fiscal_year_changes_on_1_october(value, fiscal_year):
    assert thai.fiscal_year(value) == fiscal_year


def test_fiscal_year_bounds():
    assert thai.fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    assert thai.fiscal_year_bounds(2567) == (date(2023, 10, 1), date(2024, 9, 30))


@pytest.mark.parametrize(
    "value, quarter",
    [(date(2025, 10, 1), 1), (date(2025, 12, 31), 1), (date(2026, 1, 1), 2), (date(2026, 3, 31), 2),
     (date(2026, 4, 1), 3), (date(2026, 6, 30), 3), (date(2026, 7, 1), 4), (date(2026, 9, 30), 4),
     (date(2024, 2, 29), 2)],
)
def test_fiscal_quarters(value, quarter):
    assert thai.fiscal_quarter(value) == quarter
    start, end = thai.fiscal_quarter_bounds(thai.fiscal_year(value), quarter)
    assert start <= value <= end


def test_quarter_bounds_cover_the_year_without_gaps():
    bounds = [thai.fiscal_quarter_bounds(2567, q) for q in (1, 2, 3, 4)]
    assert bounds[0][0] == date(2023, 10, 1)
    assert bounds[1] == (date(2024, 1, 1), date(2024, 3, 31))
    assert bounds[3][1] == date(2024, 9, 30)
    for (_, end), (start, _) in zip(bounds, bounds[1:]):
        assert (start - end).days == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30/09/2569", date(2026, 9, 30)),
        ("๓๐/๐๙/๒๕๖๙", date(2026, 9, 30)),
        ("1/10/68", date(2025, 10, 1)),
        ("2026-09-30", date(2026, 9, 30)),
        ("29/02/2567", date(2024, 2, 29)),
        ("30 ก.ย. 2569", date(2026, 9, 30)),
        ("30 กย 69", date(2026, 9, 30)),
        ("1 ต.ค. พ.ศ. 2568", date(2025, 10, 1)),
        ("30/09/2026", date(2026, 9, 30)),
    ],
)
def test_parse_date_accepts_what_people_type(text, expected):
    assert thai.parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "29/02/2568", "31/04/2569", "1/13/2569", "32 ม.ค. 2569", "1/1/1800"])
def test_parse_date_refuses_impossible_dates(text):
    with pytest.raises(thai.ThaiDateError):
        thai.parse_date(text)


def test_month_names_resolve_with_or_without_dots():
    assert thai.month_number("ต.ค.") == 10
    assert thai.month_number("ตค") == 10
    assert thai.month_number("ตุลาคม") == 10
    assert thai.month_number("มี.ค.") == 3
    assert thai.month_number("มีนาคม") == 3
    assert thai.month_number("ไม่ใช่เดือน") is None
