"""Progress input rules, without a database: percent, status, note, work date."""
from datetime import date

import pytest

from tracker.ita import StepStatus
from tracker.measures.rules import check_progress_input, earliest_work_date, parse_percent
from tests.helpers import TODAY

EARLIEST = earliest_work_date(date(2025, 10, 1))


def check(**overrides):
    values = dict(percent="50", status="in_progress", note="ประชุมแล้ว", work_date="16/03/2569",
                  blocked_reason="", today=TODAY, earliest=EARLIEST)
    values.update(overrides)
    return check_progress_input(**values)


@pytest.mark.parametrize("text, expected", [("0", 0), ("100", 100), (" 40 % ", 40), ("๖๐", 60), (75, 75)])
def test_percent_accepts_whole_numbers(text, expected):
    assert parse_percent(text) == (expected, None)


@pytest.mark.parametrize("text", ["abc", "50.5", "-1", "120", "", None, "1000", True])
def test_percent_refuses_anything_else(text):
    value, message = parse_percent(text)
    assert value is None and message


def test_valid_input_is_cleaned():
    cleaned, errors = check(note="  จัดประชุมแล้ว  ", work_date="15/03/2569")
    assert errors == {}
    assert cleaned.percent == 50 and cleaned.status == StepStatus.IN_PROGRESS
    assert cleaned.note == "จัดประชุมแล้ว"
    assert cleaned.work_date == date(2026, 3, 15)
    assert cleaned.blocked_reason is None


def test_every_bad_field_is_reported_at_once():
    cleaned, errors = check(percent="abc", status="nonsense", note="  ", work_date="31/02/2569")
    assert cleaned is None
    assert set(errors) == {"percent", "status", "note", "work_date"}


def test_hundred_percent_means_done_and_done_means_hundred():
    assert set(check(percent="100", status="in_progress")[1]) == {"status"}
    assert set(check(percent="90", status="done")[1]) == {"percent"}
    assert check(percent="100", status="done")[1] == {}


def test_not_started_means_zero():
    assert set(check(percent="10", status="not_started")[1]) == {"status"}
    assert check(percent="0", status="not_started")[1] == {}


def test_blocked_needs_a_reason_and_others_drop_it():
    assert set(check(status="blocked")[1]) == {"blocked_reason"}
    cleaned, errors = check(status="blocked", blocked_reason="รองบประมาณ")
    assert errors == {} and cleaned.blocked_reason == "รองบประมาณ"
    assert check(status="in_progress", blocked_reason="ไม่เกี่ยว")[0].blocked_reason is None


def test_work_date_not_in_the_future_nor_absurdly_old():
    assert set(check(work_date="17/03/2569")[1]) == {"work_date"}
    assert set(check(work_date="01/01/2500")[1]) == {"work_date"}
    assert check(work_date=date(2025, 9, 1))[1] == {}  # preparation before the period is fine
    assert set(check(work_date="")[1]) == {"work_date"}


def test_note_length_is_limited():
    assert set(check(note="ก" * 5001)[1]) == {"note"}
