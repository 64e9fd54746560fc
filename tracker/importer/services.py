"""Saving a reviewed report: the assessment with its ten indicators, and the measures with their steps.

`plan_import` works out, without writing anything, what saving would do: which
divisions each name stands for, which existing measures and steps a re-import
keeps (with their progress history), adds and removes, and what must be fixed
first. The preview shows that plan; `import_report` makes it again from the
database and carries it out in the caller's transaction.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import ensure_admin_of
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..i18n import format_date
from ..ita import INDICATOR_NAMES, tool_of_indicator
from ..measures.models import Assessment, IndicatorScore, Measure, ProgressUpdate, Step
from ..orgs.models import Division, Organization
from ..orgs.services import create_division, divisions_of
from ..thai import fiscal_year, fiscal_year_bounds
from . import result as parsed
from .divisions import EVERY_DIVISION, division_key, match_divisions
from .messages import source_text
from .normalize import without_spaces

# The value of a division choice that creates a new division under the name read.
NEW_DIVISION = "new"


def due_field(measure_index: int, step_index: int) -> str:
    """The preview form's field for a step's due date (indexes from 0)."""
    return f"due_{measure_index}_{step_index}"


def division_field(name_index: int) -> str:
    """The preview form's field for the division a name read stands for."""
    return f"division_{name_index}"


REPLACE_FIELD = "replace"
REMOVE_REPORTED_FIELD = "remove_reported"


@dataclass(frozen=True)
class Problem:
    """Something that must be fixed before the report can be saved."""

    message: object  # a lazy translated string
    field: str | None = None


@dataclass
class DivisionChoice:
    """What one division name read from the report stands for."""

    name: str
    field: str | None  # None for ทุกกอง, which is not a choice
    matched: list[Division]  # existing divisions matched by name or short name
    chosen: list[Division]  # what the steps get (the match, or the admin's choice)
    create: bool  # True when a new division is created under `name`
    wanted: str = ""  # the admin's choice as given: a division id, NEW_DIVISION or ""

    @property
    def every_division(self) -> bool:
        return self.name == EVERY_DIVISION


@dataclass
class StepPlan:
    number: int
    text: str
    due: date | None
    existing: Step | None = None  # the step kept, with its progress history

    @property
    def text_changed(self) -> bool:
        return self.existing is not None and self.existing.text != self.text


@dataclass
class MeasurePlan:
    parsed: parsed.Measure
    fiscal_year: int
    start: date
    end: date
    steps: list[StepPlan]
    existing: Measure | None = None


@dataclass
class RemovedStep:
    step: Step
    progress_count: int  # progress updates that go with it


@dataclass
class ImportPlan:
    organization: Organization
    result: parsed.ParseResult
    assessment: Assessment | None  # the year's assessment already saved, if any
    measures: list[MeasurePlan]
    divisions: list[DivisionChoice]
    removed_steps: list[RemovedStep]
    removed_measures: list[Measure]
    existing_measure_count: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def replacing(self) -> bool:
        """True when the year was imported before (or has measures): saving replaces it."""
        return self.assessment is not None or self.existing_measure_count > 0

    @property
    def removed_with_progress(self) -> list[RemovedStep]:
        return [removed for removed in self.removed_steps if removed.progress_count]

    @property
    def new_division_names(self) -> list[str]:
        return [choice.name for choice in self.divisions if choice.create]

    @property
    def step_count(self) -> int:
        return sum(len(m.steps) for m in self.measures)

    @property
    def kept_step_count(self) -> int:
        return sum(1 for m in self.measures for s in m.steps if s.existing is not None)

    def divisions_of(self, measure: parsed.Measure) -> list[str]:
        """The names of the divisions a measure's steps will get, as saving will assign them."""
        by_name = {choice.name: choice for choice in self.divisions}
        names: list[str] = []
        for name in measure.divisions:
            choice = by_name.get(name)
            if choice is None:
                continue
            if choice.every_division:
                names.extend(d.name for d in choice.chosen)
                names.extend(self.new_division_names)
            elif choice.create:
                names.append(choice.name)
            else:
                names.extend(d.name for d in choice.chosen)
        return list(dict.fromkeys(names))


