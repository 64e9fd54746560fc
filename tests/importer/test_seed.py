"""The seed report of อบต.เมืองเพีย, FY 2568, reads as the document says."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.importer import parse_text

SEED_SCORES = [94.90, 98.24, 99.02, 97.25, 97.65, 98.87, 98.72, 98.96, 80.00, 95.00]


@pytest.fixture
def seed(seed_text):
    return parse_text(seed_text)


def test_seed_reads_without_errors(seed):
    assert seed.errors == []
    assert seed.organization == "องค์การบริหารส่วนตำบลเมืองเพีย"
    assert seed.fiscal_year == 2568
    assert seed.measures_fiscal_year == 2569


def test_seed_scores(seed):
    assert seed.overall_score == 93.88
    assert seed.level == "ผ่านดี"
    assert seed.tools == {"IIT": 97.41, "EIT1": 99.82, "EIT2": 97.88, "OIT": 87.50}
    assert [i.number for i in seed.indicators] == list(range(1, 11))
    assert [i.score for i in seed.indicators] == SEED_SCORES
    assert [i.tool for i in seed.indicators] == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert seed.indicators[7].name == "การปรับปรุงระบบการทำงาน"


def test_seed_analysis(seed):
    assert seed.indicators[0].analysis.startswith("จากผลคะแนนประเด็นที่ ๑")
    # Indicator 9's analysis is on a continuation line after a blank line.
    assert seed.indicators[8].analysis.startswith("ช่องทางและรูปแบบการประชาสัมพันธ์")
    assert seed.indicators[8].analysis.endswith("เพื่อให้ผู้ใช้บริการเกิดการรับรู้อย่างทั่วถึง")
    assert all(i.analysis for i in seed.indicators)


def test_seed_measures_and_steps(seed):
    assert [m.indicator for m in seed.measures] == list(range(1, 11))
    assert [len(m.steps) for m in seed.measures] == [2, 2, 3, 2, 2, 2, 2, 3, 2, 2]
    assert sum(len(m.steps) for m in seed.measures) == 22
    third = seed.measures[2].steps[2].text
    assert third.startswith("ทำการเผยแพร่ประชาสัมพันธ์เพื่อสาธารณชนได้รับทราบ")
    assert third.endswith("แผ่นพับประชาสัมพันธ์ของหน่วยงาน")
    # Measure 10's second step is the whole continuation line.
    assert seed.measures[9].steps[1].text.startswith("จัดประชุมบุคลากรในหน่วยงานเพื่อให้ร่วม รับทราบ")
    assert seed.measures[6].steps[1].text.endswith("บอร์ดประชาสัมพันธ์ ของ หน่วยงาน เป็นต้น")
    assert [s.number for s in seed.measures[7].steps] == [1, 2, 3]
    # No step keeps its number (Thai digits count as digits for str.isdigit).
    assert not any(step.text[0].isdigit() for m in seed.measures for step in m.steps)


def test_seed_periods_and_due_dates(seed):
    for measure in seed.measures:
        assert (measure.start, measure.end) == (date(2025, 10, 1), date(2026, 9, 30))
        assert measure.steps[-1].due == date(2026, 9, 30)
    assert [s.due for s in seed.measures[0].steps] == [date(2026, 4, 30), date(2026, 9, 30)]
    assert [s.due for s in seed.measures[2].steps] == [
        date(2026, 1, 31), date(2026, 5, 31), date(2026, 9, 30),
    ]


def test_seed_divisions(seed):
    assert seed.division_names == ["สำนักปลัด", "กองคลัง", "หน่วยงานตรวจสอบภายใน"]
    by_indicator = {m.indicator: m.divisions for m in seed.measures}
    assert by_indicator[5] == by_indicator[10] == ["สำนักปลัด", "หน่วยงานตรวจสอบภายใน"]
    assert by_indicator[9] == ["สำนักปลัด", "กองคลัง"]
    assert by_indicator[2] == ["กองคลัง"]
    assert all(by_indicator[n] == ["สำนักปลัด"] for n in (1, 3, 4, 6, 7, 8))


def test_seed_warns_only_about_the_two_spellings(seed):
    assert [str(w) for w in seed.warnings] == [
        "line 18: The organization is also written “องค์การบริหารส่วนตำบลเมืองเพ็ญ” "
        "(line 18, line 27); “องค์การบริหารส่วนตำบลเมืองเพีย”, the most frequent spelling, is used."
    ]


def test_seed_text_is_clean(seed):
    data = seed.to_json()
    texts = [i["analysis"] for i in data["indicators"]] + [
        text for m in data["measures"] for text in [m["title"], *(s["text"] for s in m["steps"])]
    ]
    assert texts and all(text == text.strip() for text in texts)
    assert not any(tag in text for text in texts for tag in ("<p>", "</p>", "<b>", "  ", "\t"))


def test_seed_json_shape(seed):
    data = seed.to_json()
    assert list(data) == [
        "organization", "fiscal_year", "overall_score", "level", "tools",
        "indicators", "measures", "warnings", "errors",
    ]
    assert data["fiscal_year"] == 2568 and isinstance(data["overall_score"], float)
    assert data["tools"]["OIT"] == 87.5 and isinstance(data["tools"]["OIT"], float)
    assert data["indicators"][8] == {
        "number": 9, "name": "การเปิดเผยข้อมูล", "tool": "OIT", "score": 80.0,
        "analysis": seed.indicators[8].analysis,
    }
    first = data["measures"][0]
    assert (first["indicator"], first["start"], first["end"]) == (1, "2025-10-01", "2026-09-30")
    assert first["steps"][0] == {
        "number": 1, "text": "จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการ", "due": "2026-04-30",
    }
