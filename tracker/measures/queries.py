"""Read-side queries over measures and steps, shared by pages, reminders and reports.

Every function takes the organization explicitly and runs a fixed number of
queries, whatever the number of measures, steps or updates (no N+1).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..ita import INDICATOR_NUMBERS, StepStatus, WorkGroup, below_pass_mark
from ..orgs.models import Division
from ..orgs.services import divisions_of
from ..thai import fiscal_year as fiscal_year_of
from ..auth.models import User
from .models import (
    Assessment,
    DueDateChange,
    IndicatorScore,
    Measure,
    ProgressUpdate,
    ProgressWithdrawal,
    Step,
    step_divisions,
)
from .status import (
    DUE_SOON_DAYS,
    MeasureState,
    StepFacts,
    days_late_against,
    days_until,
    group_counts,
    mean_progress,
    measure_state,
    urgency_key,
    work_group,
)


def not_withdrawn():
    """SQL condition: a progress entry that has not been withdrawn (it still counts)."""
    return ProgressUpdate.id.not_in(sa.select(ProgressWithdrawal.update_id))


def fiscal_years_with_measures(organization_id: int) -> list[int]:
    """Fiscal years (BE) in which the organization has measures, newest first."""
    return list(
        db.session.scalars(
            sa.select(Measure.fiscal_year)
            .where(Measure.organization_id == organization_id)
            .distinct()
            .order_by(Measure.fiscal_year.desc())
        )
    )


def default_fiscal_year(organization_id: int, today: date, years: Sequence[int] | None = None) -> int:
    """The current fiscal year, or the latest one with measures when the current has none
    (always one of `years` when there are any).

    `years` are the organization's `fiscal_years_with_measures()`, when the caller has them already.
    """
    current = fiscal_year_of(today)
    if years is None:
        years = fiscal_years_with_measures(organization_id)
    if not years or current in years:
        return current
    earlier = [y for y in years if y < current]
    return earlier[0] if earlier else years[-1]


def steps_query(organization_id: int, *, join_divisions: bool = True) -> sa.Select:
    """Steps of the organization with their measure and divisions, in one query.

    Divisions are joined rather than loaded by a second "IN (...)" query, which
    SQLAlchemy splits every 500 steps: the count must not grow with the data.
    Without `join_divisions` they are left to the caller (`attach_divisions`).
    """
    query = (
        sa.select(Step)
        .join(Step.measure)
        .where(Step.organization_id == organization_id)
        .options(contains_eager(Step.measure))
        # Step.id last: steps alike in the rest keep one order, whatever the query plan.
        .order_by(Step.due_date, Measure.indicator_number, Step.position, Step.id)
    )
    return query.options(joinedload(Step.divisions)) if join_divisions else query


def load_steps(
    organization_id: int,
    fiscal_year: int | None = None,
    *,
    division_ids: Iterable[int] | None = None,
    open_from_earlier_years: bool = False,
    divisions: Iterable[Division] = (),
) -> list[Step]:
    """Steps of a fiscal year, optionally only those assigned to `division_ids`.

    With `open_from_earlier_years`, steps of earlier years that are not done
    are included too: unfinished work stays on the list until it is done.
    """
    # The divisions come from two small queries: joined here they would repeat each step's row per division.
    query = steps_query(organization_id, join_divisions=False)
    if fiscal_year is not None:
        year_filter = Measure.fiscal_year == fiscal_year
        if open_from_earlier_years:
            year_filter = sa.or_(
                year_filter,
                sa.and_(Measure.fiscal_year < fiscal_year,
                        Step.status.not_in([StepStatus.DONE, StepStatus.CARRIED])),
            )
        query = query.where(year_filter)
    if division_ids is not None:
        ids = list(division_ids)
        if not ids:
            return []
        query = query.where(assigned_to(ids))
    steps = list(db.session.scalars(query))
    attach_divisions(steps, divisions)
    return steps


def attach_divisions(steps: Sequence[Step], known: Iterable[Division] = ()) -> None:
    """Load the divisions of many steps in two queries, whatever their number
    (one when `known`, the organization's divisions, holds them all)."""
    if not steps:
        return
    assigned: dict[int, list[int]] = defaultdict(list)
    for step_id, division_id in db.session.execute(
        sa.select(step_divisions.c.step_id, step_divisions.c.division_id)
        .where(step_divisions.c.step_id.in_([s.id for s in steps]))
    ):
        assigned[step_id].append(division_id)
    divisions = {d.id: d for d in known}
    wanted = {d for ids in assigned.values() for d in ids} - divisions.keys()
    if wanted:
        divisions.update((d.id, d) for d in db.session.scalars(sa.select(Division).where(Division.id.in_(wanted))))
    for step in steps:
        mine = sorted((divisions[d] for d in assigned.get(step.id, ())), key=lambda d: (d.position, d.id))
        set_committed_value(step, "divisions", mine)


def assigned_to(division_ids: Iterable[int]):
    """SQL condition: a step assigned to one of `division_ids`."""
    return Step.id.in_(sa.select(step_divisions.c.step_id).where(step_divisions.c.division_id.in_(list(division_ids))))


def last_update_times(step_ids: Sequence[int]) -> dict[int, datetime]:
    """When each step was last updated (steps without updates are absent)."""
    if not step_ids:
        return {}
    rows = db.session.execute(
        sa.select(ProgressUpdate.step_id, sa.func.max(ProgressUpdate.created_at))
        .where(ProgressUpdate.step_id.in_(list(step_ids)), not_withdrawn())
        .group_by(ProgressUpdate.step_id)
    )
    return {step_id: value for step_id, value in rows}


def latest_updates(step_ids: Sequence[int]) -> dict[int, ProgressUpdate]:
    """The newest progress update of each step, with its author's name loaded (one query)."""
    if not step_ids:
        return {}
    newest = (
        sa.select(sa.func.max(ProgressUpdate.id))
        .where(ProgressUpdate.step_id.in_(list(step_ids)), not_withdrawn())
        .group_by(ProgressUpdate.step_id)
    )
    updates = db.session.scalars(
        sa.select(ProgressUpdate)
        .where(ProgressUpdate.id.in_(newest))
        .options(joinedload(ProgressUpdate.author).load_only(User.id, User.display_name))
    )
    return {u.step_id: u for u in updates}


def measure_with_steps(organization_id: int, measure_id: int) -> Measure | None:
    """A measure of the organization with its steps, their divisions and its assessment (one query)."""
    return db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == organization_id, Measure.id == measure_id)
        .options(joinedload(Measure.steps).joinedload(Step.divisions), joinedload(Measure.assessment))
    ).unique().first()


