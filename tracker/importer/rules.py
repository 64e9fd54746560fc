"""The ITA's fixed rules: the ten indicators, tool weights, levels and step deadlines."""
from __future__ import annotations

from datetime import date, timedelta
from statistics import fmean

from tracker.thai import month_end

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
INDICATORS_OF_TOOL: dict[str, tuple[int, ...]] = {
    "IIT": (1, 2, 3, 4, 5),
    "EIT": (6, 7, 8),
    "OIT": (9, 10),
}
# The document reports EIT in two parts; the total uses their mean.
TOOL_KEYS = ("IIT", "EIT1", "EIT2", "OIT")
WEIGHTS = {"IIT": 0.3, "EIT": 0.3, "OIT": 0.4}

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


def tool_of_indicator(number: int) -> str:
    """`IIT`, `EIT` or `OIT` for an indicator number from 1 to 10."""
    for tool, numbers in INDICATORS_OF_TOOL.items():
        if number in numbers:
            return tool
    raise ValueError(f"no ITA indicator {number}")


def eit_score(eit1: float, eit2: float) -> float:
    return (eit1 + eit2) / 2


def overall_from_tools(iit: float, eit1: float, eit2: float, oit: float) -> float:
    """The total the NACC computes: 0.3 × IIT + 0.3 × EIT + 0.4 × OIT."""
    return (
        WEIGHTS["IIT"] * iit + WEIGHTS["EIT"] * eit_score(eit1, eit2) + WEIGHTS["OIT"] * oit
    )


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


def propose_due_dates(start: date, end: date, count: int) -> list[date]:
    """Deadlines for `count` steps done in order over a period.

    Step k of n is due at the end of the month that holds the point k/n of the
    period, never after the period's last day; the last step is due on that
    last day.
    """
    if count <= 0:
        return []
    span = (end - start).days
    due = []
    for k in range(1, count + 1):
        point = start + timedelta(days=span * k // count)
        due.append(min(month_end(point.year, point.month), end))
    due[-1] = end
    return due