@dataclass
class ImportSummary:
    """What `import_report` did, for the CLI, the flash message and the audit trail."""

    assessment: Assessment
    assessment_created: bool
    measures: list[Measure]
    measures_created: int = 0
    measures_kept: int = 0
    measures_removed: int = 0
    steps_created: int = 0
    steps_kept: int = 0
    steps_removed: int = 0
    new_divisions: list[Division] = field(default_factory=list)

    @property
    def step_count(self) -> int:
        return self.steps_created + self.steps_kept


# --- planning ------------------------------------------------------------------


def plan_import(
    org: Organization,
    result: parsed.ParseResult,
    *,
    division_choices: Mapping[str, str] | None = None,
) -> ImportPlan:
    """What saving `result` into `org` would do, and what stops it. Writes nothing.

    `division_choices` maps a division name read from the report to the id
    (as text) of an existing division of `org`, or to `NEW_DIVISION`; names
    not given keep their automatic match (a new division when none matches).
    """
    divisions = _division_choices(org, result, division_choices or {})
    assessment = _existing_assessment(org, result.fiscal_year)
    measure_plans = [_measure_plan(result, measure) for measure in result.measures]
    years = {plan.fiscal_year for plan in measure_plans}
    existing = _existing_measures(org, years, assessment)
    removed_measures, removed_steps = _match_existing(measure_plans, existing)
    plan = ImportPlan(
        organization=org,
        result=result,
        assessment=assessment,
        measures=measure_plans,
        divisions=divisions,
        removed_steps=removed_steps,
        removed_measures=removed_measures,
        existing_measure_count=len(existing),
    )
    plan.problems = _problems(plan)
    return plan


def keep_current_due_dates(plan: ImportPlan) -> None:
    """Give the steps a re-import keeps their current due dates in the result.

    People already work to those dates (some were moved on purpose); the
    admin can still change them in the preview.
    """
    for measure_plan in plan.measures:
        for step_plan, step in zip(measure_plan.steps, measure_plan.parsed.steps):
            if step_plan.existing is not None:
                step.due = step_plan.due = step_plan.existing.due_date


def _division_choices(
    org: Organization, result: parsed.ParseResult, choices: Mapping[str, str]
) -> list[DivisionChoice]:
    all_divisions = divisions_of(org.id)
    active = [d for d in all_divisions if d.active]
    by_id = {d.id: d for d in all_divisions}
    choosable = {str(d.id): d for d in active}
    matching = match_divisions(result.division_names, all_divisions)
    resolved = []
    index = 0
    for name in result.division_names:
        if name == EVERY_DIVISION:
            resolved.append(DivisionChoice(name, None, active, active, create=False))
            continue
        matched = [by_id[i] for i in matching.ids_by_name.get(name, [])]
        choice = DivisionChoice(name, division_field(index), matched, matched, create=not matched)
        index += 1
        # Any active division may be chosen, and the one matched even if archived.
        allowed = {**choosable, **{str(d.id): d for d in matched}}
        choice.wanted = wanted = str(choices.get(name, "")).strip()
        if wanted == NEW_DIVISION and not matched:
            choice.chosen, choice.create = [], True
        elif wanted in allowed:
            choice.chosen, choice.create = [allowed[wanted]], False
        resolved.append(choice)
    return resolved


def _existing_assessment(org: Organization, year: int | None) -> Assessment | None:
    if year is None:
        return None
    return db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.organization_id == org.id, Assessment.fiscal_year == year)
        .options(selectinload(Assessment.indicators))
    ).first()


