"""Each check that becomes a warning, pointing at where the problem is."""
from __future__ import annotations

from datetime import date

from tracker.importer import check_consistency, parse_text
from tracker.ita import INDICATOR_NAMES

TOOLS = {"IIT": "90.00", "EIT ส่วนที่ 1": "90.00", "EIT ส่วนที่ 2": "90.00", "OIT": "90.00"}


def _only_warning(result):
    assert result.errors == []
    (warning,) = result.warnings
    return warning


def _line_of(text, needle):
    return next(f"line {n}" for n, line in enumerate(text.split("\n"), 1) if needle in line)


def test_overall_score_that_is_not_the_weighted_sum(make_report):
    sentence = (
        "องค์การบริหารส่วนตำบลหนองบัว ได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2568 "
        "โดยมีค่าคะแนนโดยรวม เท่ากับ 91.50 คะแนน อยู่ในระดับ “ผ่านดี”"
    )
    text = make_report(overall_sentence=sentence)
    warning = _only_warning(parse_text(text))
    assert (warning.code, warning.params) == (
        "overall_mismatch", {"overall": 91.5, "expected": 90.0}
    )
    assert warning.message == (
        "The overall score 91.50 is not 0.3 × IIT + 0.3 × EIT + 0.4 × OIT = 90.00."
    )
    assert warning.source == _line_of(text, "ค่าคะแนนโดยรวม")


def test_a_difference_within_rounding_is_not_a_warning(make_report):
    sentence = (
        "องค์การบริหารส่วนตำบลหนองบัว ได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2568 "
        "โดยมีค่าคะแนนโดยรวม เท่ากับ 90.01 คะแนน อยู่ในระดับ “ผ่านดี”"
    )
    assert parse_text(make_report(overall_sentence=sentence)).warnings == []


def test_iit_that_is_not_the_mean_of_indicators_1_to_5(make_report):
    scores = {n: "90.00" for n in INDICATOR_NAMES}
    scores[2] = "95.00"  # IIT should now be 91.00
    text = make_report(scores=scores)
    warning = _only_warning(parse_text(text))
    assert (warning.code, warning.params["tool"], warning.params["mean"]) == ("tool_mismatch", "IIT", 91.0)
    assert warning.message == "IIT is 90.00 but the mean of indicators 1-5 is 91.00."
    assert warning.source == _line_of(text, "IIT\t")


def test_eit_that_is_not_the_mean_of_indicators_6_to_8(make_report):
    scores = {n: "90.00" for n in INDICATOR_NAMES}
    scores[7] = "93.00"
    warning = _only_warning(parse_text(make_report(scores=scores)))
    assert warning.code == "eit_mismatch"
    assert warning.message == (
        "EIT (the mean of its two parts) is 90.00 but the mean of indicators 6-8 is 91.00."
    )


def test_oit_that_is_not_the_mean_of_indicators_9_and_10(make_report):
    scores = {n: "90.00" for n in INDICATOR_NAMES}
    scores[10] = "80.00"
    warning = _only_warning(parse_text(make_report(scores=scores)))
    assert warning.message == "OIT is 90.00 but the mean of indicators 9-10 is 85.00."


def test_level_that_the_scores_do_not_give(make_report):
    sentence = (
        "องค์การบริหารส่วนตำบลหนองบัว ได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2568 "
        "โดยมีค่าคะแนนโดยรวม เท่ากับ 90.00 คะแนน อยู่ในระดับ “ผ่านดีเยี่ยม”"
    )
    text = make_report(overall_sentence=sentence)
    warning = _only_warning(parse_text(text))
    assert (warning.code, warning.params) == (
        "level_mismatch", {"stated": "ผ่านดีเยี่ยม", "computed": "ผ่านดี"}
    )
    assert warning.message == "The document says “ผ่านดีเยี่ยม” but its scores give “ผ่านดี”."
    assert warning.source == _line_of(text, "ผ่านดีเยี่ยม")


def test_organization_spelled_differently(make_report):
    text = make_report(extra="องค์การบริหารส่วนตำบลหนองบัวแก้ว ขอรับรองข้อมูล")
    result = parse_text(text)
    warning = _only_warning(result)
    assert warning.code == "organization_spellings"
    assert result.organization == "องค์การบริหารส่วนตำบลหนองบัว"
    assert "“องค์การบริหารส่วนตำบลหนองบัวแก้ว”" in warning.message
    assert "“องค์การบริหารส่วนตำบลหนองบัว”, the most frequent spelling, is used" in warning.message
    assert warning.source == _line_of(text, "หนองบัวแก้ว")


def test_indicator_missing_from_the_measures_table(make_report, make_measure_row):
    rows = [make_measure_row(n) for n in INDICATOR_NAMES if n not in (4, 7)]
    warning = _only_warning(parse_text(make_report(measure_rows=rows)))
    assert warning.code == "indicators_without_measure"
    assert warning.message == (
        "No measure for indicator(s) 4 (การใช้ทรัพย์สินของราชการ), 7 (ประสิทธิภาพการสื่อสาร)."
    )


def test_steps_without_a_division(make_report, make_measure_row):
    rows = [make_measure_row(n, divisions="" if n == 6 else "สำนักปลัด") for n in INDICATOR_NAMES]
    text = make_report(measure_rows=rows)
    warning = _only_warning(parse_text(text))
    assert (warning.code, warning.params) == ("measure_without_division", {"indicator": 6})
    assert warning.message == (
        "The measure for indicator 6 names no responsible division, so its steps have none."
    )
    assert warning.source == _line_of(text, "6. คุณภาพการดำเนินงาน\tโครงการ")


def test_period_outside_the_fiscal_year_after_the_assessment(make_report, make_measure_row):
    rows = [make_measure_row(n, period="ปีงบประมาณ 2568" if n == 2 else "ปีงบประมาณ 2569")
            for n in INDICATOR_NAMES]
    warning = _only_warning(parse_text(make_report(measure_rows=rows)))
    assert warning.code == "period_outside_fiscal_year"
    assert (warning.params["start"], warning.params["end"]) == (date(2024, 10, 1), date(2025, 9, 30))
    assert warning.message == (
        "The period 1 ตุลาคม 2567 – 30 กันยายน 2568 is outside fiscal year 2569 "
        "(1 ตุลาคม 2568 – 30 กันยายน 2569)."
    )


def test_a_period_inside_the_fiscal_year_is_fine(make_report, make_measure_row):
    rows = [make_measure_row(n, period="1 ม.ค. 69 - 31 มี.ค. 69") for n in INDICATOR_NAMES]
    assert parse_text(make_report(measure_rows=rows)).warnings == []


def test_checks_run_again_after_the_admin_edits(make_report, make_measure_row):
    rows = [make_measure_row(n, divisions="" if n == 6 else "สำนักปลัด") for n in INDICATOR_NAMES]
    result = parse_text(make_report(measure_rows=rows))
    assert len(check_consistency(result)) == 1
    result.measures[5].divisions.append("กองช่าง")
    result.measures[0].start = date(2025, 1, 1)
    (finding,) = check_consistency(result)
    assert finding.message.startswith("The period 1 มกราคม 2568")
