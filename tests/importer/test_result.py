"""ParseResult is plain data the preview can edit, serialize and rebuild."""
from __future__ import annotations

import json
from datetime import date

from tracker.importer import Finding, Measure, ParseResult, Step, parse_text


def test_json_round_trip_keeps_what_the_preview_shows(seed_text):
    result = parse_text(seed_text)
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    rebuilt = ParseResult.from_json(data)
    assert rebuilt.to_json() == result.to_json()
    assert rebuilt.warnings[0].source == "line 18"
    assert rebuilt.measures[0].steps[0].due == date(2026, 4, 30)


def test_edited_due_dates_and_divisions_show_in_the_json(seed_text):
    result = parse_text(seed_text)
    result.measures[0].steps[0].due = date(2025, 12, 31)
    result.measures[0].divisions = ["กองช่าง"]
    data = result.to_json()
    assert data["measures"][0]["steps"][0]["due"] == "2025-12-31"
    assert data["measures"][0]["divisions"] == ["กองช่าง"]


def test_reschedule_after_the_period_or_steps_change():
    measure = Measure(
        indicator=1,
        title="อบรม",
        start=date(2025, 10, 1),
        end=date(2026, 9, 30),
        steps=[Step(1, "ก"), Step(2, "ข")],
    )
    measure.reschedule()
    assert [s.due for s in measure.steps] == [date(2026, 4, 30), date(2026, 9, 30)]
    measure.steps.insert(0, Step(0, "เตรียมการ"))
    measure.end = date(2025, 12, 31)
    measure.reschedule()
    assert [(s.number, s.due) for s in measure.steps] == [
        (1, date(2025, 10, 31)), (2, date(2025, 11, 30)), (3, date(2025, 12, 31)),
    ]
    measure.start = None
    measure.reschedule()
    assert [s.due for s in measure.steps] == [None, None, None]


def test_findings_print_with_their_source():
    assert str(Finding("indicator_without_score", {"number": 3}, "table 2, row 4")) == (
        "table 2, row 4: No score for indicator 3."
    )
    assert str(Finding("document_empty")) == "The document is empty."


def test_finding_parameters_are_formatted_for_the_message():
    finding = Finding("period_outside_fiscal_year", {
        "start": date(2024, 10, 1), "end": date(2025, 9, 30), "fiscal_year": 2569,
        "first": date(2025, 10, 1), "last": date(2026, 9, 30),
    })
    assert finding.message == (
        "The period 1 ตุลาคม 2567 – 30 กันยายน 2568 is outside fiscal year 2569 "
        "(1 ตุลาคม 2568 – 30 กันยายน 2569)."
    )
    scores = Finding("overall_mismatch", {"overall": 91.5, "expected": 90})
    assert scores.message == (
        "The overall score 91.50 is not 0.3 × IIT + 0.3 × EIT + 0.4 × OIT = 90."
    )
    listed = Finding("tool_scores_missing", {"tools": ["IIT", "OIT"]})
    assert listed.message == "No score found for IIT, OIT."


def test_complete_json_keeps_codes_parameters_and_sources(seed_text):
    result = parse_text(seed_text)
    result.warn("period_outside_fiscal_year", "line 101", start=date(2024, 10, 1),
                end=date(2025, 9, 30), fiscal_year=2569, first=date(2025, 10, 1),
                last=date(2026, 9, 30))
    data = json.loads(json.dumps(result.to_json(complete=True), ensure_ascii=False))
    assert data["warnings"][0]["code"] == "organization_spellings"
    assert data["warnings"][0]["params"]["sources"] == ["line 18", "line 27"]
    assert data["warnings"][1]["params"]["start"] == "2024-10-01"
    rebuilt = ParseResult.from_json(data)
    assert rebuilt.warnings == result.warnings
    assert rebuilt.score_sources == result.score_sources
    assert [m.source for m in rebuilt.measures] == [m.source for m in result.measures]
    assert [i.source for i in rebuilt.indicators] == [i.source for i in result.indicators]
    assert rebuilt.to_json() == result.to_json()


def test_findings_rebuilt_from_their_text_keep_the_text():
    rebuilt = ParseResult.from_json({"warnings": ["line 4: Something odd."], "errors": ["Bad."]})
    assert (rebuilt.warnings[0].message, rebuilt.warnings[0].source) == ("Something odd.", "line 4")
    assert str(rebuilt.errors[0]) == "Bad."


def test_an_empty_result_has_every_key_of_the_json_shape():
    data = ParseResult().to_json()
    assert data["tools"] == {"IIT": None, "EIT1": None, "EIT2": None, "OIT": None}
    assert data["indicators"] == [] and data["errors"] == []
    assert ParseResult().ok
