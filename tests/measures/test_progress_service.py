"""record_progress: permissions, rules, stale forms, evidence, audit; history is append-only."""
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.errors import PermissionDenied, NotFound
from tracker.extensions import db
from tracker.ita import MeasureState, WorkGroup
from tracker.measures import queries
from tracker.measures.models import HistoryIsAppendOnly
from tracker.measures.services import InvalidProgress, StaleProgress, record_progress
from tracker.models import AuditEvent, Evidence, ProgressUpdate, StepStatus

from tests.helpers import TODAY
from .files import DOCX, EXE, PDF, upload
from tests.helpers import count


def record(user, step, **overrides):
    values = dict(percent=50, status="in_progress", note="ประชุมชี้แจงแล้ว", work_date=TODAY,
                  files=[], base_version=step.version, today=TODAY)
    values.update(overrides)
    update = record_progress(user, step, **values)
    db.session.commit()
    return update


def test_a_member_records_progress(office):
    step = office.late_step
    update = record(office.staff, step, percent=40, note="จัดทำร่างแผนแล้ว")
    db.session.refresh(step)
    assert (step.percent, step.status, step.version) == (40, StepStatus.IN_PROGRESS, 2)
    assert (update.percent, update.step_version, update.author_id) == (40, 2, office.staff.id)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "step.progress")).one()
    assert (event.actor_id, event.target_type, event.target_id) == (office.staff.id, "Step", step.id)
    assert event.details["percent"] == 40 and event.details["update_id"] == update.id


def test_done_removes_the_step_from_overdue(office):
    before = queries.summarize(office.org.id, 2569, TODAY)
    assert before.step_counts[WorkGroup.OVERDUE] == 1
    record(office.head, office.late_step, percent=100, status="done")
    after = queries.summarize(office.org.id, 2569, TODAY)
    assert after.step_counts[WorkGroup.OVERDUE] == 0
    assert after.step_counts[WorkGroup.DONE] == 1
    assert after.measures[0].state == MeasureState.AT_RISK  # the next step is due soon and not started


@pytest.mark.parametrize("who", ["admin", "head", "staff"])
def test_members_and_admins_may_update(office, who):
    record(getattr(office, who), office.late_step)


@pytest.mark.parametrize("who", ["executive", "finance_head"])
def test_others_may_not(office, who):
    with pytest.raises(PermissionDenied):
        record(getattr(office, who), office.late_step)
    assert count(ProgressUpdate) == 0


def test_shared_step_is_open_to_both_divisions(office):
    record(office.finance_head, office.shared_step)
    record(office.staff, office.shared_step, percent=60)
    assert office.shared_step.version == 3


def test_deactivated_members_may_not(office):
    office.staff.active = False
    db.session.commit()
    with pytest.raises(PermissionDenied):
        record(office.staff, office.late_step)


def test_another_organizations_user_gets_not_found(office, make_user, make_org):
    with pytest.raises(NotFound):
        record(make_user(make_org(), "admin"), office.late_step)


@pytest.mark.parametrize("overrides, field", [
    (dict(note="  "), "note"),
    (dict(percent=120), "percent"),
    (dict(percent="abc"), "percent"),
    (dict(percent=100, status="in_progress"), "status"),
    (dict(percent=80, status="done"), "percent"),
    (dict(status="blocked"), "blocked_reason"),
    (dict(work_date=date(2026, 3, 17)), "work_date"),
    (dict(work_date="1/1/2560"), "work_date"),
    (dict(files=[upload("report.pdf", EXE)]), "files"),
    (dict(files=[upload("../../x.pdf", PDF)]), "files"),
])
def test_bad_input_saves_nothing(office, evidence_files, overrides, field):
    step = office.late_step
    with pytest.raises(InvalidProgress) as caught:
        record(office.head, step, **overrides)
    db.session.rollback()
    assert field in caught.value.errors
    assert count(ProgressUpdate) == 0 and count(Evidence) == 0 and count(AuditEvent) == 0
    assert evidence_files() == []
    db.session.refresh(step)
    assert (step.version, step.percent) == (1, 0)


