"""The progress report as plain data, from which every format is rendered.

Built once by `tracker.reports.services.build_report`; Word, Excel, PDF, the
print view and the public page read only these objects, so they agree.
Nothing here touches the database.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..ita import MeasureState, StepStatus, Tool, below_pass_mark
from ..measures.status import StepFacts, is_overdue, mean_progress, measure_state


@dataclass(frozen=True)
class StepRow:
    """One step as it stood at the end of the report's date."""

    step_id: int
    number: int
    text: str
    divisions: tuple[str, ...]
    due_date: date
    status: StepStatus
    percent: int
    overdue: bool
    note: str = ""  # what was done, from the latest update
    problems: str = ""  # problems met, from the latest update
    evidence_count: int = 0  # files attached to the step's updates so far
    updated_on: date | None = None  # local date of the latest update
    update_id: int | None = None


@dataclass(frozen=True)
class ThreadMessage:
    """An instruction or a message in its thread, as the report shows it."""

    on: date  # local date it was written
    author: str
    side: str  # the answering division, or the author's role
    text: str
    files: tuple[str, ...] = ()
    is_answer: bool = False  # a division's answer (not an executive's follow-up)


@dataclass(frozen=True)
class InstructionThread:
    """An executive's instruction on the measure or one of its steps, with what followed."""

    step_number: int | None
    instruction: ThreadMessage
    replies: tuple[ThreadMessage, ...] = ()
    waiting_for: tuple[str, ...] = ()  # divisions that have not answered


@dataclass(frozen=True)
class MeasureSection:
    measure_id: int
    indicator_number: int
    indicator_name: str
    title: str
    start_date: date
    end_date: date
    steps: tuple[StepRow, ...]
    state: MeasureState
    instructions: tuple[InstructionThread, ...] = ()

    @property
    def progress(self) -> float:
        return mean_progress(s.percent for s in self.steps)


@dataclass(frozen=True)
class ScoreLine:
    """A score of this assessment next to the previous one."""

    name: str
    score: Decimal | None
    previous: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def below_pass(self) -> bool:
        return below_pass_mark(self.score)


@dataclass(frozen=True)
class IndicatorResult(ScoreLine):
    number: int = 0
    tool: Tool | None = None
    analysis: str = ""


@dataclass(frozen=True)
class ItaAnalysis:
    """An assessment's scores, with the change from the previous one when there is one."""

    fiscal_year: int
    previous_fiscal_year: int | None
    overall: ScoreLine
    level: str
    tools: tuple[ScoreLine, ...]
    indicators: tuple[IndicatorResult, ...]

    @property
    def below_pass(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.below_pass)


@dataclass(frozen=True)
class ReportSummary:
    measures: int
    steps: int
    measures_by_state: dict[MeasureState, int]
    steps_by_status: dict[StepStatus, int]
    steps_overdue: int
    progress: float


@dataclass(frozen=True)
class DivisionSteps:
    name: str
    rows: tuple[tuple[MeasureSection, StepRow], ...]


@dataclass(frozen=True)
class ProgressReport:
    organization_name: str
    fiscal_year: int
    as_of: date
    measures: tuple[MeasureSection, ...]
    analysis: ItaAnalysis | None = None
    # Division names in the organization's order, for the per-division sheets.
    division_order: tuple[str, ...] = field(default=())

    @property
    def has_instructions(self) -> bool:
        return any(m.instructions for m in self.measures)

    @property
    def steps(self) -> list[tuple[MeasureSection, StepRow]]:
        return [(m, s) for m in self.measures for s in m.steps]

    @property
    def summary(self) -> ReportSummary:
        rows = [s for m in self.measures for s in m.steps]
        by_state = {state: 0 for state in MeasureState}
        for measure in self.measures:
            by_state[measure.state] += 1
        by_status = {status: 0 for status in StepStatus}
        for row in rows:
            by_status[row.status] += 1
        return ReportSummary(
            measures=len(self.measures),
            steps=len(rows),
            measures_by_state=by_state,
            steps_by_status=by_status,
            steps_overdue=sum(1 for row in rows if row.overdue),
            progress=mean_progress(row.percent for row in rows),
        )

    def by_division(self) -> list[DivisionSteps]:
        """The steps of each division that has any, in the organization's order."""
        names = list(self.division_order)
        for _, row in self.steps:
            names.extend(n for n in row.divisions if n not in names)
        groups: dict[str, list[tuple[MeasureSection, StepRow]]] = {name: [] for name in names}
        for measure, row in self.steps:
            for name in row.divisions:
                groups[name].append((measure, row))
        return [DivisionSteps(name, tuple(rows)) for name, rows in groups.items() if rows]


