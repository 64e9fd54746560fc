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

# Steps nobody needs to work on in their own year any more.
CLOSED = frozenset({StepStatus.DONE, StepStatus.CARRIED})


def days_until(due: date, today: date) -> int:
    """Days left until `due` (negative when late)."""
    return (due - today).days


def is_overdue(status: StepStatus, due: date, today: date) -> bool:
    return status not in CLOSED and due < today


def is_due_soon(status: StepStatus, due: date, today: date, window: int = DUE_SOON_DAYS) -> bool:
    return status not in CLOSED and 0 <= days_until(due, today) <= window


def days_late_against(due: date, status: StepStatus, today: date) -> int:
    """Days an open step is past `due` (its original due date, for instance); 0 otherwise."""
    return max(0, -days_until(due, today)) if status not in CLOSED else 0


def work_group(status: StepStatus, due: date, today: date, window: int = DUE_SOON_DAYS) -> WorkGroup:
    if status == StepStatus.DONE:
        return WorkGroup.DONE
    if status == StepStatus.CARRIED:
        return WorkGroup.CARRIED
    if due < today:
        return WorkGroup.OVERDUE
    if days_until(due, today) <= window:
        return WorkGroup.DUE_SOON
    if status in (StepStatus.IN_PROGRESS, StepStatus.BLOCKED):
        return WorkGroup.IN_PROGRESS
    return WorkGroup.NOT_STARTED


def group_counts(groups: Iterable[WorkGroup]) -> dict[WorkGroup, int]:
    """How many steps are in each work group, every group present, in `WORK_GROUP_ORDER`.

    The groups are exclusive (a late step counts as late, not also as in
    progress), so the counts add up to the number of steps. This is the one
    count of steps by state: the dashboard, the report in every format, the
    weekly digest and the public page all show it.
    """
    counts = dict.fromkeys(WORK_GROUP_ORDER, 0)
    for group in groups:
        counts[group] += 1
    return counts


def step_group_counts(steps: Iterable[StepFacts], today: date, window: int = DUE_SOON_DAYS) -> dict[WorkGroup, int]:
    """`group_counts` of steps given by their facts."""
    return group_counts(work_group(s.status, s.due, today, window) for s in steps)


def urgency_key(status: StepStatus, due: date, today: date) -> tuple[int, int]:
    """Sort key: by group, then the most urgent (or most recently done) first."""
    group = work_group(status, due, today)
    order = WORK_GROUP_ORDER.index(group)
    if group in (WorkGroup.DONE, WorkGroup.CARRIED):
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
    if facts and all(s.status in CLOSED for s in facts):
        return MeasureState.CARRIED
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
