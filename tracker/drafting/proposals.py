"""Drafting next year's analysis and measures from the numbers the organization has (pure).

Everything proposed here is plain, factual Thai built from scores and from
what last year's measures achieved; nothing is invented. The administrator
edits every proposal before it goes into the document.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..ita import INDICATOR_NAMES, PASS_MARK
from ..thai import fiscal_year_bounds
from .catalog import TYPICAL_MEASURES

EXCELLENT_MARK = 95
SUMMARY_FALLS = 3  # how many of the largest falls the summary names


class Band(enum.StrEnum):
    EXCELLENT = "excellent"  # 95 and over
    PASS = "pass"  # from the pass mark to under 95
    BELOW = "below"  # under the pass mark


def band(score: float | None) -> Band | None:
    if score is None:
        return None
    if score >= EXCELLENT_MARK:
        return Band.EXCELLENT
    return Band.PASS if score >= PASS_MARK else Band.BELOW


@dataclass(frozen=True)
class PastMeasure:
    """A measure of an earlier fiscal year, and what became of its steps."""

    fiscal_year: int
    title: str
    steps: tuple[str, ...]
    division_ids: tuple[int, ...]
    steps_done: int = 0
    steps_late: int = 0
    steps_carried: int = 0

    @property
    def steps_total(self) -> int:
        return len(self.steps)

    @property
    def unfinished(self) -> bool:
        return self.steps_done < self.steps_total


class Source(enum.StrEnum):
    """Where a proposed measure comes from (shown beside it)."""

    UNFINISHED = "unfinished"  # last year's measure, not finished: continue it
    LAST_YEAR = "last_year"  # last year's measure, finished: keep it up
    EARLIER = "earlier"  # an earlier year's measure of this indicator
    TYPICAL = "typical"  # the built-in list


@dataclass
class ProposedMeasure:
    indicator: int
    title: str
    steps: list[str]
    start: date
    end: date
    division_ids: list[int]
    source: Source
    source_year: int | None = None


def _score(value: float) -> str:
    return f"{value:.2f}"


def analysis_text(number: int, score: float | None, history: dict[int, float | None], assessment_year: int,
                  last_measure: PastMeasure | None) -> str:
    """A factual analysis paragraph: the score, its band, the change over the years, last year's measure."""
    name = INDICATOR_NAMES[number]
    if score is None:
        return f"ยังไม่มีคะแนนของตัวชี้วัดที่ {number} {name} ในปี พ.ศ. {assessment_year}"
    sentences = [f"ตัวชี้วัดที่ {number} {name} ได้คะแนน {_score(score)} คะแนน " + {
        Band.EXCELLENT: f"อยู่ในระดับดีเยี่ยม (ตั้งแต่ {EXCELLENT_MARK} คะแนนขึ้นไป)",
        Band.PASS: f"ผ่านเกณฑ์ {PASS_MARK} คะแนน แต่ยังไม่ถึงระดับดีเยี่ยม ({EXCELLENT_MARK} คะแนน)",
        Band.BELOW: f"ต่ำกว่าเกณฑ์ผ่าน {PASS_MARK} คะแนน จึงเป็นประเด็นที่ต้องเร่งพัฒนา",
    }[band(score)]]
    earlier = sorted((year, value) for year, value in history.items()
                     if year < assessment_year and value is not None)
    if earlier:
        previous_year, previous = earlier[-1]
        change = round(score - previous, 2)
        if change > 0:
            sentences.append(f"เพิ่มขึ้น {_score(change)} คะแนนจากปี พ.ศ. {previous_year} ({_score(previous)} คะแนน)")
        elif change < 0:
            sentences.append(f"ลดลง {_score(-change)} คะแนนจากปี พ.ศ. {previous_year} ({_score(previous)} คะแนน)")
        else:
            sentences.append(f"เท่ากับปี พ.ศ. {previous_year}")
        if len(earlier) > 1:
            trail = ", ".join(f"ปี {year} {_score(value)}" for year, value in earlier)
            sentences.append(f"(คะแนนย้อนหลัง: {trail})")
    if last_measure is not None:
        outcome = (f"ในปีงบประมาณ พ.ศ. {last_measure.fiscal_year} หน่วยงานดำเนินมาตรการ “{last_measure.title}” "
                   f"จำนวน {last_measure.steps_total} ขั้นตอน ดำเนินการแล้วเสร็จ {last_measure.steps_done} ขั้นตอน")
        if last_measure.steps_late:
            outcome += f" เกินกำหนด {last_measure.steps_late} ขั้นตอน"
        if last_measure.steps_carried:
            outcome += f" ยกไปดำเนินการต่อ {last_measure.steps_carried} ขั้นตอน"
        sentences.append(outcome)
    return " ".join(sentences)


@dataclass(frozen=True)
class SummaryLine:
    number: int
    score: float
    change: float | None  # against the previous year the organization has
    below_pass: bool


def summary(scores: dict[int, float | None], previous: dict[int, float | None]) -> list[SummaryLine]:
    """The indicators to look at first: those under the pass mark (lowest first), then the
    largest falls since the previous year."""
    lines = []
    for number, score in scores.items():
        if score is None:
            continue
        before = previous.get(number)
        change = None if before is None else round(score - before, 2)
        lines.append(SummaryLine(number, score, change, score < PASS_MARK))
    below = sorted((line for line in lines if line.below_pass), key=lambda line: line.score)
    falls = sorted((line for line in lines if not line.below_pass and line.change is not None and line.change < 0),
                   key=lambda line: line.change)[:SUMMARY_FALLS]
    return below + falls


def _division_for(words: Sequence[str], divisions: Sequence[tuple[int, str]]) -> list[int]:
    for word in words:
        for division_id, name in divisions:
            if word in name:
                return [division_id]
    return [divisions[0][0]] if divisions else []


def propose_measure(number: int, past: Sequence[PastMeasure], assessment_year: int,
                    divisions: Sequence[tuple[int, str]]) -> ProposedMeasure:
    """The measure to propose for an indicator, running over the fiscal year after the assessment.

    Last year's measure (the year of the assessment) is continued when it is
    unfinished or carried over, and kept up otherwise; failing that an earlier
    year's measure of the indicator; failing that the built-in typical measure.
    `divisions` are the organization's active (id, name), in order; only they
    can be proposed.
    """
    start, end = fiscal_year_bounds(assessment_year + 1)
    active = {division_id for division_id, _ in divisions}
    by_year = sorted(past, key=lambda measure: measure.fiscal_year)
    last_year = [m for m in by_year if m.fiscal_year == assessment_year]
    earlier = [m for m in by_year if m.fiscal_year < assessment_year]
    if last_year:
        chosen = last_year[-1]
        source = Source.UNFINISHED if chosen.unfinished or chosen.steps_carried else Source.LAST_YEAR
    elif earlier:
        chosen, source = earlier[-1], Source.EARLIER
    else:
        typical = TYPICAL_MEASURES[number]
        return ProposedMeasure(number, typical.title, list(typical.steps), start, end,
                               _division_for(typical.division_words, divisions), Source.TYPICAL)
    chosen_divisions = [d for d in chosen.division_ids if d in active] or _division_for((), divisions)
    return ProposedMeasure(number, chosen.title, list(chosen.steps), start, end, chosen_divisions, source,
                           chosen.fiscal_year)
