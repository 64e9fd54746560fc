"""Pure rules for carried-over steps and lateness against the original due date (no database)."""
from datetime import date

from tracker.measures.models import StepStatus
from tracker.measures.rules import parse_status
from tracker.measures.status import (
    MeasureState,
    StepFacts,
    WorkGroup,
    days_late_against,
    is_due_soon,
    is_overdue,
    measure_state,
    work_group,
)
from tracker.reminders.rules import ReminderRules, step_notice

TODAY = date(2026, 12, 2)
LONG_AGO = date(2026, 4, 30)


def test_a_carried_step_is_not_late_not_due_and_not_done():
    assert not is_overdue(StepStatus.CARRIED, LONG_AGO, TODAY)
    assert not is_due_soon(StepStatus.CARRIED, TODAY, TODAY)
    assert work_group(StepStatus.CARRIED, LONG_AGO, TODAY) == WorkGroup.CARRIED


def test_a_carried_step_gets_no_reminder():
    rules = ReminderRules(enabled=True, days_before=(0, 1, 7), overdue_every=1, escalate_from=1, digest_weekday=None)
    assert step_notice(StepStatus.IN_PROGRESS, LONG_AGO, TODAY, rules) is not None
    assert step_notice(StepStatus.CARRIED, LONG_AGO, TODAY, rules) is None
    assert step_notice(StepStatus.CARRIED, TODAY, TODAY, rules) is None


def test_a_measure_with_done_and_carried_steps_is_carried_not_late():
    done = StepFacts(StepStatus.DONE, 100, LONG_AGO)
    carried = StepFacts(StepStatus.CARRIED, 40, LONG_AGO)
    assert measure_state([done, carried], TODAY) == MeasureState.CARRIED
    assert measure_state([done], TODAY) == MeasureState.DONE
    assert measure_state([carried, StepFacts(StepStatus.NOT_STARTED, 0, LONG_AGO)], TODAY) == MeasureState.OVERDUE


def test_lateness_against_the_original_date():
    assert days_late_against(date(2026, 11, 22), StepStatus.IN_PROGRESS, TODAY) == 10
    assert days_late_against(date(2026, 12, 12), StepStatus.IN_PROGRESS, TODAY) == 0
    assert days_late_against(date(2026, 11, 22), StepStatus.DONE, TODAY) == 0


def test_nobody_chooses_carried_in_a_progress_form():
    assert parse_status("carried") is None
    assert parse_status("done") == StepStatus.DONE
