"""Administrators edit measures, steps and assessment scores; every change is audited, no change is overwritten."""
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker.concurrency import EditConflict, edit_token
from tracker.errors import InvalidFields, NotFound, PermissionDenied, ValidationFailed
from tracker.extensions import db
from tracker.measures import editing
from tracker.measures.services import record_progress
from tracker.models import Assessment, AuditEvent, Measure, Role, Step

from tests.helpers import TODAY
from tests.helpers import actions


def commit(result=None):
    db.session.commit()
    return result


def test_admin_adds_a_measure_by_hand(office, make_assessment):
    assessment = make_assessment(office.org, 2568)
    measure = commit(editing.create_measure(
        office.admin, office.org, fiscal_year="๒๕๖๙", indicator_number="4", title="  มาตรการการใช้ทรัพย์สิน ",
        start_date="1/10/2568", end_date="30 ก.ย. 2569"))
    assert (measure.fiscal_year, measure.indicator_number, measure.title) == (2569, 4, "มาตรการการใช้ทรัพย์สิน")
    assert (measure.start_date, measure.end_date) == (date(2025, 10, 1), date(2026, 9, 30))
    assert measure.assessment_id == assessment.id  # it answers the previous year's assessment
    assert actions() == ["measure.create"]


def test_measure_input_is_checked_field_by_field(office):
    with pytest.raises(InvalidFields) as caught:
        editing.create_measure(office.admin, office.org, fiscal_year="69", indicator_number="11", title="",
                               start_date="30/09/2569", end_date="1/10/2568")
    assert set(caught.value.errors) == {"fiscal_year", "indicator_number", "title", "end_date"}
    with pytest.raises(InvalidFields) as caught:
        editing.create_measure(office.admin, office.org, fiscal_year="2569", indicator_number="1", title="ก",
                               start_date="1/10/2560", end_date="30/09/2561")
    assert set(caught.value.errors) == {"start_date"}  # not in the fiscal year at all


@pytest.mark.parametrize("who", ["executive", "head", "staff"])
def test_only_admins_edit(office, who):
    user = getattr(office, who)
    with pytest.raises(PermissionDenied):
        editing.add_step(user, office.measure, text="ก", due_date=TODAY, division_ids=[office.palad.id])
    with pytest.raises(PermissionDenied):
        editing.update_measure(user, office.measure, fiscal_year=2569, indicator_number=9, title="x",
                               start_date=date(2025, 10, 1), end_date=date(2026, 9, 30), base_token=None)


def test_an_admin_of_another_organization_gets_not_found(office, make_org, make_user):
    with pytest.raises(NotFound):
        editing.remove_step(make_user(make_org(), "admin"), office.finance_step)


def test_update_measure_records_what_changed(office):
    changes = commit(editing.update_measure(
        office.admin, office.measure, fiscal_year=2569, indicator_number=9, title="ชื่อใหม่",
        start_date=office.measure.start_date, end_date=office.measure.end_date, base_token=None))
    assert changes == {"title": ["เผยแพร่แผนการดำเนินงาน", "ชื่อใหม่"]}
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.details["changes"]["title"][1] == "ชื่อใหม่"


def test_add_edit_and_reorder_steps(office):
    step = commit(editing.add_step(office.admin, office.measure, text="สรุปผล", due_date="30/09/2569",
                                   division_ids=[str(office.finance.id)]))
    assert step.position == 4 and [d.name for d in step.divisions] == ["กองคลัง"]
    changes = commit(editing.update_step(office.admin, step, text="สรุปผลการดำเนินงาน", due_date="31/08/2569",
                                         division_ids=[office.palad.id, office.finance.id], base_token=None))
    assert set(changes) == {"text", "due_date", "divisions"}
    assert commit(editing.move_step(office.admin, step, -1))
    db.session.expire_all()
    texts = [s.text for s in sorted(office.measure.steps, key=lambda s: s.position)]
    assert texts[2:] == ["สรุปผลการดำเนินงาน", "รายงานผลการใช้จ่าย"]
    assert [s.position for s in office.measure.steps] == [1, 2, 3, 4]
    first = min(office.measure.steps, key=lambda s: s.position)
    assert editing.move_step(office.admin, first, -1) is False
    assert actions() == ["step.create", "step.update", "step.move"]