def _measure_plan(result: parsed.ParseResult, measure: parsed.Measure) -> MeasurePlan:
    """The measure's fiscal year is that of its period; without a period, the year
    after the assessment's, whose bounds then stand for the period."""
    if measure.start and measure.end:
        start, end = measure.start, measure.end
        year = fiscal_year(start)
    else:
        year = result.measures_fiscal_year or 0
        start, end = fiscal_year_bounds(year) if year else (date.min, date.max)
    steps = [StepPlan(step.number, step.text, step.due) for step in measure.steps]
    return MeasurePlan(measure, year, start, end, steps)


def _existing_measures(
    org: Organization, years: Iterable[int], assessment: Assessment | None
) -> list[Measure]:
    """The measures a re-import replaces: those of its fiscal years and those
    that answer the year's assessment."""
    belongs = Measure.fiscal_year.in_(list(years))
    if assessment is not None:
        belongs = sa.or_(belongs, Measure.assessment_id == assessment.id)
    return list(
        db.session.scalars(
            sa.select(Measure)
            .where(Measure.organization_id == org.id, belongs)
            .options(selectinload(Measure.steps).selectinload(Step.divisions))
            .order_by(Measure.indicator_number, Measure.position, Measure.id)
        )
    )


def _match_existing(
    plans: list[MeasurePlan], existing: list[Measure]
) -> tuple[list[Measure], list[RemovedStep]]:
    """Pair each planned measure with an existing one of the same indicator, and
    its steps with the existing steps: same text first, then same position.

    Returns the existing measures left over and the steps that would go.
    """
    pool: dict[int, list[Measure]] = defaultdict(list)
    for measure in existing:
        pool[measure.indicator_number].append(measure)
    removed: list[Step] = []
    for plan in plans:
        candidates = pool.get(plan.parsed.indicator or 0)
        if not candidates:
            continue
        plan.existing = candidates.pop(0)
        removed.extend(_match_steps(plan.steps, list(plan.existing.steps)))
    removed_measures = [m for measures in pool.values() for m in measures]
    removed.extend(step for measure in removed_measures for step in measure.steps)
    counts = _progress_counts([step.id for step in removed])
    return removed_measures, [RemovedStep(step, counts.get(step.id, 0)) for step in removed]


def _match_steps(plans: list[StepPlan], old_steps: list[Step]) -> list[Step]:
    unmatched = list(old_steps)
    for plan in plans:
        key = without_spaces(plan.text)
        same_text = next((s for s in unmatched if without_spaces(s.text) == key), None)
        if same_text is not None:
            plan.existing = same_text
            unmatched.remove(same_text)
    for plan in plans:
        if plan.existing is None:
            same_place = next((s for s in unmatched if s.position == plan.number), None)
            if same_place is not None:
                plan.existing = same_place
                unmatched.remove(same_place)
    return unmatched


def _progress_counts(step_ids: list[int]) -> dict[int, int]:
    if not step_ids:
        return {}
    rows = db.session.execute(
        sa.select(ProgressUpdate.step_id, sa.func.count())
        .where(ProgressUpdate.step_id.in_(step_ids))
        .group_by(ProgressUpdate.step_id)
    )
    return {step_id: count for step_id, count in rows}


def _problems(plan: ImportPlan) -> list[Problem]:
    result, problems = plan.result, []
    if result.errors:
        problems.append(Problem(_l("The report has errors and cannot be imported.")))
    if result.fiscal_year is None:
        problems.append(Problem(_l(
            "The report does not say which year's ITA it reports; "
            "add the year to the document and upload it again."
        )))
    if not result.measures and not result.errors:
        problems.append(Problem(_l("The report has no measures to import.")))
    for choice in plan.divisions:
        if choice.every_division or not choice.wanted:
            continue
        if choice.wanted == NEW_DIVISION and choice.matched:
            problems.append(Problem(
                _l("A division with this name already exists; choose it instead of a new one."),
                choice.field,
            ))
        elif choice.wanted != NEW_DIVISION and choice.wanted not in {str(d.id) for d in choice.chosen}:
            problems.append(Problem(_l("Choose one of your organization's divisions."), choice.field))
    for m, measure_plan in enumerate(plan.measures):
        measure = measure_plan.parsed
        if measure.indicator not in INDICATOR_NAMES:
            problems.append(Problem(_l(
                "A measure (%(source)s) names no ITA indicator; correct the document "
                "and upload it again.", source=source_text(measure.source) or measure.title[:40],
            )))
            continue
        if not measure_plan.fiscal_year:
            continue  # without a year there is no period to check due dates against
        for s, step in enumerate(measure_plan.steps):
            if problem := due_date_problem(step.due, measure_plan):
                problems.append(Problem(problem, due_field(m, s)))
    return problems


