"""Administrators' changes to measures, steps and assessment scores, each written to the audit trail."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..auth.models import User
from ..auth.permissions import ensure_admin_of, ensure_same_org
from ..concurrency import ensure_unchanged
from ..errors import FieldErrors, InvalidFields, ValidationFailed
from ..input import ids_of, parse_whole_number
from ..extensions import db
from ..ita import (
    INDICATOR_NAMES,
    INDICATOR_NUMBERS,
    LEVELS,
    level_for_scores,
    overall_from_tools,
    tool_of_indicator,
)
from ..orgs.models import Division, Organization
from ..thai import ThaiDateError, fiscal_year_bounds, format_date_numeric, parse_date, to_arabic_digits
from .models import Assessment, DueDateChange, IndicatorScore, Measure, ProgressUpdate, Step

FIRST_YEAR, LAST_YEAR = 2550, 2700  # Buddhist Era fiscal years we accept
# A step may be due a little outside its measure's period, not years away.
DUE_DATE_SLACK = timedelta(days=366)
MAX_TITLE = 2000
MAX_STEP_TEXT = 2000
MAX_REASON = 1000


class DueDateNeedsConfirmation(InvalidFields):
    """The new due date falls outside the measure's period or its fiscal year:
    saved only once the administrator confirms it."""


_Errors = FieldErrors


def _text(value: object) -> str:
    return str(value or "").strip()


def _date(value: object, field: str, errors: _Errors, *, missing) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        errors.add(field, missing)
        return None
    try:
        return parse_date(text)
    except ThaiDateError:
        errors.add(field, _l("Write the date as day/month/Buddhist Era year, for example 30/09/2569."))
        return None


def _fiscal_year(value: object, errors: _Errors) -> int | None:
    if not _text(value):
        errors.add("fiscal_year", _l("Please give the fiscal year."))
        return None
    year = parse_whole_number(_text(value), minimum=FIRST_YEAR, maximum=LAST_YEAR)
    if year is None:
        errors.add("fiscal_year", _l("Give the fiscal year in Buddhist Era, for example 2569."))
    return year


def _indicator(value: object, errors: _Errors) -> int | None:
    number = parse_whole_number(_text(value), minimum=1, maximum=10)
    if number is None:
        errors.add("indicator_number", _l("Choose one of the ten ITA indicators."))
    return number


# --- measures ---------------------------------------------------------------------

def _measure_fields(*, fiscal_year, indicator_number, title, start_date, end_date) -> dict:
    errors = _Errors()
    year = _fiscal_year(fiscal_year, errors)
    number = _indicator(indicator_number, errors)
    text = _text(title)
    if not text:
        errors.add("title", _l("Please give the project or activity."))
    elif len(text) > MAX_TITLE:
        errors.add("title", _l("The text is too long (at most %(count)d characters).", count=MAX_TITLE))
    start = _date(start_date, "start_date", errors, missing=_l("Please give the first day of the period."))
    end = _date(end_date, "end_date", errors, missing=_l("Please give the last day of the period."))
    if start and end and end < start:
        errors.add("end_date", _l("The period ends before it starts."))
    elif start and end and year:
        first, last = fiscal_year_bounds(year)
        if end < first or start > last:
            errors.add("start_date", _l("The period must fall, at least partly, in fiscal year %(year)s "
                                        "(%(first)s to %(last)s).", year=year,
                                        first=format_date_numeric(first), last=format_date_numeric(last)))
    errors.raise_any()
    return dict(fiscal_year=year, indicator_number=number, title=text, start_date=start, end_date=end)


def _answered_assessment(organization_id: int, fiscal_year: int) -> int | None:
    """The assessment a measure of `fiscal_year` answers: the previous year's."""
    return db.session.scalar(
        sa.select(Assessment.id).where(
            Assessment.organization_id == organization_id, Assessment.fiscal_year == fiscal_year - 1
        )
    )


