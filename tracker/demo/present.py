"""Keep the demo in the present: the seed's year becomes last year, its unfinished steps carry into this one.

Whatever today's date is, the first visit shows last year's history (some
steps done) and a current fiscal year with carried-over steps, some late, some
due within 14 days and one moved deadline, so that every page and every
reminder rule has something to show. Each stage does nothing when run again.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from ..instructions.demo import add_demo_instruction
from ..measures.carryover import NothingToCarry, apply_choices, carry_over, plan_carry_over
from ..measures.editing import change_due_date
from ..measures.models import Assessment, DueDateChange, Measure, ProgressUpdate, Step
from ..measures.services import record_progress
from ..orgs.models import Organization
from ..thai import fiscal_year, fiscal_year_bounds
from .services import add_demo_progress, demo_users

MOVED_REASON = "รอผลการประชุมสภา อบต. เรื่องการโอนงบประมาณ จึงเลื่อนกำหนดเพื่อให้ดำเนินการได้ครบถ้วน"
# Where the first carried step of each measure falls, counted from today
# (negative: late), in turn; the other steps keep the proposed dates.
PLANNED_DAYS = (-24, 5, -9, 11, -16, 3)


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def move_seed_to_last_year(org: Organization, today: date) -> int:
    """Shift the imported seed (its assessment, measures and due dates) so that its
    measures run in the fiscal year before today's. Returns the shift in years.

    Only when the organization has one year of measures and no carried ones: a
    demo already in use is never rewritten.
    """
    years = db.session.scalars(
        sa.select(Measure.fiscal_year).where(Measure.organization_id == org.id).distinct()
    ).all()
    if len(years) != 1:
        return 0
    shift = fiscal_year(today) - 1 - years[0]
    if not shift:
        return 0
    for assessment in db.session.scalars(sa.select(Assessment).where(Assessment.organization_id == org.id)):
        assessment.fiscal_year += shift
    for measure in db.session.scalars(sa.select(Measure).where(Measure.organization_id == org.id)):
        measure.fiscal_year += shift
        measure.start_date = _shift_years(measure.start_date, shift)
        measure.end_date = _shift_years(measure.end_date, shift)
    for step in db.session.scalars(sa.select(Step).where(Step.organization_id == org.id)):
        step.due_date = _shift_years(step.due_date, shift)
        step.original_due_date = _shift_years(step.original_due_date, shift)
    db.session.flush()
    return shift


def _admin(org: Organization) -> User:
    return next(u for u in demo_users(org) if u.role == Role.ADMIN)


def _planned_date(index: int, today: date, year_end: date) -> date:
    """Late, or due within 14 days (never after the year's end unless today is)."""
    day = today + timedelta(days=PLANNED_DAYS[index % len(PLANNED_DAYS)])
    return min(day, max(year_end, today)) if day >= today else day


def carry_last_year_over(org: Organization, today: date) -> int:
    """Carry last year's unfinished steps into the current year, as the demo's
    administrator would, with due dates around today. Returns the steps carried."""
    last_year = fiscal_year(today) - 1
    try:
        plan = plan_carry_over(org, last_year)
    except NothingToCarry:
        return 0
    if plan.already_carried:
        return 0
    _, year_end = fiscal_year_bounds(last_year + 1)
    chosen = {c.step.id: c.due_date for m in plan.measures for c in m.steps}
    for index, measure in enumerate(plan.measures):
        chosen[measure.steps[0].step.id] = _planned_date(index, today, year_end)
    apply_choices(plan, chosen)
    carry_over(_admin(org), plan)
    return plan.chosen_count


def add_current_year_life(org: Organization, today: date) -> int:
    """Progress on some carried steps, and one deadline moved with its reason.
    Nothing when the current year already has progress or a moved deadline."""
    year = fiscal_year(today)
    steps = db.session.scalars(
        sa.select(Step).join(Step.measure)
        .where(Step.organization_id == org.id, Measure.fiscal_year == year)
        .order_by(Step.due_date, Step.id)
    ).all()
    if not steps:
        return 0
    ids = [s.id for s in steps]
    if db.session.scalar(sa.select(ProgressUpdate.id).where(ProgressUpdate.step_id.in_(ids)).limit(1)) or \
            db.session.scalar(sa.select(DueDateChange.id).where(DueDateChange.step_id.in_(ids)).limit(1)):
        return 0
    heads = {m.division_id: u for u in demo_users(org) for m in u.memberships if m.is_head and u.active}
    admin = _admin(org)
    recorded = 0
    start = min(s.measure.start_date for s in steps)
    for index, step in enumerate(steps):
        author = next((heads[d.id] for d in step.divisions if d.id in heads), None)
        if author is None:
            continue
        work_date = max(min(today - timedelta(days=2 + index), today), start - timedelta(days=30))
        if index % 3 == 1:
            record_progress(author, step, percent=40, status="in_progress",
                            note="ดำเนินการต่อจากปีงบประมาณที่แล้ว อยู่ระหว่างรวบรวมเอกสารเพื่อเสนอผู้บริหาร",
                            work_date=work_date, base_version=step.version, today=today)
            recorded += 1
    # One late step gets a new deadline, with the reason the history keeps.
    late = [s for s in steps if s.due_date < today]
    if late:
        change_due_date(late[-1], min(today + timedelta(days=10), max(fiscal_year_bounds(year)[1], today)),
                        reason=MOVED_REASON, user=admin)
    db.session.flush()
    return recorded


def bring_demo_to_present(org: Organization, today: date) -> dict[str, int]:
    """Every stage of the demo's year, in order; each does nothing when run again."""
    result = {"shift": move_seed_to_last_year(org, today)}
    _, last_year_end = fiscal_year_bounds(fiscal_year(today) - 1)
    # Last year's history, as it stood when that year ended.
    result["history"] = add_demo_progress(org, min(last_year_end, today))
    result["carried"] = carry_last_year_over(org, today)
    result["current"] = add_current_year_life(org, today)
    # An executive's instruction on a late step, with the division's answer.
    result["instruction"] = int(add_demo_instruction(org, today) is not None)
    db.session.flush()
    return result
