"""Status derived from stored facts: overdue, due soon, a measure's state.

Pure functions of (status, percent, due date, today); no database access, so
the dashboard, reminders and reports all derive the same answer.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from ..ita import WORK_GROUP_ORDER, MeasureState, StepStatus, WorkGroup


DUE_SOON_DAYS = 14


def days_until(due: date, today: date) -> int:
    """Days left until `due` (negative when late)."""
    return (due - today).days


def is_overdue(status: StepStatus, due: date, today: date) -> bool:
    return status != StepStatus.DONE and due < today


def is_due_soon(status: StepStatus, due: date, today: date, window: int = DUE_SOON_DAYS) -> bool:
    return status != StepStatus.DONE and 0 <= days_until(due, today) <= window


def work_group(status: StepStatus, due: date, today: date, window: int = DUE_SOON_DAYS) -> WorkGroup:
    if status == StepStatus.DONE:
        return WorkGroup.DONE
    if due < today:
        return WorkGroup.OVERDUE
    if days_until(due, today) <= window:
        return WorkGroup.DUE_SOON
    if status in (StepStatus.IN_PROGRESS, StepStatus.BLOCKED):
        return WorkGroup.IN_PROGRESS
    return WorkGroup.NOT_STARTED


def urgency_key(status: StepStatus, due: date, today: date) -> tuple[int, int]:
    """Sort key: by group, then the most urgent (or most recently done) first."""
    group = work_group(status, due, today)
    order = WORK_GROUP_ORDER.index(group)
    if group == WorkGroup.DONE:
        return order, -due.toordinal()
    return order, due.toordinal()


@dataclass(frozen=True)
class StepFacts:
    """What the measure-level rules need to know of one step."""

    status: StepStatus
    percent: int
    due: date


def mean_progress(percents: Iterable[int]) -> float:
    values = list(percents)
    return round(sum(values) / len(values), 1) if values else 0.0


def measure_state(steps: Iterable[StepFacts], today: date, window: int = DUE_SOON_DAYS) -> MeasureState:
    """Done when every step is done; overdue when a step is late; at risk when
    a step is blocked, or due within the window and not yet started."""
    facts = list(steps)
    if facts and all(s.status == StepStatus.DONE for s in facts):
        return MeasureState.DONE
    if any(is_overdue(s.status, s.due, today) for s in facts):
        return MeasureState.OVERDUE
    for s in facts:
        if s.status == StepStatus.BLOCKED:
            return MeasureState.AT_RISK
        if s.status == StepStatus.NOT_STARTED and is_due_soon(s.status, s.due, today, window):
            return MeasureState.AT_RISK
    return MeasureState.ON_TRACK


def consistent_status(percent: int, status: StepStatus) -> bool:
    """100 percent means done and done means 100 percent."""
    return (percent == 100) == (status == StepStatus.DONE)