# --- building blocks used by the service ----------------------------------------


def step_row(
    *,
    step_id: int,
    number: int,
    text: str,
    divisions: Sequence[str],
    due_date: date,
    as_of: date,
    status: StepStatus,
    percent: int,
    note: str = "",
    problems: str | None = "",
    evidence_count: int = 0,
    updated_on: date | None = None,
    update_id: int | None = None,
) -> StepRow:
    return StepRow(
        step_id=step_id,
        number=number,
        text=text,
        divisions=tuple(divisions),
        due_date=due_date,
        status=status,
        percent=percent,
        overdue=is_overdue(status, due_date, as_of),
        note=(note or "").strip(),
        problems=(problems or "").strip(),
        evidence_count=evidence_count,
        updated_on=updated_on,
        update_id=update_id,
    )


def measure_section(
    *,
    measure_id: int,
    indicator_number: int,
    indicator_name: str,
    title: str,
    start_date: date,
    end_date: date,
    steps: Iterable[StepRow],
    as_of: date,
    instructions: Iterable[InstructionThread] = (),
) -> MeasureSection:
    rows = tuple(steps)
    state = measure_state((StepFacts(r.status, r.percent, r.due_date) for r in rows), as_of)
    return MeasureSection(
        measure_id=measure_id,
        indicator_number=indicator_number,
        indicator_name=indicator_name,
        title=title,
        start_date=start_date,
        end_date=end_date,
        steps=rows,
        state=state,
        instructions=tuple(instructions),
    )


def ita_analysis(assessment: Any, previous: Any | None, indicator_names: dict[int, str]) -> ItaAnalysis:
    """Compare an assessment with the previous one (objects with the Assessment attributes)."""
    from . import wording

    def previous_value(name: str) -> Decimal | None:
        return getattr(previous, name) if previous is not None else None

    tools = (
        ScoreLine(wording.TOOL_NAMES[Tool.IIT], assessment.iit_score, previous_value("iit_score")),
        ScoreLine(wording.TOOL_NAMES[Tool.EIT], assessment.eit_score, previous_value("eit_score")),
        ScoreLine(wording.EIT_PART_1, assessment.eit1_score, previous_value("eit1_score")),
        ScoreLine(wording.EIT_PART_2, assessment.eit2_score, previous_value("eit2_score")),
        ScoreLine(wording.TOOL_NAMES[Tool.OIT], assessment.oit_score, previous_value("oit_score")),
    )
    indicators = []
    for score in sorted(assessment.indicators, key=lambda i: i.number):
        before = previous.indicator(score.number) if previous is not None else None
        indicators.append(
            IndicatorResult(
                name=indicator_names.get(score.number) or score.name,
                score=score.score,
                previous=before.score if before is not None else None,
                number=score.number,
                tool=score.tool,
                analysis=(score.analysis or "").strip(),
            )
        )
    return ItaAnalysis(
        fiscal_year=assessment.fiscal_year,
        previous_fiscal_year=previous.fiscal_year if previous is not None else None,
        overall=ScoreLine(wording.OVERALL, assessment.overall_score, previous_value("overall_score")),
        level=assessment.level or "",
        tools=tools,
        indicators=tuple(indicators),
    )
