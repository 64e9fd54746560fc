"""Derived step and measure status: pure rules, no database."""
from datetime import timedelta

import pytest

from tracker.ita import StepStatus, WorkGroup
from tracker.measures.status import (
    MeasureState,
    StepFacts,
    consistent_status,
    is_due_soon,
    is_overdue,
    mean_progress,
    measure_state,
    urgency_key,
    work_group,
)
from tests.helpers import TODAY


def before(days):
    return TODAY - timedelta(days=days)


def after(days):
    return TODAY + timedelta(days=days)


@pytest.mark.parametrize(
    "status, due, group",
    [
        (StepStatus.NOT_STARTED, before(1), WorkGroup.OVERDUE),
        (StepStatus.IN_PROGRESS, before(30), WorkGroup.OVERDUE),
        (StepStatus.BLOCKED, before(1), WorkGroup.OVERDUE),
        (StepStatus.NOT_STARTED, TODAY, WorkGroup.DUE_SOON),  # due today is not late yet
        (StepStatus.IN_PROGRESS, after(14), WorkGroup.DUE_SOON),
        (StepStatus.IN_PROGRESS, after(15), WorkGroup.IN_PROGRESS),
        (StepStatus.BLOCKED, after(40), WorkGroup.IN_PROGRESS),
        (StepStatus.NOT_STARTED, after(15), WorkGroup.NOT_STARTED),
        (StepStatus.DONE, before(10), WorkGroup.DONE),  # done late is done, not overdue
        (StepStatus.DONE, after(3), WorkGroup.DONE),
    ],
)
def test_work_group(status, due, group):
    assert work_group(status, due, TODAY) == group


def test_overdue_and_due_soon_exclude_done_steps():
    assert is_overdue(StepStatus.IN_PROGRESS, before(1), TODAY)
    assert not is_overdue(StepStatus.DONE, before(1), TODAY)
    assert not is_overdue(StepStatus.IN_PROGRESS, TODAY, TODAY)
    assert is_due_soon(StepStatus.NOT_STARTED, after(14), TODAY)
    assert not is_due_soon(StepStatus.NOT_STARTED, after(15), TODAY)
    assert not is_due_soon(StepStatus.DONE, after(3), TODAY)


def test_urgency_sorts_worst_first():
    steps = [
        (StepStatus.NOT_STARTED, after(60)),
        (StepStatus.DONE, before(5)),
        (StepStatus.IN_PROGRESS, before(2)),
        (StepStatus.IN_PROGRESS, before(20)),
        (StepStatus.NOT_STARTED, after(3)),
    ]
    ordered = sorted(steps, key=lambda s: urgency_key(s[0], s[1], TODAY))
    assert ordered == [
        (StepStatus.IN_PROGRESS, before(20)),
        (StepStatus.IN_PROGRESS, before(2)),
        (StepStatus.NOT_STARTED, after(3)),
        (StepStatus.NOT_STARTED, after(60)),
        (StepStatus.DONE, before(5)),
    ]


def facts(status, due, percent=None):
    if percent is None:
        percent = 100 if status == StepStatus.DONE else 0
    return StepFacts(status, percent, due)


def test_measure_state_rules():
    assert measure_state([facts(StepStatus.DONE, before(3)), facts(StepStatus.DONE, after(3))], TODAY) == MeasureState.DONE
    assert measure_state([facts(StepStatus.DONE, before(3)), facts(StepStatus.IN_PROGRESS, before(1), 50)], TODAY) == MeasureState.OVERDUE
    assert measure_state([facts(StepStatus.NOT_STARTED, after(10))], TODAY) == MeasureState.AT_RISK
    assert measure_state([facts(StepStatus.IN_PROGRESS, after(10), 40)], TODAY) == MeasureState.ON_TRACK
    assert measure_state([facts(StepStatus.BLOCKED, after(100), 10)], TODAY) == MeasureState.AT_RISK
    assert measure_state([facts(StepStatus.NOT_STARTED, after(100))], TODAY) == MeasureState.ON_TRACK
    assert measure_state([], TODAY) == MeasureState.ON_TRACK


def test_mean_progress():
    assert mean_progress([0, 50, 100]) == 50.0
    assert mean_progress([33, 34]) == 33.5
    assert mean_progress([]) == 0.0


def test_hundred_percent_means_done_and_done_means_hundred():
    assert consistent_status(100, StepStatus.DONE)
    assert consistent_status(40, StepStatus.IN_PROGRESS)
    assert not consistent_status(100, StepStatus.IN_PROGRESS)
    assert not consistent_status(90, StepStatus.DONE)