def due_date_problem(due: date | None, measure_plan: MeasurePlan) -> object | None:
    """Why a step's due date cannot be saved, or None.

    A due date lies between the start of the measure's period and the end
    of the fiscal year after the one the period ends in: enough room to move
    a step, not enough for a mistyped year (2596 for 2569).
    """
    if due is None:
        return _l("Give the step a due date.")
    first = measure_plan.start
    last = fiscal_year_bounds(fiscal_year(measure_plan.end) + 1)[1]
    if not first <= due <= last:
        return _l(
            "The due date must fall between %(first)s and %(last)s.",
            first=format_date(first), last=format_date(last),
        )
    return None


# --- saving --------------------------------------------------------------------


def import_report(
    org: Organization,
    result: parsed.ParseResult,
    *,
    actor: User | None,
    division_choices: Mapping[str, str] | None = None,
    replace: bool = False,
    remove_reported_steps: bool = False,
    source_name: str | None = None,
) -> ImportSummary:
    """Save a reviewed report into `org`: its assessment and its measures with their steps.

    Only an administrator of `org` may import (`actor` None is the command
    line). When the year was imported before, `replace` must be given: the
    assessment is updated, steps that are still in the report are kept with
    their progress history, new ones are added and the others removed;
    removing a step that has recorded progress also needs
    `remove_reported_steps`. Everything is checked before anything is
    written; the caller commits.
    """
    if actor is not None:
        ensure_admin_of(actor, org.id)
    plan = plan_import(org, result, division_choices=division_choices)
    if plan.problems:
        problem = plan.problems[0]
        raise ValidationFailed(problem.message, field=problem.field)
    if plan.replacing and not replace:
        raise Conflict(
            _l(
                "An ITA report for fiscal year %(year)s has already been imported. "
                "Tick “Replace” to update it with this report.",
                year=result.fiscal_year,
            ),
            field=REPLACE_FIELD,
        )
    if plan.removed_with_progress and not remove_reported_steps:
        raise ValidationFailed(
            _l(
                "%(count)s steps that already have progress reports are not in this report. "
                "Tick the confirmation to delete them with their history, or keep them by "
                "importing a report that still has them.",
                count=len(plan.removed_with_progress),
            ),
            field=REMOVE_REPORTED_FIELD,
        )
    return _carry_out(plan, actor, source_name)


def _carry_out(plan: ImportPlan, actor: User | None, source_name: str | None) -> ImportSummary:
    org, result = plan.organization, plan.result
    new_divisions = [create_division(org, name, actor=actor) for name in plan.new_division_names]
    divisions_by_name = _divisions_by_name(plan, new_divisions)

    assessment, created = _save_assessment(plan, source_name)
    summary = ImportSummary(assessment, created, [], new_divisions=new_divisions)

    for removed in plan.removed_with_progress:
        record(org.id, actor, "step.delete", removed.step, text=removed.step.text,
               progress_updates=removed.progress_count, reason="import.replace")
    removed_ids = {removed.step.id for removed in plan.removed_steps}
    for measure in plan.removed_measures:
        db.session.delete(measure)
    summary.measures_removed = len(plan.removed_measures)
    summary.steps_removed = len(removed_ids)

    for position, measure_plan in enumerate(plan.measures, start=1):
        measure = _save_measure(plan, measure_plan, assessment, position)
        divisions = _unique(
            d for name in measure_plan.parsed.divisions for d in divisions_by_name.get(name, [])
        )
        measure.steps = [
            _save_step(org, measure_plan, step_plan, divisions) for step_plan in measure_plan.steps
        ]
        summary.measures.append(measure)
        summary.measures_kept += measure_plan.existing is not None
        summary.measures_created += measure_plan.existing is None
        summary.steps_kept += sum(1 for s in measure_plan.steps if s.existing is not None)
        summary.steps_created += sum(1 for s in measure_plan.steps if s.existing is None)
    db.session.flush()

    record(
        org.id, actor, "assessment.import", assessment,
        fiscal_year=assessment.fiscal_year,
        source=source_name,
        replaced=plan.replacing,
        measures_created=summary.measures_created,
        measures_kept=summary.measures_kept,
        measures_removed=summary.measures_removed,
        steps_created=summary.steps_created,
        steps_kept=summary.steps_kept,
        steps_removed=summary.steps_removed,
        new_divisions=[d.name for d in new_divisions],
    )
    db.session.flush()
    return summary


