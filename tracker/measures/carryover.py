"""Carrying a fiscal year's unfinished steps into the next year, each new step linked to its original."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import ensure_admin_of
from ..errors import Conflict, InvalidFields, ValidationFailed
from ..extensions import db
from ..orgs.models import Organization
from ..thai import ThaiDateError, fiscal_year_bounds, format_date_numeric, parse_date
from ..timeutil import utcnow
from .models import Assessment, Measure, Step, StepStatus
from .rules import propose_due_dates
from .status import CLOSED


class NothingToCarry(ValidationFailed):
    """The year has no measures, or no unfinished step left to carry over."""


@dataclass
class StepChoice:
    step: Step
    due_date: date  # the proposed (or chosen) due date in the new year
    carry: bool = True


@dataclass
class MeasureChoice:
    measure: Measure
    steps: list[StepChoice] = field(default_factory=list)
    successor: Measure | None = None  # already carried once (some steps): the new steps join it


@dataclass
class CarryOverPlan:
    organization: Organization
    from_year: int
    to_year: int
    measures: list[MeasureChoice]
    already_carried: int  # steps of the year carried over before

    @property
    def step_count(self) -> int:
        return sum(len(m.steps) for m in self.measures)

    @property
    def chosen_count(self) -> int:
        return sum(1 for m in self.measures for s in m.steps if s.carry)


def new_period(from_year: int) -> tuple[date, date]:
    """The new measures run over the whole next fiscal year."""
    return fiscal_year_bounds(from_year + 1)


def plan_carry_over(org: Organization, from_year: int) -> CarryOverPlan:
    """The unfinished steps of `from_year`, with due dates proposed over the next
    year by the importer's rule (step k of n at the end of the month k/n in).

    Raises `NothingToCarry` when the year has no measures, or every step is done or carried already.
    """
    measures = db.session.scalars(
        sa.select(Measure)
        .where(Measure.organization_id == org.id, Measure.fiscal_year == from_year)
        .options(selectinload(Measure.steps).selectinload(Step.divisions))
        .order_by(Measure.indicator_number, Measure.position, Measure.id)
    ).all()
    if not measures:
        raise NothingToCarry(_l("There are no measures for fiscal year %(year)s.", year=from_year))
    successors = {
        m.carried_from_id: m
        for m in db.session.scalars(
            sa.select(Measure).where(Measure.organization_id == org.id,
                                     Measure.carried_from_id.in_([m.id for m in measures]))
        )
    }
    start, end = new_period(from_year)
    choices, carried = [], 0
    for measure in measures:
        open_steps = [s for s in measure.steps if s.status not in CLOSED]
        carried += sum(1 for s in measure.steps if s.status == StepStatus.CARRIED)
        if not open_steps:
            continue
        dues = propose_due_dates(start, end, len(open_steps))
        choices.append(MeasureChoice(measure, [StepChoice(s, d) for s, d in zip(open_steps, dues)],
                                     successors.get(measure.id)))
    plan = CarryOverPlan(org, from_year, from_year + 1, choices, carried)
    if not plan.step_count:
        if carried:
            raise NothingToCarry(_l("Fiscal year %(year)s has been carried over already: no unfinished step is left.",
                                    year=from_year))
        raise NothingToCarry(_l("Every step of fiscal year %(year)s is done: there is nothing to carry over.",
                                year=from_year))
    return plan


def apply_choices(plan: CarryOverPlan, chosen: Mapping[int, object] | None) -> None:
    """Keep only the steps in `chosen` ({step id: new due date, typed or a date});
    None keeps every step with its proposed date. Bad dates raise `InvalidFields`."""
    if chosen is None:
        return
    errors: dict[str, list] = {}
    for measure in plan.measures:
        for choice in measure.steps:
            choice.carry = choice.step.id in chosen
            if not choice.carry:
                continue
            value = chosen[choice.step.id]
            if isinstance(value, date):
                choice.due_date = value
                continue
            text = str(value or "").strip()
            if not text:
                continue  # the proposed date stays
            try:
                choice.due_date = parse_date(text)
            except ThaiDateError:
                errors.setdefault(f"due_{choice.step.id}", []).append(
                    _l("Write the date as day/month/Buddhist Era year, for example %(example)s.",
                       example=format_date_numeric(choice.due_date)))
    if errors:
        raise InvalidFields(errors)
    if not plan.chosen_count:
        raise ValidationFailed(_l("Choose at least one step to carry over."))


def _assessment_for(org_id: int, year: int) -> int | None:
    return db.session.scalar(
        sa.select(Assessment.id).where(Assessment.organization_id == org_id, Assessment.fiscal_year == year - 1)
    )


def carry_over(user: User | None, plan: CarryOverPlan) -> list[Measure]:
    """Create next year's measures with the chosen steps and mark their originals
    carried over (not done, not late, no reminders). Returns the new (or joined) measures.

    `user` is None from the command line. The originals are marked with a
    compare-and-set, so two administrators carrying the same year at once
    cannot both succeed: the second is refused and nothing of it is saved.
    """
    org = plan.organization
    if user is not None:
        ensure_admin_of(user, org.id)
    start, end = new_period(plan.from_year)
    chosen = [c for m in plan.measures for c in m.steps if c.carry]
    if not chosen:
        raise ValidationFailed(_l("Choose at least one step to carry over."))
    # A savepoint, so that a refused plan leaves nothing marked: the caller may
    # show the page again from the database as it is, in the same transaction.
    savepoint = db.session.begin_nested()
    marked = db.session.execute(
        sa.update(Step)
        .where(Step.id.in_([c.step.id for c in chosen]), Step.status.not_in(list(CLOSED)))
        .values(status=StepStatus.CARRIED, version=Step.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != len(chosen):
        savepoint.rollback()
        db.session.expire_all()
        raise Conflict(_l("Some of these steps were carried over or finished meanwhile; reload the page."))
    savepoint.commit()

    last_position = db.session.scalar(
        sa.select(sa.func.max(Measure.position)).where(Measure.organization_id == org.id,
                                                       Measure.fiscal_year == plan.to_year)
    ) or 0
    result = []
    for measure_choice in plan.measures:
        steps = [c for c in measure_choice.steps if c.carry]
        if not steps:
            continue
        old = measure_choice.measure
        new = measure_choice.successor
        if new is None:
            last_position += 1
            new = Measure(organization_id=org.id, fiscal_year=plan.to_year, indicator_number=old.indicator_number,
                          title=old.title, start_date=start, end_date=end, position=last_position,
                          assessment_id=_assessment_for(org.id, plan.to_year), carried_from_id=old.id)
            db.session.add(new)
            db.session.flush()
        position = len(new.steps)
        for choice in steps:
            position += 1
            new.steps.append(Step(
                organization_id=org.id, position=position, text=choice.step.text, due_date=choice.due_date,
                divisions=list(choice.step.divisions), carried_from_id=choice.step.id,
            ))
        db.session.flush()
        record(org.id, user, "measure.carry_over", new, from_measure_id=old.id, from_year=plan.from_year,
               to_year=plan.to_year, steps=[[c.step.id, c.step.text, c.due_date] for c in steps])
        result.append(new)
    db.session.expire_all()
    return result
