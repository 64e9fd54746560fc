"""A mistaken progress entry is withdrawn with a reason: it stays in the history, marked, and stops counting."""
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.errors import InvalidFields, PermissionDenied
from tracker.extensions import db
from tracker.measures import withdrawal
from tracker.measures.models import HistoryIsAppendOnly, ProgressUpdate, ProgressWithdrawal
from tracker.measures.services import record_progress
from tracker.models import AuditEvent, Step, StepStatus
from tracker.timeutil import utcnow

from .conftest import TODAY


def record(user, step, percent, status, note="ดำเนินการ"):
    update = record_progress(user, step, percent=percent, status=status, note=note, work_date=TODAY,
                             base_version=step.version, today=TODAY)
    db.session.commit()
    return update


def test_the_author_withdraws_and_the_step_returns_to_the_previous_entry(office):
    step = office.late_step
    record(office.head, step, 40, "in_progress")
    mistaken = record(office.staff, step, 100, "done", note="บันทึกผิดขั้นตอน")
    assert (step.percent, step.status) == (100, StepStatus.DONE)

    withdrawal.withdraw_progress(office.staff, mistaken, reason="บันทึกผิดขั้นตอน ควรเป็นขั้นตอนที่ 2")
    db.session.commit()
    step = db.session.get(Step, step.id)
    assert (step.percent, step.status) == (40, StepStatus.IN_PROGRESS)
    # Nothing is deleted: the entry is still there, marked, with who and why.
    kept = db.session.get(ProgressUpdate, mistaken.id)
    assert kept.is_withdrawn and kept.withdrawal.withdrawn_by_id == office.staff.id
    assert kept.withdrawal.reason == "บันทึกผิดขั้นตอน ควรเป็นขั้นตอนที่ 2"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "step.progress_withdrawn")).one()
    assert event.details["update_id"] == mistaken.id and event.details["step_percent"] == 40


def test_withdrawing_the_only_entry_leaves_the_step_not_started(office):
    step = office.late_step
    only = record(office.head, step, 30, "in_progress")
    withdrawal.withdraw_progress(office.admin, only, reason="ผิดพลาด")
    db.session.commit()
    assert (db.session.get(Step, step.id).percent, db.session.get(Step, step.id).status) == (0, StepStatus.NOT_STARTED)


def test_a_reason_is_required(office):
    entry = record(office.head, office.late_step, 30, "in_progress")
    with pytest.raises(InvalidFields) as caught:
        withdrawal.withdraw_progress(office.head, entry, reason=" ")
    assert "reason" in caught.value.errors
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressWithdrawal)) == 0


def test_who_may_withdraw(office):
    entry = record(office.head, office.late_step, 30, "in_progress")
    assert not withdrawal.can_withdraw(office.staff, entry, utcnow())  # not the author
    with pytest.raises(PermissionDenied):
        withdrawal.withdraw_progress(office.staff, entry, reason="ไม่ใช่ของฉัน")
    db.session.rollback()
    later = utcnow() + timedelta(days=8)
    assert not withdrawal.can_withdraw(office.head, entry, later)  # the author, after seven days
    with pytest.raises(PermissionDenied):
        withdrawal.withdraw_progress(office.head, entry, reason="ช้าไป", now=later)
    db.session.rollback()
    assert withdrawal.can_withdraw(office.admin, entry, later)  # an administrator, at any time
    withdrawal.withdraw_progress(office.admin, entry, reason="ผู้ดูแลแก้ไข", now=later)
    db.session.commit()


def test_an_entry_cannot_be_withdrawn_twice(office):
    entry = record(office.head, office.late_step, 30, "in_progress")
    withdrawal.withdraw_progress(office.head, entry, reason="ผิดพลาด")
    db.session.commit()
    with pytest.raises(withdrawal.AlreadyWithdrawn):
        withdrawal.withdraw_progress(office.admin, db.session.get(ProgressUpdate, entry.id), reason="อีกครั้ง")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressWithdrawal)) == 1


def test_a_withdrawal_cannot_be_edited(office):
    entry = record(office.head, office.late_step, 30, "in_progress")
    done = withdrawal.withdraw_progress(office.head, entry, reason="ผิดพลาด")
    db.session.commit()
    done.reason = "เปลี่ยนเหตุผล"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_the_page_shows_the_entry_struck_through_with_the_reason(client, sign_in, office, fixed_today):
    step = office.late_step
    record(office.head, step, 40, "in_progress")
    mistaken = record(office.head, step, 70, "in_progress", note="ใส่ตัวเลขผิด")
    sign_in(office.head)
    html = client.get(f"/steps/{step.id}").get_data(as_text=True)
    assert f'action="/progress/{mistaken.id}/withdraw"' in html
    refused = client.post(f"/progress/{mistaken.id}/withdraw", data={"reason": ""})
    assert refused.status_code == 400 and "กรุณาระบุเหตุผลที่ถอนรายการ" in refused.get_data(as_text=True)
    assert client.post(f"/progress/{mistaken.id}/withdraw", data={"reason": "ตัวเลขผิด ที่ถูกคือ 45"}).status_code == 302
    html = client.get(f"/steps/{step.id}").get_data(as_text=True)
    assert "update-withdrawn" in html and "ตัวเลขผิด ที่ถูกคือ 45" in html and "ใส่ตัวเลขผิด" in html
    assert 'id="step-percent">40%' in html
    assert f'action="/progress/{mistaken.id}/withdraw"' not in html  # not twice
    again = client.post(f"/progress/{mistaken.id}/withdraw", data={"reason": "อีกครั้ง"}, follow_redirects=True)
    assert "รายการนี้ถูกถอนไปแล้ว" in again.get_data(as_text=True)


def test_another_organizations_entry_is_not_found(client, sign_in, office, make_org, make_user):
    entry = record(office.head, office.late_step, 30, "in_progress")
    from tracker.models import Role

    stranger = make_user(make_org(), Role.ADMIN)
    sign_in(stranger)
    assert client.post(f"/progress/{entry.id}/withdraw", data={"reason": "x"}).status_code == 404


@pytest.mark.postgres_only
def test_of_two_simultaneous_withdrawals_one_wins_and_the_other_is_told(office):
    """The other withdrawal is still uncommitted when ours inserts: ours waits for
    it, then is refused by the unique key, and saves nothing."""
    entry = record(office.head, office.late_step, 30, "in_progress")
    engine = db.engine
    with engine.connect() as other:
        other.execute(sa.insert(ProgressWithdrawal).values(
            update_id=entry.id, withdrawn_by_id=office.admin.id, withdrawn_at=utcnow(), reason="ผู้ดูแลถอน"))

        def commit_once_we_wait():
            with engine.connect() as watcher:
                for _ in range(1000):
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
            with pytest.raises(withdrawal.AlreadyWithdrawn):
                withdrawal.withdraw_progress(office.head, entry, reason="ผู้บันทึกถอน")
        finally:
            committer.join()
    db.session.rollback()
    reasons = db.session.scalars(sa.select(ProgressWithdrawal.reason)).all()
    assert reasons == ["ผู้ดูแลถอน"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "step.progress_withdrawn")) == 0
