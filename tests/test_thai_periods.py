"""Periods and spacing: the Thai text helpers the importer relies on."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.thai import ThaiDateError, parse_period, remove_spaces_between_thai

FY_2569 = (date(2025, 10, 1), date(2026, 9, 30))


@pytest.mark.parametrize(
    "text",
    [
        "๑ ตุลาคม ๒๕๖๘ ถึง ๓๐ กันยายน ๒๕๖๙",
        "1 ต.ค. 2568 - 30 ก.ย. 2569",
        "1 ต.ค.68 – 30 ก.ย.69",
        "ต.ค. 68 – ก.ย. 69",
        "ตุลาคม 2568 — กันยายน 2569",
        "ตลอดปีงบประมาณ พ.ศ. 2569",
        "ปีงบประมาณ ๒๕๖๙",
        "ปีงบประมาณ 69",
        "01/10/2568 to 30/09/2569",
        "1 ต.ค. - 30 ก.ย. 2569",
        "ตลอดปีงบประมาณ 2569 (1 ต.ค. 68 - 30 ก.ย. 69)",
    ],
)
def test_period_forms_of_one_fiscal_year(text):
    assert parse_period(text) == FY_2569


def test_period_of_months_runs_from_first_to_last_day():
    assert parse_period("ก.พ. 67 - ก.พ. 67") == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period("มีนาคม 2569") == (date(2026, 3, 1), date(2026, 3, 31))


def test_period_across_fiscal_years():
    assert parse_period("ปีงบประมาณ 2569-2570") == (date(2025, 10, 1), date(2027, 9, 30))


@pytest.mark.parametrize(
    "text",
    ["", "ตลอดปี", "ดำเนินการทุกพื้นที่ 2569", "30 ก.ย. 2569", "30 ก.ย. 2569 - 1 ต.ค. 2568"],
)
def test_not_a_period(text):
    with pytest.raises(ThaiDateError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("กอง คลัง", "กองคลัง"),
        ("หน่วยงาน  ตรวจสอบภายใน", "หน่วยงานตรวจสอบภายใน"),
        ("งาน IT", "งาน IT"),
        ("ข้อ 3 การทำงาน", "ข้อ 3 การทำงาน"),
    ],
)
def test_remove_spaces_between_thai(text, expected):
    assert remove_spaces_between_thai(text) == expected
