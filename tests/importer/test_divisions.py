"""Reading responsible divisions and matching them to an organization's divisions."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tracker.importer.divisions import EVERY_DIVISION, match_divisions, split_divisions


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("สำนักปลัด/ หน่วยงาน ตรวจสอบภายใน", ["สำนักปลัด", "หน่วยงานตรวจสอบภายใน"]),
        ("สำนักปลัด/กอง คลัง", ["สำนักปลัด", "กองคลัง"]),
        ("สำนักปลัด, กองคลัง,กองช่าง", ["สำนักปลัด", "กองคลัง", "กองช่าง"]),
        ("สำนักปลัด และ กองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("สำนักปลัดและกองคลัง", ["สำนักปลัด", "กองคลัง"]),
        (["สำนักปลัด", "กอง คลัง"], ["สำนักปลัด", "กองคลัง"]),
        ("สำนักปลัด\nกองคลัง", ["สำนักปลัด", "กองคลัง"]),
        ("1. สำนักปลัด 2. กองช่าง", ["สำนักปลัด", "กองช่าง"]),
        ("งานพัสดุและงานการเงิน", ["งานพัสดุ", "งานการเงิน"]),
        ("ผู้อำนวยการกองคลัง / หัวหน้าสำนักปลัด", ["กองคลัง", "สำนักปลัด"]),
        ("สำนักปลัด อบต.เมืองเพีย", ["สำนักปลัด"]),
        ("สำนักปลัด/สำนักปลัด", ["สำนักปลัด"]),
        ("", []),
    ],
)
def test_split_divisions(cell, names):
    assert split_divisions(cell) == names


def test_and_inside_a_division_name_does_not_split_it():
    assert split_divisions("กองการศึกษา ศาสนาและวัฒนธรรม") == ["กองการศึกษาศาสนาและวัฒนธรรม"]
    assert split_divisions("กองการศึกษา ศาสนาและวัฒนธรรม และกองช่าง") == [
        "กองการศึกษาศาสนาและวัฒนธรรม",
        "กองช่าง",
    ]


def test_and_before_a_name_the_organization_has_splits():
    assert split_divisions("สำนักปลัดและการประปา") == ["สำนักปลัดและการประปา"]
    assert split_divisions("สำนักปลัดและการประปา", known_names=["การ ประปา"]) == [
        "สำนักปลัด",
        "การประปา",
    ]


@pytest.mark.parametrize("cell", ["ทุกกอง", "ทุกส่วนราชการ", "ทุก กอง", "ทุกสำนัก/กอง"])
def test_every_division(cell):
    assert split_divisions(cell) == [EVERY_DIVISION]


@dataclass
class Division:
    id: int
    name: str
    short_name: str | None = None


DIVISIONS = [
    Division(1, "สำนักปลัด", "สป."),
    Division(2, "กองคลัง", "กค."),
    Division(3, "กองการศึกษา ศาสนา และวัฒนธรรม"),
]


def test_match_by_normalized_name_and_short_form():
    match = match_divisions(["สป", "กอง คลัง", "กองการศึกษาศาสนาและวัฒนธรรม", "กค."], DIVISIONS)
    assert match.division_ids == [1, 2, 3]
    assert match.new_names == []
    assert match.ids_by_name["สป"] == [1]


def test_unmatched_names_are_proposed_as_new():
    match = match_divisions(["สำนักปลัด", "หน่วยงานตรวจสอบภายใน"], DIVISIONS)
    assert match.division_ids == [1]
    assert match.new_names == ["หน่วยงานตรวจสอบภายใน"]
    assert match.ids_by_name["หน่วยงานตรวจสอบภายใน"] == []


def test_every_division_matches_all_of_them():
    match = match_divisions([EVERY_DIVISION, "กองคลัง"], DIVISIONS)
    assert match.division_ids == [1, 2, 3]
    assert match.new_names == []


def test_every_division_of_an_organization_without_divisions_matches_nothing():
    match = match_divisions([EVERY_DIVISION], [])
    assert match.division_ids == [] and match.new_names == []
