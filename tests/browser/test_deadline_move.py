"""In a real browser: the administrator moves a deadline with a reason, confirms a date outside
the period, and the step page shows the move; a head withdraws a mistaken entry."""
from datetime import date, timedelta

import pytest

from tracker.extensions import db
from tracker.measures.services import record_progress
from tracker.models import Role, Step

from ..conftest import TODAY
from .conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def office(make_org, make_division, make_user, make_measure):
    org = make_org(name="องค์การบริหารส่วนตำบลทดสอบเบราว์เซอร์")
    palad = make_division(org, "สำนักปลัด", "สป.")
    admin = make_user(org, Role.ADMIN, email="admin@browser.test", display_name="ผู้ดูแลระบบ")
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad], email="head@browser.test", display_name="หัวหน้าสำนักปลัด")
    measure = make_measure(org, indicator=9, title="เผยแพร่แผนการดำเนินงานและแผนการใช้จ่ายงบประมาณ", steps=[
        {"text": "จัดทำแผนการดำเนินงานประจำปี", "due": date(2026, 2, 28), "divisions": [palad]},
    ])
    return admin, head, measure.steps[0]


def test_admin_moves_a_deadline_with_a_reason_and_the_step_page_shows_it(page, office, artifacts):
    admin, _, step = office
    sign_in(page, admin.email)
    page.goto(f"/steps/{step.id}/edit")
    page.fill("#due_date", "15/10/2569")  # after the fiscal year: a confirmation is asked
    page.get_by_role("button", name="บันทึกขั้นตอน").click()
    assert "กรุณาระบุเหตุผล" in page.locator("form[novalidate]").inner_text()
    page.fill("#due_date_reason", "รอผลการประชุมสภา อบต. เรื่องโอนงบประมาณ")
    page.get_by_role("button", name="บันทึกขั้นตอน").click()
    assert "อยู่นอกปีงบประมาณ 2569" in page.locator("form[novalidate]").inner_text()
    page.fill("#due_date", "30/04/2569")  # thinks again: inside the period, no confirmation needed
    page.get_by_role("button", name="บันทึกขั้นตอน").click()
    page.wait_for_url(f"**/measures/{step.measure_id}#steps")
    # The two refused forms (400) are the point, not faults.
    refusals = [e for e in page.console_errors if e.startswith("400 ") and e.endswith(f"/steps/{step.id}/edit")]
    assert len(refusals) == 2
    for refusal in refusals:
        page.console_errors.remove(refusal)

    page.goto(f"/steps/{step.id}")
    history = page.locator("#deadline-history")
    assert "เลื่อนจาก 28 ก.พ. 2569 เป็น 30 เม.ย. 2569 — เหตุผล รอผลการประชุมสภา อบต. เรื่องโอนงบประมาณ" in history.inner_text()
    assert "กำหนดเดิม 28 กุมภาพันธ์ 2569" in page.locator("#step-due").inner_text()
    assert "ช้ากว่ากำหนดเดิม 16 วัน" in page.locator("#step-due").inner_text()
    page.screenshot(path=str(artifacts / "deadline-moved.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "deadline-moved-390.png"), full_page=True)
    db.session.expire_all()
    assert db.session.get(Step, step.id).due_date == date(2026, 4, 30)


def test_head_withdraws_a_mistaken_entry(page, office, artifacts):
    _, head, step = office
    record_progress(head, step, percent=40, status="in_progress", note="จัดประชุมแล้ว", work_date=TODAY,
                    base_version=step.version, today=TODAY)
    record_progress(head, step, percent=100, status="done", note="กดผิด บันทึกว่าเสร็จ", work_date=TODAY,
                    base_version=step.version, today=TODAY)
    db.session.commit()
    sign_in(page, head.email)
    page.goto(f"/steps/{step.id}")
    entry = page.locator("article.update-item").first
    entry.locator("summary").click()
    entry.locator("textarea").fill("บันทึกผิด งานยังไม่เสร็จ")
    entry.get_by_role("button", name="ถอนรายการ").click()
    page.wait_for_url(f"**/steps/{step.id}#update-*")
    assert page.locator("#step-percent").inner_text().strip() == "40%"
    withdrawn = page.locator("article.update-withdrawn")
    assert "บันทึกผิด งานยังไม่เสร็จ" in withdrawn.inner_text()
    page.screenshot(path=str(artifacts / "entry-withdrawn.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "entry-withdrawn-390.png"), full_page=True)


def test_admin_carries_last_years_unfinished_steps_into_the_new_year(page, office, make_measure, artifacts):
    admin, head, step = office
    old = make_measure(step.measure.organization, indicator=1, fiscal_year=2568, title="จัดทำคู่มือการปฏิบัติงาน",
                       start=date(2024, 10, 1), end=date(2025, 9, 30), divisions=step.divisions, steps=[
                           {"text": "รวบรวมขั้นตอนการให้บริการ", "due": date(2025, 3, 31), "status": "done"},
                           {"text": "จัดทำร่างคู่มือ", "due": date(2025, 6, 30), "status": "in_progress", "percent": 60},
                           {"text": "เผยแพร่คู่มือทางเว็บไซต์", "due": date(2025, 9, 30)},
                       ])
    sign_in(page, admin.email)
    page.goto("/fiscal-years/carry-over")
    rows = page.locator(".carry-table tbody tr")
    assert rows.count() == 2
    page.screenshot(path=str(artifacts / "carry-over.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "carry-over-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    second = old.steps[2].id
    page.uncheck(f"#carry-{second}")
    page.fill(f"#due-{old.steps[1].id}", "30/04/2569")
    page.once("dialog", lambda dialog: dialog.accept())  # "carry the chosen steps?"
    page.get_by_role("button", name="ยกไปปีงบประมาณ 2569").click()
    page.wait_for_url("**/dashboard?year=2569")
    db.session.expire_all()
    carried = db.session.get(Step, old.steps[1].id)
    assert carried.status.value == "carried" and db.session.get(Step, second).status.value == "not_started"
    page.goto(f"/steps/{carried.id}")
    assert "ยกไปปี 2569" in page.locator("#carried-notice").inner_text()