def indicator_score(assessment_id: int, number: int) -> IndicatorScore | None:
    """One indicator of an assessment (its score and analysis)."""
    return db.session.scalars(
        sa.select(IndicatorScore).where(IndicatorScore.assessment_id == assessment_id, IndicatorScore.number == number)
    ).first()


def step_with_history(organization_id: int, step_id: int) -> Step | None:
    """A step of the organization with what its page shows, in two queries whatever its
    history: the step with its measure, divisions and due date changes (and who made
    them); its entries, newest first, with their authors, withdrawals and files."""
    names_only = (User.id, User.display_name)
    step = db.session.scalars(
        sa.select(Step)
        .where(Step.organization_id == organization_id, Step.id == step_id)
        .options(
            joinedload(Step.measure),
            joinedload(Step.divisions),
            joinedload(Step.due_date_changes).joinedload(DueDateChange.changed_by).load_only(*names_only),
        )
    ).unique().first()
    if step is None:
        return None
    updates = db.session.scalars(
        sa.select(ProgressUpdate)
        .where(ProgressUpdate.step_id == step.id)
        .options(
            joinedload(ProgressUpdate.author).load_only(*names_only),
            joinedload(ProgressUpdate.withdrawal).joinedload(ProgressWithdrawal.withdrawn_by).load_only(*names_only),
            joinedload(ProgressUpdate.evidence),
        )
        .order_by(ProgressUpdate.id.desc())
    ).unique().all()
    set_committed_value(step, "updates", list(updates))
    return step


def progress_update_in_org(update_id: int, organization_id: int) -> ProgressUpdate | None:
    """A progress entry of one of the organization's steps, else None."""
    return db.session.scalars(
        sa.select(ProgressUpdate).join(ProgressUpdate.step)
        .where(ProgressUpdate.id == update_id, Step.organization_id == organization_id)
    ).first()


def carried_successor(step: Step) -> Step | None:
    """The step of the next year that carries `step` on, if it was carried over."""
    if step.status != StepStatus.CARRIED:
        return None
    return db.session.scalars(
        sa.select(Step).where(Step.carried_from_id == step.id, Step.organization_id == step.organization_id)
        .options(selectinload(Step.measure))
    ).first()


