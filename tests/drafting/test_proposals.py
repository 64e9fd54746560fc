"""Drafting from numbers (pure): bands, analysis text, the summary, which measure is proposed, pasted scores."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.drafting.paste import parse_pasted_scores
from tracker.drafting.proposals import (
    Band,
    PastMeasure,
    Source,
    analysis_text,
    band,
    propose_measure,
    summary,
)
from tracker.thai import to_thai_digits

DIVISIONS = [(1, "สำนักปลัด"), (2, "กองคลัง"), (3, "หน่วยตรวจสอบภายใน")]


@pytest.mark.parametrize(("score", "expected"), [
    (95.0, Band.EXCELLENT), (94.99, Band.PASS), (85.0, Band.PASS), (84.99, Band.BELOW), (None, None)])
def test_bands(score, expected):
    assert band(score) == expected


def test_analysis_states_score_band_change_history_and_last_measure():
    last = PastMeasure(2569, "เผยแพร่ข้อมูล", ("ก", "ข", "ค"), (2,), steps_done=1, steps_late=1, steps_carried=1)
    text = analysis_text(9, 80.0, {2567: 90.0, 2568: 85.5, 2569: 80.0}, 2569, last)
    assert text.startswith("ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล ได้คะแนน 80.00 คะแนน ต่ำกว่าเกณฑ์ผ่าน 85 คะแนน")
    assert "ลดลง 5.50 คะแนนจากปี พ.ศ. 2568 (85.50 คะแนน)" in text
    assert "(คะแนนย้อนหลัง: ปี 2567 90.00, ปี 2568 85.50)" in text
    assert "“เผยแพร่ข้อมูล” จำนวน 3 ขั้นตอน ดำเนินการแล้วเสร็จ 1 ขั้นตอน เกินกำหนด 1 ขั้นตอน ยกไปดำเนินการต่อ 1 ขั้นตอน" in text


def test_analysis_without_history_or_measure_says_only_what_is_known():
    text = analysis_text(1, 96.0, {2569: 96.0}, 2569, None)
    assert text == "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ ได้คะแนน 96.00 คะแนน อยู่ในระดับดีเยี่ยม (ตั้งแต่ 95 คะแนนขึ้นไป)"
    assert "เพิ่มขึ้น 1.00" in analysis_text(1, 96.0, {2568: 95.0}, 2569, None)
    assert "ยังไม่มีคะแนน" in analysis_text(1, None, {}, 2569, None)


def test_summary_puts_the_indicators_below_the_pass_mark_first_then_the_largest_falls():
    scores = {1: 90.0, 2: 80.0, 3: 70.0, 4: 92.0, 5: 93.0, 6: 96.0}
    previous = {1: 95.0, 2: 90.0, 4: 93.0, 5: 99.0, 6: 90.0}
    assert [line.number for line in summary(scores, previous)] == [3, 2, 5, 1, 4]


def test_proposal_continues_last_years_unfinished_measure_with_its_active_divisions():
    past = [PastMeasure(2568, "เก่า", ("ก",), (1,), steps_done=1),
            PastMeasure(2569, "ปีที่แล้ว", ("ก", "ข"), (2, 99), steps_done=1)]
    proposal = propose_measure(9, past, 2569, DIVISIONS)
    assert (proposal.title, proposal.steps, proposal.source, proposal.source_year) == (
        "ปีที่แล้ว", ["ก", "ข"], Source.UNFINISHED, 2569)
    assert proposal.division_ids == [2]  # 99 is not an active division of the organization
    assert (proposal.start, proposal.end) == (date(2026, 10, 1), date(2027, 9, 30))


def test_proposal_falls_back_to_finished_then_earlier_then_typical():
    finished = PastMeasure(2569, "เสร็จแล้ว", ("ก",), (1,), steps_done=1)
    assert propose_measure(1, [finished], 2569, DIVISIONS).source == Source.LAST_YEAR
    earlier = PastMeasure(2566, "ปีก่อน", ("ก",), (1,))
    assert propose_measure(1, [earlier], 2569, DIVISIONS).source == Source.EARLIER
    typical = propose_measure(10, [], 2569, DIVISIONS)
    assert typical.source == Source.TYPICAL and typical.steps and typical.division_ids == [3]  # ตรวจสอบภายใน
    assert propose_measure(2, [], 2569, DIVISIONS).division_ids == [2]  # กองคลัง
    assert propose_measure(2, [], 2569, []).division_ids == []


def test_pasted_rows_in_many_shapes():
    pasted = parse_pasted_scores(
        "คะแนนรวม | 93.88 | ผ่านดี\n"
        "IIT\t๙๗.๔๑\nEIT ส่วนที่ 1 99.82\nEIT ส่วนที่ ๒\t97.88\nOIT 87.50\n"
        "๑. การปฏิบัติหน้าที่\t๙๔.๙๐\n2\t98.24\nตัวชี้วัดที่ 3 การใช้อำนาจ 99.02\n"
        "การใช้ทรัพย์สินของราชการ\t97.25\n10.การป้องกันการทุจริต 95\n"
        "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)\nอะไรสักอย่าง 12\n"
    )
    assert pasted.overall == 93.88 and pasted.level == "ผ่านดี"
    assert pasted.tools == {"IIT": 97.41, "EIT1": 99.82, "EIT2": 97.88, "OIT": 87.5}
    assert pasted.indicators == {1: 94.9, 2: 98.24, 3: 99.02, 4: 97.25, 10: 95.0}
    assert pasted.not_understood == ["อะไรสักอย่าง 12"]


@given(st.integers(1, 10), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2)), st.booleans())
def test_any_indicator_row_reads_back(number, score, thai):
    line = f"{number}. ชื่อใดก็ได้\t{score:.2f}"
    pasted = parse_pasted_scores(to_thai_digits(line) if thai else line)
    assert pasted.indicators == {number: score}
