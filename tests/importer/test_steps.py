"""Splitting a cell into numbered steps."""
from __future__ import annotations

import pytest

from tracker.importer.steps import split_numbered, split_steps


@pytest.mark.parametrize(
    "text",
    [
        "๑. จัดทำคู่มือ ๒. เผยแพร่คู่มือ ๓. ประเมินผล",
        "๑.จัดทำคู่มือ ๒.เผยแพร่คู่มือ ๓.ประเมินผล",
        "1. จัดทำคู่มือ 2. เผยแพร่คู่มือ 3. ประเมินผล",
        "1.จัดทำคู่มือ 2.เผยแพร่คู่มือ 3.ประเมินผล",
        "1) จัดทำคู่มือ 2) เผยแพร่คู่มือ 3) ประเมินผล",
        "1)จัดทำคู่มือ 2)เผยแพร่คู่มือ 3)ประเมินผล",
        "(1) จัดทำคู่มือ (2) เผยแพร่คู่มือ (3) ประเมินผล",
        "(๑)จัดทำคู่มือ (๒)เผยแพร่คู่มือ (๓)ประเมินผล",
    ],
)
def test_each_numbering_style_with_and_without_a_space(text):
    assert split_numbered(text) == ["จัดทำคู่มือ", "เผยแพร่คู่มือ", "ประเมินผล"]


def test_numbers_inside_the_text_do_not_start_steps():
    text = (
        "๑. จัดทำแผน พ.ศ. ๒๕๖๙ ตามข้อ 3.2 ของระเบียบ "
        "๒. รายงานภายใน ๓๐ กันยายน ๒๕๖๙ ต่อ 2 หน่วยงาน"
    )
    assert split_numbered(text) == [
        "จัดทำแผน พ.ศ. ๒๕๖๙ ตามข้อ 3.2 ของระเบียบ",
        "รายงานภายใน ๓๐ กันยายน ๒๕๖๙ ต่อ 2 หน่วยงาน",
    ]


def test_numbers_out_of_sequence_are_text():
    # "3." follows "1." without a "2.": it is part of step 1.
    assert split_numbered("1. ทำตามข้อ 3. ของคู่มือ 2. รายงาน") == ["ทำตามข้อ 3. ของคู่มือ", "รายงาน"]


def test_a_single_number_counts_only_at_the_start():
    assert split_numbered("1. จัดทำคู่มือ") == ["จัดทำคู่มือ"]
    assert split_numbered("ปฏิบัติตามข้อ 1. ของระเบียบ") is None


def test_numbers_of_another_style_inside_a_step_stay_in_it():
    assert split_numbered("1. ประชุม (1) ผู้บริหาร (2) พนักงาน 2. รายงาน") == [
        "ประชุม (1) ผู้บริหาร (2) พนักงาน",
        "รายงาน",
    ]


def test_text_before_the_first_number_stays_with_the_first_step():
    assert split_numbered("ดำเนินการดังนี้ 1. ประชุม 2. รายงาน") == ["ดำเนินการดังนี้ ประชุม", "รายงาน"]


def test_a_cell_without_numbers_is_one_step():
    assert split_steps(["จัดทำคู่มือ และ", "เผยแพร่   ทางเว็บไซต์"]) == ["จัดทำคู่มือ และ เผยแพร่ ทางเว็บไซต์"]


def test_word_paragraphs_without_numbers_are_one_step_each():
    assert split_steps(["จัดทำคู่มือ", "เผยแพร่คู่มือ", ""], authored_paragraphs=True) == [
        "จัดทำคู่มือ",
        "เผยแพร่คู่มือ",
    ]


def test_numbered_steps_run_across_paragraph_breaks():
    paragraphs = ["๑. จัดทำคู่มือ ๒. เผยแพร่ทาง", "เว็บไซต์ของหน่วยงาน"]
    expected = ["จัดทำคู่มือ", "เผยแพร่ทาง เว็บไซต์ของหน่วยงาน"]
    assert split_steps(paragraphs) == expected
    assert split_steps(paragraphs, authored_paragraphs=True) == expected


def test_an_empty_cell_has_no_steps():
    assert split_steps([]) == []
    assert split_steps(["  "], authored_paragraphs=True) == []
