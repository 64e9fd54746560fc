"""Saving a reviewed report: what is created and matched, who may do it, and what is refused (writing nothing)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.importer.test_seed import SEED_SCORES
from tracker.errors import NotFound, PermissionDenied, ValidationFailed
from tracker.extensions import db
from tracker.importer import parse_text
from tracker.importer.services import NEW_DIVISION, import_report, plan_import
from tracker.ita import INDICATOR_NAMES
from tracker.models import (
    Assessment,
    AuditEvent,
    Division,
    IndicatorScore,
    Measure,
    Role,
    Step,
    Tool,
)

TABLES = (Assessment, IndicatorScore, Measure, Step, Division, AuditEvent)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in TABLES
    }


def measures_in_order() -> list[Measure]:
    return list(db.session.scalars(sa.select(Measure).order_by(Measure.position)))


def division_names(step: Step) -> list[str]:
    return [d.name for d in step.divisions]


def test_the_seed_becomes_an_assessment_and_ten_measures(ctx, make_importing_org, seed_text):
    target = make_importing_org()
    summary = import_report(target.org, parse_text(seed_text), actor=target.admin, source_name="seed.txt")
    db.session.commit()

    assessment = db.session.scalars(sa.select(Assessment)).one()
    assert (assessment.organization_id, assessment.fiscal_year) == (target.org.id, 2568)
    assert (assessment.overall_score, assessment.level) == (Decimal("93.88"), "ผ่านดี")
    assert (assessment.iit_score, assessment.eit1_score, assessment.eit2_score, assessment.oit_score) == (
        Decimal("97.41"), Decimal("99.82"), Decimal("97.88"), Decimal("87.50"),
    )
    assert assessment.source_name == "seed.txt"
    assert [i.number for i in assessment.indicators] == list(range(1, 11))
    assert [i.score for i in assessment.indicators] == [Decimal(f"{s:.2f}") for s in SEED_SCORES]
    assert [i.tool for i in assessment.indicators] == [Tool.IIT] * 5 + [Tool.EIT] * 3 + [Tool.OIT] * 2
    assert [i.name for i in assessment.indicators] == list(INDICATOR_NAMES.values())
    assert assessment.indicators[0].analysis.startswith("จากผลคะแนนประเด็นที่ ๑")

    measures = measures_in_order()
    assert [m.indicator_number for m in measures] == list(range(1, 11))
    assert {(m.fiscal_year, m.assessment_id, m.start_date, m.end_date) for m in measures} == {
        (2569, assessment.id, date(2025, 10, 1), date(2026, 9, 30))
    }
    assert [len(m.steps) for m in measures] == [2, 2, 3, 2, 2, 2, 2, 3, 2, 2]
    assert all([s.position for s in m.steps] == list(range(1, len(m.steps) + 1)) for m in measures)
    assert [s.due_date for s in measures[2].steps] == [date(2026, 1, 31), date(2026, 5, 31), date(2026, 9, 30)]
    assert measures[2].steps[2].text.endswith("แผ่นพับประชาสัมพันธ์ของหน่วยงาน")
    assert all(s.organization_id == target.org.id for m in measures for s in m.steps)

    # The report's divisions are the organization's own: matched, not duplicated.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Division)) == 4
    assert division_names(measures[4].steps[0]) == ["สำนักปลัด", "หน่วยงานตรวจสอบภายใน"]
    assert division_names(measures[8].steps[1]) == ["สำนักปลัด", "กองคลัง"]
    assert division_names(measures[1].steps[0]) == ["กองคลัง"]
    assert measures[4].steps[0].divisions[1].id == target.divisions["หน่วยงานตรวจสอบภายใน"].id

    assert (summary.measures_created, summary.steps_created, summary.new_divisions) == (10, 22, [])
    assert summary.assessment_created
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "assessment.import")).one()
    assert (event.actor_id, event.target_id) == (target.admin.id, assessment.id)
    assert event.details["steps_created"] == 22 and event.details["replaced"] is False


def test_a_division_the_organization_lacks_is_created(ctx, make_importing_org, seed_text):
    target = make_importing_org(divisions=(("สำนักปลัด", "สป."), ("กองคลัง", "กค.")))
    plan = plan_import(target.org, parse_text(seed_text))
    assert plan.new_division_names == ["หน่วยงานตรวจสอบภายใน"]

    summary = import_report(target.org, parse_text(seed_text), actor=target.admin)
    db.session.commit()

    (created,) = summary.new_divisions
    assert created.name == "หน่วยงานตรวจสอบภายใน" and created.organization_id == target.org.id
    assert division_names(measures_in_order()[9].steps[1]) == ["สำนักปลัด", "หน่วยงานตรวจสอบภายใน"]
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["division.create", "assessment.import"]


def test_short_names_the_organization_defines_match(ctx, make_importing_org, make_report, make_measure_row):
    target = make_importing_org(divisions=(("สำนักปลัด", "สป."), ("กองคลัง", "กค.")))
    rows = [make_measure_row(n, divisions="สป./กค." if n == 1 else "สำนักปลัด") for n in INDICATOR_NAMES]
    import_report(target.org, parse_text(make_report(measure_rows=rows)), actor=target.admin)
    db.session.commit()
    assert division_names(measures_in_order()[0].steps[0]) == ["สำนักปลัด", "กองคลัง"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Division)) == 2


def test_every_division_means_every_active_division(ctx, make_importing_org, make_report, make_measure_row):
    target = make_importing_org()
    target.divisions["กองช่าง"].active = False  # archived: no new work for it
    db.session.commit()
    rows = [make_measure_row(n, divisions="ทุกกอง" if n == 1 else "สำนักปลัด") for n in range(1, 10)]
    rows.append(make_measure_row(10, divisions="กองสาธารณสุข"))
    import_report(target.org, parse_text(make_report(measure_rows=rows)), actor=target.admin)
    db.session.commit()
    assert division_names(measures_in_order()[0].steps[0]) == [
        "สำนักปลัด", "กองคลัง", "หน่วยงานตรวจสอบภายใน", "กองสาธารณสุข",
    ]


def test_the_admin_can_map_a_name_to_another_division(ctx, make_importing_org, seed_text):
    target = make_importing_org()
    works = target.divisions["กองช่าง"]
    import_report(target.org, parse_text(seed_text), actor=target.admin,
                  division_choices={"กองคลัง": str(works.id)})
    db.session.commit()
    measures = measures_in_order()
    assert division_names(measures[1].steps[0]) == ["กองช่าง"]
    assert division_names(measures[8].steps[0]) == ["สำนักปลัด", "กองช่าง"]


@pytest.mark.parametrize("choice", ["new", "other organization", "999999", "archived"])
def test_a_division_choice_that_cannot_be_used_is_refused(
    ctx, make_importing_org, make_org, make_division, seed_text, choice
):
    target = make_importing_org()
    if choice == "other organization":
        choice = str(make_division(make_org(), "กองคลัง").id)
    elif choice == "archived":
        target.divisions["กองช่าง"].active = False
        db.session.commit()
        choice = str(target.divisions["กองช่าง"].id)
    before = row_counts()
    with pytest.raises(ValidationFailed) as refused:
        import_report(target.org, parse_text(seed_text), actor=target.admin,
                      division_choices={"กองคลัง": choice})
    db.session.rollback()
    assert refused.value.field == "division_1"  # กองคลัง is the second name read
    assert row_counts() == before


def test_a_name_mapped_to_new_creates_that_division(ctx, make_importing_org, make_report, make_measure_row):
    target = make_importing_org()
    rows = [make_measure_row(n, divisions="กองสาธารณสุข" if n == 3 else "สำนักปลัด") for n in INDICATOR_NAMES]
    result = parse_text(make_report(measure_rows=rows))
    summary = import_report(target.org, result, actor=target.admin,
                            division_choices={"กองสาธารณสุข": NEW_DIVISION})
    db.session.commit()
    assert [d.name for d in summary.new_divisions] == ["กองสาธารณสุข"]
    assert division_names(measures_in_order()[2].steps[0]) == ["กองสาธารณสุข"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.DIVISION_HEAD, Role.EXECUTIVE])
def test_only_an_administrator_imports(ctx, make_importing_org, make_user, seed_text, role):
    target = make_importing_org()
    before = row_counts()
    with pytest.raises(PermissionDenied):
        import_report(target.org, parse_text(seed_text), actor=make_user(target.org, role))
    db.session.rollback()
    assert row_counts() == before


def test_another_organizations_administrator_cannot_import(ctx, make_importing_org, seed_text):
    target, other = make_importing_org(), make_importing_org()
    before = row_counts()
    with pytest.raises(NotFound):
        import_report(target.org, parse_text(seed_text), actor=other.admin)
    db.session.rollback()
    assert row_counts() == before


def test_a_result_with_errors_is_refused(ctx, make_importing_org, make_report):
    target = make_importing_org()
    before = row_counts()
    with pytest.raises(ValidationFailed):
        import_report(target.org, parse_text(make_report(measure_rows=[])), actor=target.admin)
    db.session.rollback()
    assert row_counts() == before


def test_steps_without_due_dates_are_refused_until_given(ctx, make_importing_org, make_report, make_measure_row):
    target = make_importing_org()
    rows = [make_measure_row(n, period="ตามความเหมาะสม" if n == 2 else "ปีงบประมาณ 2569")
            for n in INDICATOR_NAMES]
    result = parse_text(make_report(measure_rows=rows))
    before = row_counts()
    with pytest.raises(ValidationFailed) as refused:
        import_report(target.org, result, actor=target.admin)
    db.session.rollback()
    assert refused.value.field == "due_1_0"
    assert row_counts() == before

    result.measures[1].steps[0].due = date(2026, 3, 31)
    result.measures[1].steps[1].due = date(2026, 9, 30)
    import_report(target.org, result, actor=target.admin)
    db.session.commit()
    second = measures_in_order()[1]
    # Without a period, the measure runs over the fiscal year after the assessment.
    assert (second.start_date, second.end_date, second.fiscal_year) == (date(2025, 10, 1), date(2026, 9, 30), 2569)
    assert [s.due_date for s in second.steps] == [date(2026, 3, 31), date(2026, 9, 30)]


@pytest.mark.parametrize("due", [date(2025, 9, 30), date(2053, 9, 30)])
def test_a_due_date_far_outside_the_period_is_refused(ctx, make_importing_org, seed_text, due):
    target = make_importing_org()
    result = parse_text(seed_text)
    result.measures[3].steps[1].due = due
    with pytest.raises(ValidationFailed) as refused:
        import_report(target.org, result, actor=target.admin)
    db.session.rollback()
    assert refused.value.field == "due_3_1"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 0


def test_a_due_date_moved_into_the_next_fiscal_year_is_accepted(ctx, make_importing_org, seed_text):
    target = make_importing_org()
    result = parse_text(seed_text)
    result.measures[0].steps[1].due = date(2026, 12, 15)
    import_report(target.org, result, actor=target.admin)
    db.session.commit()
    assert measures_in_order()[0].steps[1].due_date == date(2026, 12, 15)
