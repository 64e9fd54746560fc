"""The ITA's vocabulary: indicators, tools and weights, levels, the pass mark, step states.

Pure: no dependency beyond the standard library, so that parsing, rules,
reports, labels and models all speak of the same things.
"""
from __future__ import annotations

import enum
from statistics import fmean

# The ten indicators of the ITA (2567-2568), by number.
INDICATOR_NAMES: dict[int, str] = {
    1: "การปฏิบัติหน้าที่",
    2: "การใช้งบประมาณ",
    3: "การใช้อำนาจ",
    4: "การใช้ทรัพย์สินของราชการ",
    5: "การแก้ไขปัญหาการทุจริต",
    6: "คุณภาพการดำเนินงาน",
    7: "ประสิทธิภาพการสื่อสาร",
    8: "การปรับปรุงระบบการทำงาน",
    9: "การเปิดเผยข้อมูล",
    10: "การป้องกันการทุจริต",
}
INDICATOR_NUMBERS: tuple[int, ...] = tuple(INDICATOR_NAMES)  # 1 to 10, in order


class Tool(enum.StrEnum):
    """The ITA's three assessment tools."""

    IIT = "IIT"
    EIT = "EIT"
    OIT = "OIT"


INDICATORS_OF_TOOL: dict[str, tuple[int, ...]] = {
    Tool.IIT: (1, 2, 3, 4, 5),
    Tool.EIT: (6, 7, 8),
    Tool.OIT: (9, 10),
}
# The document reports EIT in two parts; the total uses their mean.
TOOL_KEYS = ("IIT", "EIT1", "EIT2", "OIT")
WEIGHTS = {Tool.IIT: 0.3, Tool.EIT: 0.3, Tool.OIT: 0.4}

LEVEL_EXCELLENT = "ผ่านดีเยี่ยม"
LEVEL_GOOD = "ผ่านดี"
LEVEL_PASS = "ผ่าน"
LEVEL_IMPROVE = "ต้องปรับปรุง"
LEVEL_IMPROVE_URGENTLY = "ต้องปรับปรุงโดยด่วน"
LEVELS = (LEVEL_EXCELLENT, LEVEL_GOOD, LEVEL_PASS, LEVEL_IMPROVE, LEVEL_IMPROVE_URGENTLY)

# An indicator scoring under this is a priority for the next assessment; the
# total and the tools must reach it to pass.
PASS_MARK = 85

# Scores are printed with two decimals, so a sum of rounded parts can be off
# by a few thousandths without any mistake in the document.
SCORE_TOLERANCE = 0.01


class StepStatus(enum.StrEnum):
    """What the responsible division says of a step."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"


class WorkGroup(enum.StrEnum):
    """The groups of My work, in order of urgency."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    DONE = "done"


WORK_GROUP_ORDER = list(WorkGroup)


class MeasureState(enum.StrEnum):
    """How a measure stands: derived from its steps by `tracker.measures.status.measure_state`."""

    DONE = "done"
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"


def tool_of_indicator(number: int) -> Tool:
    """`IIT`, `EIT` or `OIT` for an indicator number from 1 to 10."""
    for tool, numbers in INDICATORS_OF_TOOL.items():
        if number in numbers:
            return Tool(tool)
    raise ValueError(f"no ITA indicator {number}")


def eit_score(eit1: float, eit2: float) -> float:
    return (eit1 + eit2) / 2


def overall_from_tools(iit: float, eit1: float, eit2: float, oit: float) -> float:
    """The total the NACC computes: 0.3 × IIT + 0.3 × EIT + 0.4 × OIT."""
    return WEIGHTS[Tool.IIT] * iit + WEIGHTS[Tool.EIT] * eit_score(eit1, eit2) + WEIGHTS[Tool.OIT] * oit


def tool_from_indicators(scores: list[float]) -> float:
    """A tool's score from its indicators' scores: their plain mean."""
    return fmean(scores)


def below_pass_mark(score) -> bool:
    """True for a score (float or Decimal) under the pass mark; False when there is none."""
    return score is not None and score < PASS_MARK


def scores_differ(a: float, b: float) -> bool:
    """True when two scores differ by more than rounding to two decimals explains."""
    return abs(a - b) > SCORE_TOLERANCE + 1e-9


def level_for_scores(total: float, iit: float, eit: float, oit: float) -> str:
    """The level the 2567-2568 rules give these scores (EIT is the mean of its two parts).

    ผ่านดีเยี่ยม when the total and every tool reach 95; ผ่านดี when they all
    reach 85; ผ่าน when the total reaches 85; ต้องปรับปรุง from 70; below that
    ต้องปรับปรุงโดยด่วน.
    """
    lowest = min(total, iit, eit, oit)
    if lowest >= 95:
        return LEVEL_EXCELLENT
    if lowest >= PASS_MARK:
        return LEVEL_GOOD
    if total >= PASS_MARK:
        return LEVEL_PASS
    if total >= 70:
        return LEVEL_IMPROVE
    return LEVEL_IMPROVE_URGENTLY
