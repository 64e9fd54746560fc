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
    assert str(Finding("No score for indicator 3.", "table 2, row 4")) == (
        "table 2, row 4: No score for indicator 3."
    )
    assert str(Finding("The document is empty.")) == "The document is empty."


def test_an_empty_result_has_every_key_of_the_json_shape():
    data = ParseResult().to_json()
    assert data["tools"] == {"IIT": None, "EIT1": None, "EIT2": None, "OIT": None}
    assert data["indicators"] == [] and data["errors"] == []
    assert ParseResult().ok