def test_too_large_file_is_refused(app, office, evidence_files, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 1024)
    with pytest.raises(InvalidProgress) as caught:
        record(office.head, office.late_step, files=[upload("scan.pdf", PDF + b"0" * 2048)])
    assert "1 MB" in str(caught.value.errors["files"][0])
    assert evidence_files() == []


def test_blocked_keeps_its_reason(office):
    update = record(office.head, office.late_step, status="blocked", percent=20, blocked_reason="รอผลการพิจารณางบประมาณ")
    assert update.blocked_reason == "รอผลการพิจารณางบประมาณ"
    assert office.late_step.status == StepStatus.BLOCKED


def test_stale_form_is_refused_and_shows_the_newer_update(office):
    step = office.late_step
    first = record(office.head, step, percent=30, note="ของหัวหน้า")
    with pytest.raises(StaleProgress) as caught:
        record(office.staff, step, percent=60, note="ของเจ้าหน้าที่", base_version=1)
    db.session.rollback()
    assert [u.id for u in caught.value.newer] == [first.id]
    assert caught.value.newer[0].author.display_name == office.head.display_name
    assert caught.value.current_version == 2
    assert [u.note for u in db.session.scalars(sa.select(ProgressUpdate))] == ["ของหัวหน้า"]
    db.session.refresh(step)
    assert step.percent == 30
    # Sent again on the current version, it is saved.
    record(office.staff, step, percent=60, note="ของเจ้าหน้าที่", base_version=caught.value.current_version)
    assert step.percent == 60


def test_a_concurrent_write_between_check_and_save_is_refused(office):
    """Two requests read version 1; the second one's compare-and-set must fail."""
    step = office.late_step
    step_id = step.id
    # Someone else's update lands behind this session's back.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE steps SET version = 2 WHERE id = :id"), {"id": step_id})
    with pytest.raises(StaleProgress):
        record(office.head, step, base_version=1)  # the session still believes version 1
    db.session.rollback()
    assert count(ProgressUpdate) == 0


def test_evidence_is_stored_under_random_names(office, evidence_files):
    update = record(office.head, office.late_step, files=[upload("แผนการดำเนินงาน.pdf", PDF), upload("บันทึก.docx", DOCX)])
    files = db.session.scalars(sa.select(Evidence).order_by(Evidence.id)).all()
    assert [f.original_name for f in files] == ["แผนการดำเนินงาน.pdf", "บันทึก.docx"]
    assert {f.update_id for f in files} == {update.id}
    assert files[0].content_type == "application/pdf"
    import hashlib

    assert files[0].sha256 == hashlib.sha256(PDF).hexdigest() and files[0].size == len(PDF)
    stored = evidence_files()
    assert sorted(p.name for p in stored) == sorted(f.stored_name for f in files)
    assert all("แผน" not in p.name for p in stored)


def test_files_of_a_transaction_that_fails_are_removed(office, evidence_files):
    record_progress(office.head, office.late_step, percent=50, status="in_progress", note="ก", work_date=TODAY,
                    files=[upload("a.pdf", PDF)], base_version=1, today=TODAY)
    assert len(evidence_files()) == 1
    db.session.rollback()  # e.g. the commit failed
    assert evidence_files() == []
    assert count(ProgressUpdate) == 0


def test_history_cannot_be_edited_or_deleted(office):
    update = record(office.head, office.late_step)
    update.note = "แก้ไขย้อนหลัง"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(HistoryIsAppendOnly):
        db.session.delete(update)
        db.session.commit()
    db.session.rollback()


def test_a_correction_is_a_new_update(office):
    record(office.head, office.late_step, percent=100, status="done")
    record(office.head, office.late_step, percent=80, status="in_progress", note="ตรวจพบว่ายังไม่ครบ", base_version=2)
    updates = db.session.scalars(sa.select(ProgressUpdate).order_by(ProgressUpdate.id)).all()
    assert [u.percent for u in updates] == [100, 80]
    assert office.late_step.percent == 80