def assessment_for_measures(organization_id: int, fiscal_year: int,
                            among: Sequence[Assessment] | None = None) -> Assessment | None:
    """The assessment that the measures of `fiscal_year` answer: the one they
    name, or else the latest assessment before that year.

    `among`: the organization's assessments (`assessment_history`), when the
    caller has them already; the one chosen is then not loaded again."""
    named = db.session.scalar(
        sa.select(Measure.assessment_id)
        .where(
            Measure.organization_id == organization_id,
            Measure.fiscal_year == fiscal_year,
            Measure.assessment_id.is_not(None),
        )
        .limit(1)
    )
    if among is not None:
        if named:
            return next((a for a in among if a.id == named), None)
        earlier = [a for a in among if a.fiscal_year < fiscal_year]
        return max(earlier, key=lambda a: a.fiscal_year, default=None)
    query = sa.select(Assessment).options(selectinload(Assessment.indicators))
    if named:
        return db.session.scalars(query.where(Assessment.id == named)).first()
    return db.session.scalars(
        query.where(Assessment.organization_id == organization_id, Assessment.fiscal_year < fiscal_year)
        .order_by(Assessment.fiscal_year.desc())
        .limit(1)
    ).first()


# --- the summary behind the dashboard, the weekly digest and the report ----


@dataclass
class StepLine:
    """One step with everything a list shows about it."""

    step: Step
    group: WorkGroup
    days_left: int  # negative when late
    last_update_at: datetime | None
    days_late_original: int = 0  # days an open step is past its original due date

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


@dataclass
class DivisionLine:
    division: Division
    total: int = 0
    done: int = 0
    overdue: int = 0
    progress: float = 0.0
    last_update_at: datetime | None = None


@dataclass
class IndicatorLine:
    number: int
    name: str
    ita_score: Decimal | None
    measures: list[Measure] = field(default_factory=list)
    steps: int = 0
    progress: float = 0.0

    @property
    def priority(self) -> bool:
        """Indicators under the pass mark are where the next assessment is won or lost."""
        return below_pass_mark(self.ita_score)


@dataclass
class MeasureLine:
    measure: Measure
    state: MeasureState
    progress: float


@dataclass
class Summary:
    fiscal_year: int
    today: date
    steps: list[StepLine]
    measures: list[MeasureLine]
    divisions: list[DivisionLine]
    indicators: list[IndicatorLine]
    assessment: Assessment | None

    @property
    def overdue(self) -> list[StepLine]:
        """Late steps, worst (most days late) first."""
        return sorted((s for s in self.steps if s.group == WorkGroup.OVERDUE), key=lambda s: s.days_left)

    @property
    def due_soon(self) -> list[StepLine]:
        return sorted((s for s in self.steps if s.group == WorkGroup.DUE_SOON), key=lambda s: s.days_left)

    @property
    def moved(self) -> list[StepLine]:
        """Steps whose due date was moved since they were created or imported."""
        return [line for line in self.steps if line.step.due_date_moved]

    def steps_matching(self, group: WorkGroup | None = None, indicator: int | None = None,
                       moved: bool = False) -> list[StepLine]:
        """The steps behind a figure: one work group and/or one indicator (None: any),
        with `moved` only those whose due date was moved."""
        return [
            line for line in self.steps
            if (group is None or line.group == group)
            and (indicator is None or line.step.measure.indicator_number == indicator)
            and (not moved or line.step.due_date_moved)
        ]

    def measures_matching(self, state: MeasureState | None = None, indicator: int | None = None) -> list[MeasureLine]:
        """The measures behind a figure: one state and/or one indicator (None: any)."""
        return [
            line for line in self.measures
            if (state is None or line.state == state)
            and (indicator is None or line.measure.indicator_number == indicator)
        ]

    @property
    def step_counts(self) -> dict[WorkGroup, int]:
        return group_counts(line.group for line in self.steps)

    @property
    def measure_counts(self) -> dict[MeasureState, int]:
        counts = {state: 0 for state in MeasureState}
        for line in self.measures:
            counts[line.state] += 1
        return counts

    @property
    def progress(self) -> float:
        return mean_progress(line.step.percent for line in self.steps)


def step_line(step: Step, today: date, window: int = DUE_SOON_DAYS, last_update_at: datetime | None = None) -> StepLine:
    """One step as a list line: its work group and the days left (no database access)."""
    return StepLine(
        step=step,
        group=work_group(step.status, step.due_date, today, window),
        days_left=days_until(step.due_date, today),
        last_update_at=last_update_at,
        days_late_original=days_late_against(step.original_due_date, step.status, today),
    )


def step_lines(steps: Iterable[Step], today: date, window: int = DUE_SOON_DAYS) -> list[StepLine]:
    """Steps as list lines (group, days left, last update), most urgent first."""
    steps = list(steps)
    last_updates = last_update_times([s.id for s in steps])
    lines = [step_line(s, today, window, last_updates.get(s.id)) for s in steps]
    lines.sort(
        key=lambda line: (
            urgency_key(line.step.status, line.step.due_date, today),
            line.step.measure.indicator_number,
            line.step.position,
        )
    )
    return lines


