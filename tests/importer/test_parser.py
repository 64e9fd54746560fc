"""How the parser copes with what offices actually write, on small reports of our own."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from tracker.importer import EVERY_DIVISION, parse_text
from tracker.ita import INDICATOR_NAMES
from tracker.thai import to_thai_digits

FY_2569 = (date(2025, 10, 1), date(2026, 9, 30))


def _measure(result, indicator):
    return next(m for m in result.measures if m.indicator == indicator)


def _first_row_with(make_measure_row, **cells):
    """The rows of a measures table whose first row has these cells."""
    return [make_measure_row(1, **cells)] + [make_measure_row(n) for n in range(2, 11)]


def _clean(result):
    assert result.errors == []
    return result


def test_the_small_report_reads_without_findings(make_report):
    result = parse_text(make_report())
    assert result.errors == [] and result.warnings == []
    assert result.organization == "องค์การบริหารส่วนตำบลหนองบัว"
    assert (result.fiscal_year, result.overall_score, result.level) == (2568, 90.0, "ผ่านดี")
    assert [i.score for i in result.indicators] == [90.0] * 10
    assert [i.analysis for i in result.indicators][2] == "วิเคราะห์ตัวชี้วัดที่ 3"
    assert [len(m.steps) for m in result.measures] == [2] * 10


def test_thai_and_arabic_digits_read_alike(make_report):
    arabic = parse_text(make_report()).to_json()
    thai = parse_text(to_thai_digits(make_report())).to_json()
    assert thai["tools"] == arabic["tools"] and thai["overall_score"] == 90.0
    assert [i["score"] for i in thai["indicators"]] == [i["score"] for i in arabic["indicators"]]
    assert [m["start"] for m in thai["measures"]] == [m["start"] for m in arabic["measures"]]
    assert thai["fiscal_year"] == 2568 and thai["warnings"] == []


def test_scores_with_decimals_in_thai_digits(make_report):
    scores = {n: "๙๐.๐๐" for n in INDICATOR_NAMES}
    scores[1] = "๙๓.๘๘ คะแนน"
    result = parse_text(make_report(scores=scores))
    assert result.indicator(1).score == 93.88


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("๑. การปฏิบัติหน้าที่", 1),
        ("๑๐.การป้องกันการ ทุจริต", 10),
        ("8. การปรับปรุงระบบ การทำงาน", 8),
        ("ตัวชี้วัดที่ 4 การใช้ทรัพย์สิน ของราชการ", 4),
        ("9) การเปิดเผยข้อมูล (OIT)", 9),
        ("การใช้อำนาจ", 3),
    ],
)
def test_indicator_cells_broken_into_words(make_report, make_measure_row, cell, number):
    rows = [make_measure_row(n) for n in INDICATOR_NAMES if n != number]
    rows.append(make_measure_row(number).replace(f"{number}. {INDICATOR_NAMES[number]}", cell, 1))
    result = _clean(parse_text(make_report(measure_rows=rows)))
    assert sorted(m.indicator for m in result.measures) == list(range(1, 11))
    assert result.warnings == []


def test_number_and_name_that_disagree_warn_and_the_name_wins(make_report, make_measure_row):
    rows = [make_measure_row(n) for n in INDICATOR_NAMES if n != 9]
    rows.append(make_measure_row(9).replace("9. การเปิดเผยข้อมูล", "๙. การป้องกันการทุจริต"))
    result = _clean(parse_text(make_report(measure_rows=rows)))
    (warning, missing) = result.warnings
    assert "number 9 does not match its name" in warning.message
    assert "read as indicator 10" in warning.message
    assert warning.source.startswith("line ")
    assert "No measure for indicator(s) 9" in missing.message


@pytest.mark.parametrize(
    "steps",
    [
        "๑. จัดทำแผน ๒. ประชุม ๓. รายงานผล",
        "๑.จัดทำแผน ๒.ประชุม ๓.รายงานผล",
        "1. จัดทำแผน 2. ประชุม 3. รายงานผล",
        "1.จัดทำแผน 2.ประชุม 3.รายงานผล",
        "1) จัดทำแผน 2) ประชุม 3) รายงานผล",
        "1)จัดทำแผน 2)ประชุม 3)รายงานผล",
        "(1) จัดทำแผน (2) ประชุม (3) รายงานผล",
        "(1)จัดทำแผน (2)ประชุม (3)รายงานผล",
    ],
)
def test_step_numbering_styles(make_report, make_measure_row, steps):
    rows = _first_row_with(make_measure_row, steps=steps)
    result = _clean(parse_text(make_report(measure_rows=rows)))
    assert [s.text for s in _measure(result, 1).steps] == ["จัดทำแผน", "ประชุม", "รายงานผล"]
    assert [s.number for s in _measure(result, 1).steps] == [1, 2, 3]


def test_numbers_inside_step_text_do_not_start_steps(make_report, make_measure_row):
    steps = "1. จัดทำแผนปี พ.ศ. ๒๕๖๙ ตามข้อ 3.2 2. รายงานภายใน ๓๐ กันยายน ๒๕๖๙"
    rows = _first_row_with(make_measure_row, steps=steps)
    result = _clean(parse_text(make_report(measure_rows=rows)))
    assert [s.text for s in _measure(result, 1).steps] == [
        "จัดทำแผนปี พ.ศ. ๒๕๖๙ ตามข้อ 3.2",
        "รายงานภายใน ๓๐ กันยายน ๒๕๖๙",
    ]


def test_a_cell_without_numbers_is_one_step(make_report, make_measure_row):
    rows = _first_row_with(make_measure_row, steps="จัดประชุมชี้แจงบุคลากร")
    result = _clean(parse_text(make_report(measure_rows=rows)))
    (step,) = _measure(result, 1).steps
    assert (step.text, step.due) == ("จัดประชุมชี้แจงบุคลากร", FY_2569[1])


def test_continuation_rows_blank_lines_and_dash_row(make_report, make_measure_row):
    rows = [
        make_measure_row(1, steps="1. จัดทำแผน 2. ประชุม", title="โครงการ", divisions="สำนักปลัด"),
        "",
        "\tต่อชื่อโครงการ\tต่อการประชุม\t\t",
        "",
        "\t\t3. รายงานผล\t\tกองคลัง",
        *(make_measure_row(n) for n in range(2, 11)),
        "",
        "--\t--\t---\t--\t--",
    ]
    result = _clean(parse_text(make_report(measure_rows=rows)))
    first = _measure(result, 1)
    assert first.title == "โครงการ ต่อชื่อโครงการ"
    assert [s.text for s in first.steps] == ["จัดทำแผน", "ประชุม ต่อการประชุม", "รายงานผล"]
    assert first.divisions == ["สำนักปลัด", "กองคลัง"]
    assert len(result.measures) == 10 and result.warnings == []


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("๑ ตุลาคม ๒๕๖๘ ถึง ๓๐ กันยายน ๒๕๖๙", FY_2569),
        ("1 ต.ค. 2568 - 30 ก.ย. 2569", FY_2569),
        ("1 ต.ค. 68 – 30 ก.ย. 69", FY_2569),
        ("ต.ค. 68 – ก.ย. 69", FY_2569),
        ("ตลอดปีงบประมาณ พ.ศ. 2569", FY_2569),
        ("ปีงบประมาณ 2569", FY_2569),
        ("01/10/2568 to 30/09/2569", FY_2569),
        ("ม.ค. 69 — มี.ค. 69", (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_period_forms(make_report, make_measure_row, period, expected):
    rows = _first_row_with(make_measure_row, period=period)
    measure = _measure(_clean(parse_text(make_report(measure_rows=rows))), 1)
    assert (measure.start, measure.end) == expected
    assert measure.steps[-1].due == expected[1]


def test_an_unreadable_period_warns_and_leaves_due_dates_empty(make_report, make_measure_row):
    rows = _first_row_with(make_measure_row, period="ตามความเหมาะสม")
    result = _clean(parse_text(make_report(measure_rows=rows)))
    measure = _measure(result, 1)
    assert (measure.start, measure.end) == (None, None)
    assert [s.due for s in measure.steps] == [None, None]
    (warning,) = result.warnings
    assert "“ตามความเหมาะสม” is not recognized" in warning.message


@pytest.mark.parametrize(
    ("cell", "divisions"),
    [
        ("สำนักปลัด/ หน่วยงาน ตรวจสอบภายใน", ["สำนักปลัด", "หน่วยงานตรวจสอบภายใน"]),
        ("สำนักปลัด/กอง คลัง", ["สำนักปลัด", "กองคลัง"]),
        ("สำนักปลัด, กองช่าง", ["สำนักปลัด", "กองช่าง"]),
        ("สำนักปลัด และกองช่าง", ["สำนักปลัด", "กองช่าง"]),
        ("<p>สำนักปลัด</p><p>กองช่าง</p>", ["สำนักปลัด", "กองช่าง"]),
        ("กองการศึกษา ศาสนาและวัฒนธรรม", ["กองการศึกษาศาสนาและวัฒนธรรม"]),
        ("ทุกกอง", [EVERY_DIVISION]),
        ("ทุกส่วนราชการ", [EVERY_DIVISION]),
    ],
)
def test_division_cells(make_report, make_measure_row, cell, divisions):
    rows = _first_row_with(make_measure_row, divisions=cell)
    result = _clean(parse_text(make_report(measure_rows=rows)))
    assert _measure(result, 1).divisions == divisions


def test_division_on_a_continuation_line(make_report, make_measure_row):
    rows = [make_measure_row(1, divisions="สำนักปลัด"), "\t\t\t\tกอง คลัง"]
    rows += [make_measure_row(n) for n in range(2, 11)]
    measure = _measure(parse_text(make_report(measure_rows=rows)), 1)
    assert measure.divisions == ["สำนักปลัด", "กองคลัง"]


def test_and_before_a_division_the_organization_already_has(make_report, make_measure_row):
    rows = [make_measure_row(1, divisions="สำนักปลัดและการประปา")]
    rows += [make_measure_row(n) for n in range(2, 11)]
    text = make_report(measure_rows=rows)
    assert _measure(parse_text(text), 1).divisions == ["สำนักปลัดและการประปา"]
    split = parse_text(text, known_divisions=["การประปา"])
    assert _measure(split, 1).divisions == ["สำนักปลัด", "การประปา"]


@pytest.mark.parametrize(
    "header",
    [
        "ตัวชี้วัด\tโครงการ/กิจกรรม\tขั้นตอนหรือวิธีการดำเนินการ\tระยะเวลาในการดำเนินการ\tผู้รับผิดชอบ",
        "ตัวชี้วัด\tโครงการ / กิจกรรม\tขั้นตอนการดำเนินงาน\tระยะเวลาดำเนินการ\tหน่วยงานที่รับผิดชอบ",
        "ประเด็น\tมาตรการ\tวิธีการ ดำเนินการ\tระยะ เวลา\tผู้รับ ผิดชอบ",
    ],
)
def test_measures_header_variants(make_report, header):
    result = _clean(parse_text(make_report(measures_header=header)))
    assert len(result.measures) == 10 and result.warnings == []


def test_extra_columns_and_column_order(make_report):
    header = "ลำดับ\tผู้รับผิดชอบ\tตัวชี้วัด\tโครงการ\tงบประมาณ\tขั้นตอน\tระยะเวลา"
    rows = [
        f"{n}\tกองช่าง\t{n}. {name}\tโครงการ {n}\t-\t1. ก 2. ข\tปีงบประมาณ 2569"
        for n, name in INDICATOR_NAMES.items()
    ]
    result = _clean(parse_text(make_report(measures_header=header, measure_rows=rows)))
    assert result.measures[0].divisions == ["กองช่าง"]
    assert result.measures[0].title == "โครงการ 1"
    assert [s.text for s in result.measures[0].steps] == ["ก", "ข"]


def test_dirty_characters_read_like_clean_text(make_report):
    clean = make_report()
    dirty = (
        "\ufeff"  # byte-order mark
        + clean.replace("\n", "\r\n")
        .replace("ำ", "\u0e4d\u0e32")  # sara am written as nikhahit + sara aa
        .replace("ผู้", "ผ\u0e49\u0e39")  # tone mark before the vowel: not NFC
        .replace("หนองบัว", "หนอง\u200bบัว")  # zero-width space
        .replace(" คะแนน", "\u00a0คะแนน")  # no-break space
    )
    assert unicodedata.normalize("NFC", dirty) != dirty and "\u0e4d\u0e32" in dirty
    assert parse_text(dirty).to_json() == parse_text(clean).to_json()


def test_overall_and_level_from_a_table_row(make_report):
    tools = {
        "IIT": "90.00", "EIT ส่วนที่ 1": "90.00", "EIT ส่วนที่ 2": "90.00", "OIT": "90.00",
        "คะแนนรวม ITA": "90.00\tผ่านดี",
    }
    sentence = "องค์การบริหารส่วนตำบลหนองบัว ได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2568"
    result = _clean(parse_text(make_report(tools=tools, overall_sentence=sentence)))
    assert (result.overall_score, result.level) == (90.0, "ผ่านดี")
    assert result.score_sources["overall"] == result.score_sources["level"]
    assert result.warnings == []


def test_organization_abbreviations_count_as_the_full_name(make_report):
    text = make_report(extra="อบต.หนองบัว ได้ประกาศผล\nอบต. หนองบัว ประชุม")
    result = parse_text(text)
    assert result.organization == "องค์การบริหารส่วนตำบลหนองบัว"
    assert result.warnings == []


@pytest.mark.parametrize(
    ("full", "short"),
    [("เทศบาลตำบลบ้านใหม่", "ทต.บ้านใหม่"), ("เทศบาลเมืองบ้านใหม่", "ทม. บ้านใหม่")],
)
def test_municipalities_and_their_abbreviations(make_report, full, short):
    result = parse_text(make_report(organization=full, extra=f"{short} ขอรับรองข้อมูล"))
    assert result.organization == full
    assert result.warnings == []


def test_name_running_into_the_next_word_is_cut(make_report):
    sentence = (
        "องค์การบริหารส่วนตำบลหนองบัวได้รับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2568 "
        "โดยมีค่าคะแนนโดยรวม เท่ากับ 90.00 คะแนน อยู่ในระดับ “ผ่านดี”"
    )
    result = parse_text(make_report(organization="อบต.หนองบัว", overall_sentence=sentence))
    assert result.organization == "องค์การบริหารส่วนตำบลหนองบัว"
    assert result.warnings == []


def test_assessment_year_from_the_measures_when_the_prose_names_none(make_report):
    sentence = "ค่าคะแนนโดยรวม เท่ากับ 90.00 คะแนน อยู่ในระดับ “ผ่านดี”"
    text = make_report(overall_sentence=sentence).replace("ปี พ.ศ. 2568", "")
    result = parse_text(text)
    assert result.fiscal_year == 2568
    assert any("assumed from the measures' periods" in w.message for w in result.warnings)


def test_tables_separated_only_by_blank_lines_stay_apart(make_report):
    # The small report separates its tools, scores and analysis tables by
    # blank lines only; the tools must not pick up indicator rows.
    result = parse_text(make_report())
    assert result.tools == {"IIT": 90.0, "EIT1": 90.0, "EIT2": 90.0, "OIT": 90.0}


def test_a_repeated_header_row_is_not_a_measure(make_report, make_measure_row):
    header = "ตัวชี้วัด\tโครงการ/กิจกรรม\tขั้นตอน\tระยะเวลา\tผู้รับผิดชอบ"
    rows = [make_measure_row(n) for n in range(1, 11)]
    rows.insert(5, header)
    result = _clean(parse_text(make_report(measure_rows=rows)))
    assert [m.indicator for m in result.measures] == list(range(1, 11))