def create_measure(
    user: User, org: Organization, *, fiscal_year, indicator_number, title, start_date, end_date
) -> Measure:
    """Add a measure by hand (the importer adds them from the report)."""
    ensure_admin_of(user, org.id)
    fields = _measure_fields(fiscal_year=fiscal_year, indicator_number=indicator_number, title=title,
                             start_date=start_date, end_date=end_date)
    last = db.session.scalar(
        sa.select(sa.func.max(Measure.position)).where(
            Measure.organization_id == org.id, Measure.fiscal_year == fields["fiscal_year"]
        )
    )
    measure = Measure(
        organization_id=org.id,
        assessment_id=_answered_assessment(org.id, fields["fiscal_year"]),
        position=(last or 0) + 1,
        **fields,
    )
    db.session.add(measure)
    db.session.flush()
    record(org.id, user, "measure.create", measure, **{k: v for k, v in fields.items()})
    return measure


def measure_edit_values(measure: Measure) -> dict:
    """What the measure's edit form changes (its edit token is computed from these)."""
    return dict(fiscal_year=measure.fiscal_year, indicator_number=measure.indicator_number, title=measure.title,
                start_date=measure.start_date, end_date=measure.end_date)


def update_measure(user: User, measure: Measure, *, fiscal_year, indicator_number, title, start_date, end_date,
                   base_token: str | None) -> dict:
    """Correct a measure's year, indicator, text or period.

    `base_token` is the measure's edit token when the form was opened: if the
    measure changed since, `EditConflict` is raised and nothing is saved. The
    web always passes it; None (command line, internal callers) skips the check.
    """
    ensure_admin_of(user, measure.organization_id)
    ensure_unchanged(measure, base_token, measure_edit_values)
    fields = _measure_fields(fiscal_year=fiscal_year, indicator_number=indicator_number, title=title,
                             start_date=start_date, end_date=end_date)
    changes = apply_changes(measure, fields)
    if "fiscal_year" in changes:
        measure.assessment_id = _answered_assessment(measure.organization_id, measure.fiscal_year)
    if changes:
        record(measure.organization_id, user, "measure.update", measure, changes=changes)
        db.session.flush()
    return changes


def progress_count(step_ids: Iterable[int]) -> int:
    ids = list(step_ids)
    if not ids:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ProgressUpdate).where(ProgressUpdate.step_id.in_(ids))
    )


def remove_measure(user: User, measure: Measure) -> None:
    """Remove a measure entered by mistake; refused once any of its steps has progress."""
    ensure_admin_of(user, measure.organization_id)
    recorded = progress_count(s.id for s in measure.steps)
    if recorded:
        raise ValidationFailed(_l(
            "This measure already has %(count)d progress update(s). Its history is evidence for the next "
            "assessment, so it cannot be removed; correct its text or period instead.", count=recorded))
    record(measure.organization_id, user, "measure.remove", measure, title=measure.title,
           fiscal_year=measure.fiscal_year, indicator_number=measure.indicator_number,
           steps=[s.text for s in measure.steps])
    db.session.delete(measure)
    db.session.flush()


# --- steps ------------------------------------------------------------------------

def _divisions(organization_id: int, division_ids: Iterable[object], errors: _Errors,
               keep: Iterable[Division] = ()) -> list[Division]:
    """The chosen divisions of the organization; archived ones only if already assigned."""
    division_ids = list(division_ids or ())
    wanted = ids_of(division_ids)
    kept = {d.id for d in keep}
    found = db.session.scalars(
        sa.select(Division)
        .where(Division.organization_id == organization_id, Division.id.in_(wanted))
        .order_by(Division.position, Division.id)
    ).all() if wanted else []
    allowed = [d for d in found if d.active or d.id in kept]
    if not division_ids:
        errors.add("divisions", _l("Choose at least one responsible division."))
    elif not allowed or len(allowed) != len(wanted) or len(wanted) != len(list(division_ids)):
        errors.add("divisions", _l("Choose divisions of your organization that are in use."))
    return allowed