def test_step_input_is_checked(office, make_division):
    archived = make_division(office.org, "กองเก่า")
    archived.active = False
    db.session.commit()
    with pytest.raises(InvalidFields) as caught:
        editing.add_step(office.admin, office.measure, text=" ", due_date="1/1/2580", division_ids=[archived.id])
    assert set(caught.value.errors) == {"text", "due_date", "divisions"}
    with pytest.raises(InvalidFields) as caught:
        editing.add_step(office.admin, office.measure, text="ก", due_date=TODAY, division_ids=[])
    assert set(caught.value.errors) == {"divisions"}


def test_removing_a_step_renumbers_the_rest(office):
    editing.remove_step(office.admin, office.measure.steps[0])
    db.session.commit()
    db.session.expire_all()
    assert [(s.position, s.text) for s in office.measure.steps] == [(1, "เผยแพร่แผนทางเว็บไซต์"), (2, "รายงานผลการใช้จ่าย")]
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.action == "step.remove" and event.details["text"] == "จัดทำแผนการดำเนินงาน"


def test_a_step_with_history_is_not_removed(office, make_progress):
    make_progress(office.late_step, office.head, 50)
    with pytest.raises(ValidationFailed) as caught:
        editing.remove_step(office.admin, office.late_step)
    assert "1" in str(caught.value.message)
    with pytest.raises(ValidationFailed):
        editing.remove_measure(office.admin, office.measure)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Step)) == 3
    assert actions() == []


def test_a_measure_without_history_can_be_removed(office):
    editing.remove_measure(office.admin, office.measure)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Step)) == 0
    assert actions() == ["measure.remove"]


def test_enter_an_earlier_years_scores(office):
    assessment = commit(editing.save_assessment(
        office.admin, office.org, fiscal_year="2566", iit_score="90", eit1_score="80", eit2_score="84",
        oit_score="70,5", indicator_scores={1: "91.25", 9: "๖๕"}))
    # Blank overall and level are computed: 0.3*90 + 0.3*82 + 0.4*70.5
    assert assessment.overall_score == Decimal("79.80")
    assert assessment.level == "ต้องปรับปรุง"
    assert assessment.indicator(1).score == Decimal("91.25") and assessment.indicator(9).score == Decimal("65.00")
    assert assessment.indicator(2).score is None and assessment.indicator(2).name == "การใช้งบประมาณ"
    assert len(assessment.indicators) == 10
    assert actions() == ["assessment.create"]