def _divisions_by_name(plan: ImportPlan, new_divisions: list[Division]) -> dict[str, list[Division]]:
    created = {division_key(d.name): d for d in new_divisions}
    by_name: dict[str, list[Division]] = {}
    for choice in plan.divisions:
        if choice.every_division:
            by_name[choice.name] = [*choice.chosen, *new_divisions]
        elif choice.create:
            by_name[choice.name] = [created[division_key(choice.name)]]
        else:
            by_name[choice.name] = list(choice.chosen)
    return by_name


def _save_assessment(plan: ImportPlan, source_name: str | None) -> tuple[Assessment, bool]:
    result = plan.result
    assessment = plan.assessment
    created = assessment is None
    if created:
        assessment = Assessment(organization_id=plan.organization.id, fiscal_year=result.fiscal_year)
        db.session.add(assessment)
    assessment.overall_score = _score(result.overall_score)
    assessment.level = result.level
    assessment.iit_score = _score(result.tools.get("IIT"))
    assessment.eit1_score = _score(result.tools.get("EIT1"))
    assessment.eit2_score = _score(result.tools.get("EIT2"))
    assessment.oit_score = _score(result.tools.get("OIT"))
    assessment.source_name = (source_name or "")[:255] or None
    saved = {indicator.number: indicator for indicator in assessment.indicators}
    for number, name in INDICATOR_NAMES.items():
        read = result.indicator(number)
        indicator = saved.get(number)
        if indicator is None:
            indicator = IndicatorScore(number=number)
            assessment.indicators.append(indicator)
        indicator.name = name
        indicator.tool = tool_of_indicator(number)
        indicator.score = _score(read.score if read else None)
        indicator.analysis = read.analysis if read else ""
    db.session.flush()
    return assessment, created


def _save_measure(
    plan: ImportPlan, measure_plan: MeasurePlan, assessment: Assessment, position: int
) -> Measure:
    measure = measure_plan.existing
    if measure is None:
        measure = Measure(organization_id=plan.organization.id)
        db.session.add(measure)
    measure.assessment_id = assessment.id
    measure.fiscal_year = measure_plan.fiscal_year
    measure.indicator_number = measure_plan.parsed.indicator
    measure.title = measure_plan.parsed.title
    measure.start_date = measure_plan.start
    measure.end_date = measure_plan.end
    measure.position = position
    return measure


def _save_step(
    org: Organization, measure_plan: MeasurePlan, step_plan: StepPlan, divisions: list[Division]
) -> Step:
    # A kept step keeps its status, percent, version and history; only what
    # the report says about it changes.
    step = step_plan.existing or Step(organization_id=org.id)
    step.position = step_plan.number
    step.text = step_plan.text
    step.due_date = step_plan.due
    step.divisions = list(divisions)
    return step


def _score(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.2f}")


def _unique(divisions: Iterable[Division]) -> list[Division]:
    return list({division.id: division for division in divisions}.values())