def _step_fields(measure: Measure, *, text, due_date, division_ids, keep=()) -> dict:
    errors = _Errors()
    body = _text(text)
    if not body:
        errors.add("text", _l("Please describe the step."))
    elif len(body) > MAX_STEP_TEXT:
        errors.add("text", _l("The text is too long (at most %(count)d characters).", count=MAX_STEP_TEXT))
    due = _date(due_date, "due_date", errors, missing=_l("Please give the due date."))
    if due and not measure.start_date - DUE_DATE_SLACK <= due <= measure.end_date + DUE_DATE_SLACK:
        errors.add("due_date", _l("The due date is far outside the measure's period (%(start)s to %(end)s).",
                                  start=format_date_numeric(measure.start_date),
                                  end=format_date_numeric(measure.end_date)))
    divisions = _divisions(measure.organization_id, division_ids, errors, keep)
    errors.raise_any()
    return dict(text=body, due_date=due, divisions=divisions)


def _renumber(measure: Measure) -> None:
    """Keep step numbers contiguous from 1 in their current order."""
    for number, step in enumerate(sorted(measure.steps, key=lambda s: (s.position, s.id)), start=1):
        step.position = number


def add_step(user: User, measure: Measure, *, text, due_date, division_ids) -> Step:
    """Add a step at the end of the measure."""
    ensure_admin_of(user, measure.organization_id)
    fields = _step_fields(measure, text=text, due_date=due_date, division_ids=division_ids)
    _renumber(measure)
    step = Step(
        organization_id=measure.organization_id,
        position=len(measure.steps) + 1,
        text=fields["text"],
        due_date=fields["due_date"],
        divisions=fields["divisions"],
    )
    measure.steps.append(step)
    db.session.flush()
    record(measure.organization_id, user, "step.create", step, measure_id=measure.id, number=step.position,
           text=step.text, due_date=step.due_date, divisions=[d.name for d in step.divisions])
    return step


def step_edit_values(step: Step) -> dict:
    """What the step's edit form changes: not its progress or position, so that
    an update recorded meanwhile leaves an administrator's open form valid."""
    return dict(text=step.text, due_date=step.due_date, divisions=sorted(d.id for d in step.divisions))


def due_date_warning(measure: Measure, due: date):
    """Why a due date deserves a second look (outside the measure's period or its
    fiscal year), or None."""
    first, last = fiscal_year_bounds(measure.fiscal_year)
    if not first <= due <= last:
        return _l("%(date)s is outside fiscal year %(year)s (%(first)s to %(last)s).",
                  date=format_date_numeric(due), year=measure.fiscal_year,
                  first=format_date_numeric(first), last=format_date_numeric(last))
    if not measure.start_date <= due <= measure.end_date:
        return _l("%(date)s is outside the measure's period (%(start)s to %(end)s).",
                  date=format_date_numeric(due), start=format_date_numeric(measure.start_date),
                  end=format_date_numeric(measure.end_date))
    return None


def clean_reason(value: object, errors: _Errors, field: str = "due_date_reason") -> str | None:
    text = _text(value)
    if not text:
        errors.add(field, _l("Please say why the due date changes; the history keeps the reason."))
        return None
    if len(text) > MAX_REASON:
        errors.add(field, _l("The text is too long (at most %(count)d characters).", count=MAX_REASON))
        return None
    return text


def change_due_date(step: Step, new_date: date, *, reason: str, user: User | None) -> DueDateChange | None:
    """Move `step`'s due date, keeping the old one, the reason, who and when in
    the append-only history (the callers have checked the reason and permission)."""
    if new_date == step.due_date:
        return None
    change = DueDateChange(organization_id=step.organization_id, step=step, old_date=step.due_date,
                           new_date=new_date, reason=reason, changed_by_id=user.id if user else None)
    db.session.add(change)
    record(step.organization_id, user, "step.due_date", step, measure_id=step.measure_id, number=step.position,
           old_date=step.due_date, new_date=new_date, reason=reason)
    step.due_date = new_date
    return change