def test_correct_scores_and_refuse_duplicates(office, make_assessment):
    existing = make_assessment(office.org, 2568)
    with pytest.raises(InvalidFields) as caught:
        editing.save_assessment(office.admin, office.org, fiscal_year=2568, oit_score="101")
    assert set(caught.value.errors) == {"fiscal_year", "oit_score"}
    db.session.rollback()
    commit(editing.save_assessment(office.admin, office.org, assessment=existing, fiscal_year=2568,
                                   overall_score="88.10", level="ผ่านดี", iit_score="90", eit1_score="90",
                                   eit2_score="90", oit_score="85", indicator_scores={n: "90" for n in range(1, 11)} | {9: "80"},
                                   analyses={9: "ควรเผยแพร่ข้อมูลให้ครบ"}))
    assert existing.overall_score == Decimal("88.10") and existing.indicator(9).score == Decimal("80.00")
    assert existing.indicator(9).analysis == "ควรเผยแพร่ข้อมูลให้ครบ"
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.action == "assessment.update"
    assert {"overall_score", "oit_score", "indicator_9_score", "indicator_9_analysis"} <= set(event.details["changes"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 1


# --- forms opened before someone else's change ----------------------------------------

def step_token(step):
    return edit_token(editing.step_edit_values(step))


def test_a_stale_step_form_is_refused_and_changes_nothing(office, make_user):
    step, other_admin = office.shared_step, make_user(office.org, Role.ADMIN)
    opened = step_token(step)  # both administrators open the form
    commit(editing.update_step(office.admin, step, text="ฉบับของผู้ดูแลคนแรก", due_date=step.due_date,
                               division_ids=[office.palad.id], base_token=opened))
    with pytest.raises(EditConflict) as caught:
        editing.update_step(other_admin, step, text="ฉบับของผู้ดูแลคนที่สอง", due_date="1/9/2569",
                            division_ids=[office.finance.id], base_token=opened)
    db.session.rollback()
    assert caught.value.status_code == 409
    assert caught.value.current == {"text": "ฉบับของผู้ดูแลคนแรก", "due_date": step.due_date,
                                    "divisions": [office.palad.id]}
    assert (step.text, [d.id for d in step.divisions]) == ("ฉบับของผู้ดูแลคนแรก", [office.palad.id])
    assert actions() == ["step.update"]  # no audit event for the refused form
    # Sent again with the token of the values it was shown, the second form saves deliberately.
    commit(editing.update_step(other_admin, step, text="ฉบับของผู้ดูแลคนที่สอง", due_date="1/9/2569",
                               division_ids=[office.finance.id], base_token=caught.value.token))
    assert (step.text, [d.id for d in step.divisions]) == ("ฉบับของผู้ดูแลคนที่สอง", [office.finance.id])
    assert actions() == ["step.update", "step.update"]


def test_progress_and_reordering_meanwhile_leave_a_step_form_valid(office):
    step = office.shared_step
    opened = step_token(step)
    record_progress(office.head, step, percent=60, status="in_progress", note="ดำเนินการแล้ว", work_date=TODAY,
                    base_version=step.version, today=TODAY)
    editing.move_step(office.admin, step, -1)
    commit()
    changes = commit(editing.update_step(office.admin, step, text="เผยแพร่แผนทางเว็บไซต์และเฟซบุ๊ก",
                                         due_date=step.due_date, division_ids=[office.palad.id, office.finance.id],
                                         base_token=opened))
    assert set(changes) == {"text"} and (step.percent, step.position) == (60, 1)


def test_a_form_sent_without_its_token_is_refused_not_saved_unchecked(office):
    with pytest.raises(EditConflict):
        editing.update_step(office.admin, office.late_step, text="ก", due_date=TODAY,
                            division_ids=[office.palad.id], base_token="")
    db.session.rollback()
    assert office.late_step.text == "จัดทำแผนการดำเนินงาน" and actions() == []


def test_a_stale_measure_form_is_refused(office):
    measure = office.measure
    opened = edit_token(editing.measure_edit_values(measure))
    values = dict(fiscal_year=2569, indicator_number=9, start_date=measure.start_date, end_date=measure.end_date)
    commit(editing.update_measure(office.admin, measure, title="ชื่อของผู้ดูแลคนแรก", base_token=opened, **values))
    with pytest.raises(EditConflict) as caught:
        editing.update_measure(office.admin, measure, title="ชื่อของผู้ดูแลคนที่สอง", base_token=opened, **values)
    db.session.rollback()
    assert caught.value.current["title"] == measure.title == "ชื่อของผู้ดูแลคนแรก"
    assert actions() == ["measure.update"]


def test_a_stale_scores_form_is_refused(office, make_assessment):
    assessment = make_assessment(office.org, 2568)
    opened = edit_token(editing.assessment_edit_values(assessment))
    scores = dict(fiscal_year=2568, iit_score="90", eit1_score="90", eit2_score="90", oit_score="90")
    commit(editing.save_assessment(office.admin, office.org, assessment=assessment, base_token=opened,
                                   analyses={9: "ฉบับของผู้ดูแลคนแรก"}, **scores))
    with pytest.raises(EditConflict) as caught:
        editing.save_assessment(office.admin, office.org, assessment=assessment, base_token=opened,
                                analyses={9: "ฉบับของผู้ดูแลคนที่สอง"}, **scores)
    db.session.rollback()
    assert [9, None, "ฉบับของผู้ดูแลคนแรก"] in caught.value.current["indicators"]
    assert assessment.indicator(9).analysis == "ฉบับของผู้ดูแลคนแรก"
    assert actions() == ["assessment.update"]


@pytest.mark.postgres_only
def test_of_two_simultaneous_saves_the_second_waits_and_is_refused(office):
    """The other administrator's save is still uncommitted when ours checks the token:
    ours must wait for it and then see its values, not overwrite them."""
    step, engine = office.late_step, db.engine
    opened = step_token(step)
    with engine.connect() as other:
        other.execute(sa.update(Step).where(Step.id == step.id).values(text="บันทึกพร้อมกัน"))

        def commit_once_we_wait():
            with engine.connect() as watcher:
                for _ in range(1000):  # a few seconds at most; it usually takes milliseconds
                    waiting = watcher.scalar(sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"))
                    if waiting:
                        break
                    time.sleep(0.005)
            other.commit()

        committer = threading.Thread(target=commit_once_we_wait)
        committer.start()
        try:
            with pytest.raises(EditConflict) as caught:
                editing.update_step(office.admin, step, text="ของเรา", due_date=step.due_date,
                                    division_ids=[office.palad.id], base_token=opened)
        finally:
            committer.join()
    db.session.rollback()
    assert caught.value.current["text"] == "บันทึกพร้อมกัน"
    assert db.session.get(Step, step.id).text == "บันทึกพร้อมกัน" and actions() == []
