"""Importing a year again replaces it: kept steps keep their progress, nothing is lost without saying so."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker.errors import Conflict, ValidationFailed
from tracker.extensions import db
from tracker.importer import parse_text
from tracker.importer.services import import_report, keep_current_due_dates, plan_import
from tracker.ita import INDICATOR_NAMES
from tracker.models import Assessment, AuditEvent, Measure, ProgressUpdate, Step
from tests.helpers import count


@pytest.fixture
def report(make_report, make_measure_row):
    """`report(steps={indicator: "1. ... 2. ..."}, scores=..., without=(...))`: the small
    report, each measure with the steps "1. จัดทำแผน 2. รายงานผล" unless given."""

    def make(steps=None, without=(), **kwargs):
        steps = steps or {}
        rows = [
            make_measure_row(n, **({"steps": steps[n]} if n in steps else {}))
            for n in INDICATOR_NAMES if n not in without
        ]
        return parse_text(make_report(measure_rows=rows, **kwargs))

    return make


@pytest.fixture
def imported(ctx, make_importing_org, report):
    """An organization whose FY 2568 report was imported once."""
    target = make_importing_org()
    import_report(target.org, report(), actor=target.admin)
    db.session.commit()
    return target


def steps_of(indicator: int) -> list[Step]:
    measure = db.session.scalars(sa.select(Measure).where(Measure.indicator_number == indicator)).one()
    return list(measure.steps)


def history() -> list[tuple]:
    """Every progress update as it is stored, to prove none was edited."""
    return db.session.execute(
        sa.select(ProgressUpdate.id, ProgressUpdate.step_id, ProgressUpdate.percent,
                  ProgressUpdate.status, ProgressUpdate.note, ProgressUpdate.created_at)
        .order_by(ProgressUpdate.id)
    ).all()


def test_the_same_year_again_is_refused_without_replace(imported, report):
    plan = plan_import(imported.org, report())
    assert plan.replacing and plan.assessment is not None
    assert plan.existing_measure_count == 10
    events = count(AuditEvent)
    with pytest.raises(Conflict) as refused:
        import_report(imported.org, report(), actor=imported.admin)
    db.session.rollback()
    assert refused.value.field == "replace"
    assert (count(Assessment), count(Measure), count(Step), count(AuditEvent)) == (1, 10, 20, events)


def test_replacing_keeps_steps_with_their_progress_and_adds_new_ones(imported, report, make_progress):
    first, last = steps_of(1)
    make_progress(first, imported.admin, 60, note="ร่างแผนแล้ว")
    make_progress(last, imported.admin, 10)
    before = history()

    scores = {n: "90.00" for n in INDICATOR_NAMES}
    scores[1] = "95.00"
    new = report(steps={1: "1. จัดทำแผน 2. ประชุมชี้แจง 3. รายงานผล"}, scores=scores)
    plan = plan_import(imported.org, new)
    assert [s.existing.id if s.existing else None for s in plan.measures[0].steps] == [first.id, None, last.id]
    assert plan.removed_steps == [] and plan.kept_step_count == 20

    summary = import_report(imported.org, new, actor=imported.admin, replace=True)
    db.session.commit()

    kept_first, added, kept_last = steps_of(1)
    assert (kept_first.id, kept_first.position, kept_first.percent) == (first.id, 1, 60)
    assert (added.text, added.position, added.percent) == ("ประชุมชี้แจง", 2, 0)
    assert (kept_last.id, kept_last.position, kept_last.text) == (last.id, 3, "รายงานผล")
    assert history() == before  # the history is untouched
    assert count(Assessment) == 1
    assessment = db.session.scalars(sa.select(Assessment)).one()
    assert assessment.indicator(1).score == Decimal("95.00")
    assert (summary.assessment_created, summary.steps_kept, summary.steps_created) == (False, 20, 1)
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "assessment.import").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["replaced"] is True and event.details["steps_kept"] == 20


def test_a_step_whose_text_changed_is_kept_by_its_position(imported, report, make_progress):
    first, _ = steps_of(2)
    make_progress(first, imported.admin, 40)
    new = report(steps={2: "1. จัดทำแผนการใช้จ่ายงบประมาณ 2. รายงานผล"})
    plan = plan_import(imported.org, new)
    assert plan.measures[1].steps[0].existing.id == first.id
    assert plan.measures[1].steps[0].text_changed
    import_report(imported.org, new, actor=imported.admin, replace=True)
    db.session.commit()
    kept = steps_of(2)[0]
    assert (kept.id, kept.text, kept.percent) == (first.id, "จัดทำแผนการใช้จ่ายงบประมาณ", 40)


def test_a_step_without_progress_that_left_the_report_is_removed(imported, report):
    _, gone = steps_of(3)
    new = report(steps={3: "1. จัดทำแผน"})
    plan = plan_import(imported.org, new)
    assert [r.step.id for r in plan.removed_steps] == [gone.id]
    assert plan.removed_with_progress == []
    summary = import_report(imported.org, new, actor=imported.admin, replace=True)
    db.session.commit()
    assert [s.text for s in steps_of(3)] == ["จัดทำแผน"]
    assert db.session.get(Step, gone.id) is None
    assert summary.steps_removed == 1


def test_removing_a_step_with_progress_needs_the_admins_confirmation(imported, report, make_progress):
    _, reported = steps_of(3)
    make_progress(reported, imported.admin, 30, note="รายงานรอบแรก")
    kept = steps_of(1)[0]
    make_progress(kept, imported.admin, 50)
    new = report(steps={3: "1. จัดทำแผน"})

    plan = plan_import(imported.org, new)
    assert [(r.step.text, r.progress_count) for r in plan.removed_with_progress] == [("รายงานผล", 1)]
    before = history()
    with pytest.raises(ValidationFailed) as refused:
        import_report(imported.org, new, actor=imported.admin, replace=True)
    db.session.rollback()
    assert refused.value.field == "remove_reported"
    assert "1" in str(refused.value.message)
    assert history() == before and db.session.get(Step, reported.id) is not None

    import_report(imported.org, new, actor=imported.admin, replace=True, remove_reported_steps=True)
    db.session.commit()
    assert db.session.get(Step, reported.id) is None
    remaining = history()
    assert [row.step_id for row in remaining] == [kept.id]  # only the deleted step's report went
    assert remaining == [row for row in before if row.step_id == kept.id]
    deleted = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "step.delete")).one()
    assert (deleted.target_id, deleted.details["text"], deleted.details["progress_updates"]) == (
        reported.id, "รายงานผล", 1,
    )


def test_a_measure_that_left_the_report_is_removed_with_its_steps(imported, report, make_progress):
    gone = steps_of(4)
    make_progress(gone[0], imported.admin, 20)
    new = report(without=(4,))
    plan = plan_import(imported.org, new)
    assert [m.indicator_number for m in plan.removed_measures] == [4]
    assert {r.step.id for r in plan.removed_with_progress} == {gone[0].id}
    with pytest.raises(ValidationFailed):
        import_report(imported.org, new, actor=imported.admin, replace=True)
    db.session.rollback()
    summary = import_report(imported.org, new, actor=imported.admin, replace=True, remove_reported_steps=True)
    db.session.commit()
    assert sorted(db.session.scalars(sa.select(Measure.indicator_number))) == [1, 2, 3, 5, 6, 7, 8, 9, 10]
    assert (summary.measures_removed, summary.steps_removed) == (1, 2)
    assert count(ProgressUpdate) == 0


def test_kept_steps_keep_the_due_dates_people_work_to(imported, report):
    step = steps_of(5)[0]
    step.due_date = date(2026, 1, 15)  # moved by the admin after the first import
    db.session.commit()
    new = report()
    plan = plan_import(imported.org, new)
    keep_current_due_dates(plan)
    assert new.measures[4].steps[0].due == date(2026, 1, 15)
    import_report(imported.org, new, actor=imported.admin, replace=True)
    db.session.commit()
    assert steps_of(5)[0].due_date == date(2026, 1, 15)


def test_another_year_is_not_a_replacement(imported, make_report, make_measure_row):
    rows = [make_measure_row(n, period="ปีงบประมาณ 2570") for n in INDICATOR_NAMES]
    next_year = parse_text(make_report(year="2569", measure_rows=rows))
    assert not plan_import(imported.org, next_year).replacing
    import_report(imported.org, next_year, actor=imported.admin)
    db.session.commit()
    assert sorted(db.session.scalars(sa.select(Assessment.fiscal_year))) == [2568, 2569]
    assert count(Measure) == 20


def test_planning_runs_a_fixed_number_of_queries(imported, report, make_report, make_measure_row,
                                                 count_queries):
    """However many measures and steps a year has, planning its replacement reads
    the divisions, the assessment, the measures with their steps and divisions,
    and the progress of the steps that would go."""
    assert imported.org.id  # loaded before counting
    small = report(steps={1: "1. จัดทำแผน"}, without=(2, 3))
    with count_queries() as few:
        plan = plan_import(imported.org, small)
    assert (len(plan.removed_steps), plan.step_count) == (5, 15)
    rows = [make_measure_row(n, steps=" ".join(f"{k}. ขั้นตอนที่ {k}" for k in range(1, 9)))
            for n in INDICATOR_NAMES if n != 10]
    large = parse_text(make_report(measure_rows=rows))
    with count_queries() as many:
        plan = plan_import(imported.org, large)
    assert (len(plan.removed_steps), plan.step_count) == (2, 72)
    assert many.count == few.count <= 7
