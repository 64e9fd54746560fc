"""A step keeps its original due date and every move of it, with the reason, who and when."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tracker.errors import InvalidFields
from tracker.extensions import db
from tracker.measures import editing
from tracker.measures.models import DueDateChange, HistoryIsAppendOnly
from tracker.models import AuditEvent, Step

from ..html_forms import open_form
from .conftest import TODAY


def test_a_new_step_keeps_its_due_date_as_the_original(office):
    step = editing.add_step(office.admin, office.measure, text="สรุปผล", due_date="31/08/2569",
                            division_ids=[office.palad.id])
    db.session.commit()
    assert step.original_due_date == step.due_date == date(2026, 8, 31)
    assert not step.due_date_moved


def test_a_due_date_change_without_a_reason_is_refused_and_changes_nothing(office):
    step = office.finance_step
    before = step.due_date
    with pytest.raises(InvalidFields) as caught:
        editing.update_step(office.admin, step, text=step.text, due_date="31/08/2569",
                            division_ids=[office.finance.id], base_token=None, due_date_reason="  ")
    db.session.rollback()
    assert "due_date_reason" in caught.value.errors
    assert db.session.get(Step, step.id).due_date == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DueDateChange)) == 0


def test_a_move_keeps_the_original_and_the_history(office):
    step = office.finance_step
    original = step.due_date
    editing.update_step(office.admin, step, text=step.text, due_date="31/07/2569", division_ids=[office.finance.id],
                        base_token=None, due_date_reason="รองบประมาณ")
    editing.update_step(office.admin, step, text=step.text, due_date="31/08/2569", division_ids=[office.finance.id],
                        base_token=None, due_date_reason="สภาเลื่อนการประชุม")
    db.session.commit()
    step = db.session.get(Step, step.id)
    assert (step.original_due_date, step.due_date) == (original, date(2026, 8, 31))
    changes = [(c.old_date, c.new_date, c.reason, c.changed_by_id) for c in step.due_date_changes]
    assert changes == [(original, date(2026, 7, 31), "รองบประมาณ", office.admin.id),
                       (date(2026, 7, 31), date(2026, 8, 31), "สภาเลื่อนการประชุม", office.admin.id)]
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "step.due_date")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.details["reason"] == "สภาเลื่อนการประชุม"


def test_the_history_is_append_only(office):
    step = office.finance_step
    editing.update_step(office.admin, step, text=step.text, due_date="31/07/2569", division_ids=[office.finance.id],
                        base_token=None, due_date_reason="รองบประมาณ")
    db.session.commit()
    change = step.due_date_changes[0]
    change.reason = "แก้ไขเหตุผลย้อนหลัง"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_a_date_outside_the_fiscal_year_needs_a_confirmation(office):
    step = office.finance_step
    with pytest.raises(editing.DueDateNeedsConfirmation) as caught:
        editing.update_step(office.admin, step, text=step.text, due_date="15/10/2569",
                            division_ids=[office.finance.id], base_token=None, due_date_reason="ต่อเวลา")
    db.session.rollback()
    assert "ปีงบประมาณ" in str(caught.value.errors["due_date"][0]) or "fiscal year" in str(caught.value.errors["due_date"][0])
    assert db.session.get(Step, step.id).due_date == TODAY + timedelta(days=60)
    editing.update_step(office.admin, step, text=step.text, due_date="15/10/2569", division_ids=[office.finance.id],
                        base_token=None, due_date_reason="ต่อเวลา", confirm_due_date=True)
    db.session.commit()
    assert db.session.get(Step, step.id).due_date == date(2026, 10, 15)


def test_admin_moves_a_deadline_on_the_page_and_the_step_page_shows_it(client, sign_in, office, fixed_today):
    step = office.late_step  # due 6 Mar 2026, ten days before TODAY
    sign_in(office.admin)
    page = f"/steps/{step.id}/edit"
    fields = open_form(client, page) | {"due_date": "30/04/2569"}
    refused = client.post(page, data=fields)
    assert refused.status_code == 400
    assert "เหตุผล" in refused.get_data(as_text=True)
    saved = client.post(page, data=fields | {"due_date_reason": "รอผลการประชุมสภา"})
    assert saved.status_code == 302
    html = client.get(f"/steps/{step.id}").get_data(as_text=True)
    assert "เลื่อนจาก 6 มี.ค. 2569 เป็น 30 เม.ย. 2569" in html
    assert "รอผลการประชุมสภา" in html
    assert "ช้ากว่ากำหนดเดิม 10 วัน" in html


def test_outside_the_measure_period_the_page_asks_for_a_confirmation(client, sign_in, office):
    step = office.finance_step
    sign_in(office.admin)
    page = f"/steps/{step.id}/edit"
    fields = open_form(client, page) | {"due_date": "31/10/2569", "due_date_reason": "ขยายเวลา"}
    asked = client.post(page, data=fields)
    assert asked.status_code == 400
    assert 'name="confirm_due_date"' in asked.get_data(as_text=True)
    assert client.post(page, data=fields | {"confirm_due_date": "y"}).status_code == 302
    assert db.session.get(Step, step.id).due_date == date(2026, 10, 31)


def test_the_step_list_filters_moved_steps_and_shows_lateness_against_the_original(client, sign_in, office,
                                                                                    fixed_today):
    step = office.late_step
    editing.update_step(office.admin, step, text=step.text, due_date=TODAY + timedelta(days=5),
                        division_ids=[office.palad.id], base_token=None, due_date_reason="รอเอกสาร")
    db.session.commit()
    sign_in(office.executive)
    html = client.get("/steps?year=2569&moved=1").get_data(as_text=True)
    assert "1 ขั้นตอน" in html and step.text in html
    assert office.finance_step.text not in html
    assert "ช้ากว่ากำหนดเดิม 10 วัน" in html  # late against 6 Mar, not against the new date
    dashboard = client.get("/dashboard?year=2569").get_data(as_text=True)
    assert 'id="moved-figure"' in dashboard and "moved=1" in dashboard
