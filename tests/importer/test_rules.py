"""ITA rules: tools of indicators, the total, levels and step deadlines."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.importer.rules import propose_due_dates
from tracker.ita import level_for_scores, overall_from_tools, scores_differ, tool_of_indicator


def test_tools_of_indicators():
    assert [tool_of_indicator(n) for n in range(1, 11)] == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    with pytest.raises(ValueError):
        tool_of_indicator(11)


def test_overall_from_tools_of_the_seed():
    assert overall_from_tools(97.41, 99.82, 97.88, 87.50) == pytest.approx(93.878)


def test_scores_differ_beyond_rounding_only():
    assert not scores_differ(93.88, 93.878)
    assert not scores_differ(93.88, 93.87)
    assert scores_differ(93.88, 93.86)


@pytest.mark.parametrize(
    ("scores", "level"),
    [
        ((95, 95, 95, 95), "ผ่านดีเยี่ยม"),
        ((97, 99, 99, 94.99), "ผ่านดี"),
        ((93.88, 97.41, 98.85, 87.50), "ผ่านดี"),
        ((85, 85, 85, 85), "ผ่านดี"),
        ((90, 99, 99, 80), "ผ่าน"),
        ((85, 70, 90, 90), "ผ่าน"),
        ((84.99, 90, 90, 80), "ต้องปรับปรุง"),
        ((70, 90, 90, 40), "ต้องปรับปรุง"),
        ((69.99, 90, 90, 40), "ต้องปรับปรุงโดยด่วน"),
    ],
)
def test_level_for_scores(scores, level):
    assert level_for_scores(*scores) == level


def test_due_dates_at_month_ends_over_a_fiscal_year():
    start, end = date(2025, 10, 1), date(2026, 9, 30)
    assert propose_due_dates(start, end, 1) == [end]
    assert propose_due_dates(start, end, 2) == [date(2026, 4, 30), end]
    assert propose_due_dates(start, end, 3) == [date(2026, 1, 31), date(2026, 5, 31), end]
    # The points 2/4 and 3/4 of 1 Oct - 30 Sep are 1 April and 1 July (day
    # 182 and 273 of 364), so those steps are due at the end of April and July.
    assert propose_due_dates(start, end, 4) == [
        date(2025, 12, 31), date(2026, 4, 30), date(2026, 7, 31), end,
    ]


def test_due_dates_never_pass_the_end_of_the_period():
    start, end = date(2026, 9, 1), date(2026, 9, 15)
    assert propose_due_dates(start, end, 3) == [end, end, end]


def test_no_steps_no_due_dates():
    assert propose_due_dates(date(2025, 10, 1), date(2026, 9, 30), 0) == []