def my_work(organization_id: int, division_ids: Iterable[int], fiscal_year: int, today: date,
            divisions: Iterable[Division] = ()) -> list[StepLine]:
    """The steps of `division_ids` in `fiscal_year`, and unfinished ones of earlier
    years, most urgent first (the My work page). `divisions`: the organization's, if loaded already."""
    steps = load_steps(organization_id, fiscal_year, division_ids=division_ids, open_from_earlier_years=True,
                       divisions=divisions)
    return step_lines(steps, today)


def assessment_history(organization_id: int) -> list[Assessment]:
    """The organization's ITA results, oldest first (the trend chart)."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.organization_id == organization_id)
            .order_by(Assessment.fiscal_year)
        )
    )


def summarize(
    organization_id: int,
    fiscal_year: int,
    today: date,
    *,
    division_id: int | None = None,
    window: int = DUE_SOON_DAYS,
    divisions: Sequence[Division] | None = None,
    assessments: Sequence[Assessment] | None = None,
) -> Summary:
    """Everything the dashboard shows for one fiscal year (optionally one division).

    `divisions` (`divisions_of`) and `assessments` (`assessment_history`): what
    the caller loaded already, so that the page does not load them twice."""
    divisions = list(divisions) if divisions is not None else divisions_of(organization_id)
    steps = load_steps(
        organization_id, fiscal_year, division_ids=[division_id] if division_id is not None else None,
        divisions=divisions,
    )
    lines = step_lines(steps, today, window)

    by_measure: dict[int, list[Step]] = defaultdict(list)
    for s in steps:
        by_measure[s.measure_id].append(s)
    measures = sorted({s.measure for s in steps}, key=lambda m: (m.indicator_number, m.position, m.id))
    measure_lines = [
        MeasureLine(
            measure=m,
            state=measure_state([StepFacts(s.status, s.percent, s.due_date) for s in by_measure[m.id]], today, window),
            progress=mean_progress(s.percent for s in by_measure[m.id]),
        )
        for m in measures
    ]

    division_lines = []
    for division in divisions:
        if division_id is not None and division.id != division_id:
            continue
        mine = [line for line in lines if any(d.id == division.id for d in line.step.divisions)]
        if not mine and not division.active:
            continue
        times = [line.last_update_at for line in mine if line.last_update_at]
        division_lines.append(
            DivisionLine(
                division=division,
                total=len(mine),
                done=sum(1 for line in mine if line.group == WorkGroup.DONE),
                overdue=sum(1 for line in mine if line.group == WorkGroup.OVERDUE),
                progress=mean_progress(line.step.percent for line in mine),
                last_update_at=max(times) if times else None,
            )
        )

    assessment = assessment_for_measures(organization_id, fiscal_year, among=assessments)
    indicator_lines = []
    for number in INDICATOR_NUMBERS:
        score: IndicatorScore | None = assessment.indicator(number) if assessment else None
        measures_here = [m for m in measures if m.indicator_number == number]
        steps_here = [s for m in measures_here for s in by_measure[m.id]]
        indicator_lines.append(
            IndicatorLine(
                number=number,
                name=score.name if score else "",
                ita_score=score.score if score else None,
                measures=measures_here,
                steps=len(steps_here),
                progress=mean_progress(s.percent for s in steps_here),
            )
        )

    return Summary(
        fiscal_year=fiscal_year,
        today=today,
        steps=lines,
        measures=measure_lines,
        divisions=division_lines,
        indicators=indicator_lines,
        assessment=assessment,
    )


def assessments_with_measure_counts(organization_id: int) -> list[tuple[Assessment, int]]:
    """The organization's assessments, latest first, with the number of measures that answer each."""
    rows = db.session.execute(
        sa.select(Assessment, sa.func.count(Measure.id))
        .outerjoin(Measure, Measure.assessment_id == Assessment.id)
        .where(Assessment.organization_id == organization_id)
        .group_by(Assessment.id)
        .order_by(Assessment.fiscal_year.desc())
    )
    return [(assessment, count) for assessment, count in rows]


def measures_of_assessment(organization_id: int, assessment_id: int) -> list[Measure]:
    """The measures that answer one assessment, in order, with their steps and divisions."""
    return list(db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == organization_id, Measure.assessment_id == assessment_id)
        .options(selectinload(Measure.steps).selectinload(Step.divisions))
        .order_by(Measure.position, Measure.id)
    ))


def measures_by_indicator(organization_id: int, fiscal_year: int) -> dict[int, list[Measure]]:
    """The measures of a fiscal year, by indicator number."""
    measures: dict[int, list[Measure]] = {}
    for measure in db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == organization_id, Measure.fiscal_year == fiscal_year)
        .order_by(Measure.indicator_number, Measure.position, Measure.id)
    ):
        measures.setdefault(measure.indicator_number, []).append(measure)
    return measures