def update_step(user: User, step: Step, *, text, due_date, division_ids, base_token: str | None,
                due_date_reason: object = None, confirm_due_date: bool = False) -> dict:
    """Change a step's text, due date or divisions (its progress stays as it is).

    A new due date needs `due_date_reason`, kept with the old date in the step's
    deadline history; one outside the measure's period or fiscal year also needs
    `confirm_due_date` (else `DueDateNeedsConfirmation`, nothing saved).
    `base_token` is the step's edit token when the form was opened: if those
    fields changed since, `EditConflict` is raised and nothing is saved. The
    web always passes it; None (command line, internal callers) skips the check.
    """
    ensure_admin_of(user, step.organization_id)
    ensure_unchanged(step, base_token, step_edit_values)
    fields = _step_fields(step.measure, text=text, due_date=due_date, division_ids=division_ids,
                          keep=step.divisions)
    reason = None
    if fields["due_date"] != step.due_date:
        errors = _Errors()
        reason = clean_reason(due_date_reason, errors)
        errors.raise_any()
        warning = due_date_warning(step.measure, fields["due_date"])
        if warning and not confirm_due_date:
            raise DueDateNeedsConfirmation({"due_date": [warning]})
    old_due = step.due_date
    changes = apply_changes(step, dict(text=fields["text"]))
    if reason is not None:
        change_due_date(step, fields["due_date"], reason=reason, user=user)
        changes["due_date"] = [old_due, step.due_date]
    old_divisions = [d.name for d in step.divisions]
    new_divisions = [d.name for d in fields["divisions"]]
    if {d.id for d in step.divisions} != {d.id for d in fields["divisions"]}:
        step.divisions = fields["divisions"]
        changes["divisions"] = [old_divisions, new_divisions]
    other = {k: v for k, v in changes.items() if k != "due_date"}  # the move has its own event
    if other:
        record(step.organization_id, user, "step.update", step, measure_id=step.measure_id,
               number=step.position, changes=other)
    db.session.flush()
    return changes


def move_step(user: User, step: Step, offset: int) -> bool:
    """Move a step up (-1) or down (+1) among its measure's steps; False at either end."""
    ensure_admin_of(user, step.organization_id)
    measure = step.measure
    _renumber(measure)
    ordered = sorted(measure.steps, key=lambda s: s.position)
    index = ordered.index(step)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        return False
    other = ordered[target]
    old = step.position
    step.position, other.position = other.position, step.position
    record(step.organization_id, user, "step.move", step, measure_id=measure.id, text=step.text,
           changes={"position": [old, step.position]})
    db.session.flush()
    return True


def remove_step(user: User, step: Step) -> None:
    """Remove a step that has no progress; a step with history is refused, since
    its updates and evidence are what the next ITA asks to see."""
    ensure_admin_of(user, step.organization_id)
    recorded = progress_count([step.id])
    if recorded:
        raise ValidationFailed(_l(
            "This step already has %(count)d progress update(s). Its history is evidence for the next "
            "assessment, so it cannot be removed; change its text, due date or divisions instead.",
            count=recorded))
    measure = step.measure
    record(step.organization_id, user, "step.remove", step, measure_id=measure.id, number=step.position,
           text=step.text, due_date=step.due_date, divisions=[d.name for d in step.divisions])
    measure.steps.remove(step)
    db.session.delete(step)
    _renumber(measure)
    db.session.flush()


def _shortened(text: str | None, length: int = 80) -> str | None:
    if text is None or len(text) <= length:
        return text
    return text[: length - 1] + "…"


# --- assessment scores --------------------------------------------------------------

def _score(value: object, field: str, errors: _Errors) -> Decimal | None:
    text = to_arabic_digits(_text(value)).replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= 100:
        errors.add(field, _l("Give a score from 0 to 100, for example 87.45."))
        return None
    return number.quantize(Decimal("0.01"))


def assessment_edit_values(assessment: Assessment) -> dict:
    """What the scores form changes: the year, the tool scores, the level and each indicator's score and analysis."""
    return dict(
        fiscal_year=assessment.fiscal_year, overall_score=assessment.overall_score, level=assessment.level,
        iit_score=assessment.iit_score, eit1_score=assessment.eit1_score, eit2_score=assessment.eit2_score,
        oit_score=assessment.oit_score,
        indicators=sorted([line.number, line.score, line.analysis] for line in assessment.indicators),
    )


def save_assessment(
    user: User,
    org: Organization,
    *,
    assessment: Assessment | None = None,
    base_token: str | None = None,
    fiscal_year,
    overall_score=None,
    level=None,
    iit_score=None,
    eit1_score=None,
    eit2_score=None,
    oit_score=None,
    indicator_scores: Mapping[int, object] | None = None,
    analyses: Mapping[int, object] | None = None,
) -> Assessment:
    """Enter an assessment's scores by hand, or correct them (earlier years feed the trend chart).

    The overall score and the level are computed from the tools when left
    blank and all four tool scores are given. When correcting `assessment`,
    `base_token` is its edit token when the form was opened: if it changed
    since, `EditConflict` is raised and nothing is saved. The web always
    passes it; None (command line, internal callers) skips the check.
    """
    ensure_admin_of(user, org.id)
    if assessment is not None:
        ensure_same_org(user, assessment.organization_id)
        ensure_unchanged(assessment, base_token, assessment_edit_values)
    errors = _Errors()
    year = _fiscal_year(fiscal_year, errors)
    tools = {name: _score(value, name, errors) for name, value in (
        ("iit_score", iit_score), ("eit1_score", eit1_score), ("eit2_score", eit2_score), ("oit_score", oit_score))}
    overall = _score(overall_score, "overall_score", errors)
    chosen_level = _text(level) or None
    if chosen_level and chosen_level not in LEVELS:
        errors.add("level", _l("Choose one of the levels of the ITA."))
    indicators = {n: _score((indicator_scores or {}).get(n), f"indicator_{n}", errors) for n in INDICATOR_NUMBERS}
    if year is not None:
        taken = db.session.scalar(sa.select(Assessment.id).where(
            Assessment.organization_id == org.id, Assessment.fiscal_year == year))
        if taken and (assessment is None or taken != assessment.id):
            errors.add("fiscal_year", _l("Scores for this fiscal year are already recorded; correct them there."))
    errors.raise_any()

    if all(v is not None for v in tools.values()):
        iit, eit1, eit2, oit = (float(tools[k]) for k in ("iit_score", "eit1_score", "eit2_score", "oit_score"))
        if overall is None:
            overall = Decimal(str(round(overall_from_tools(iit, eit1, eit2, oit), 2)))
        if chosen_level is None:
            chosen_level = level_for_scores(float(overall), iit, (eit1 + eit2) / 2, oit)

    values = dict(fiscal_year=year, overall_score=overall, level=chosen_level, **tools)
    created = assessment is None
    if created:
        assessment = Assessment(organization_id=org.id, source_name=None, **values)
        db.session.add(assessment)
        changes = {k: [None, v] for k, v in values.items() if v is not None}
    else:
        changes = apply_changes(assessment, values)
    for number in INDICATOR_NUMBERS:
        line = assessment.indicator(number)
        if line is None:
            line = IndicatorScore(number=number, name=INDICATOR_NAMES[number],
                                  tool=tool_of_indicator(number), analysis="")
            assessment.indicators.append(line)
        new_values = {"score": indicators[number]}
        if analyses is not None and number in analyses:
            new_values["analysis"] = _text(analyses[number])
        for name, (old, new) in apply_changes(line, new_values).items():
            if name == "analysis":  # long text: enough of it to recognise in the audit log
                old, new = _shortened(old), _shortened(new)
            changes[f"indicator_{number}_{name}"] = [old, new]
    db.session.flush()
    if created or changes:
        record(org.id, user, "assessment.create" if created else "assessment.update", assessment,
               fiscal_year=assessment.fiscal_year, changes=changes)
        db.session.flush()
    return assessment
