"""In a real browser: a division head closes an overdue step with a PDF, and the executive sees it."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Evidence, Role, Step, StepStatus

from tests.helpers import TODAY
from .conftest import console_errors, sign_in
from ..measures.files import PDF

pytestmark = pytest.mark.browser


def sign_out(page) -> None:
    page.click("#user-menu")  # sign-out sits in the user's own menu
    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url("**/login")


@pytest.fixture
def municipality(make_org, make_division, make_user, make_measure, make_assessment):
    org = make_org(name="องค์การบริหารส่วนตำบลทดสอบเบราว์เซอร์")
    palad = make_division(org, "สำนักปลัด", "สป.")
    finance = make_division(org, "กองคลัง", "กค.")
    make_assessment(org, 2567, overall_score=82.5)
    make_assessment(org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 78.0})
    make_measure(org, indicator=9, title="เผยแพร่แผนการดำเนินงานและแผนการใช้จ่ายงบประมาณ", steps=[
        {"text": "จัดทำแผนการดำเนินงานประจำปี", "due": TODAY - timedelta(days=16), "divisions": [palad]},
        {"text": "เผยแพร่แผนทางเว็บไซต์หลักของหน่วยงาน", "due": TODAY - timedelta(days=2), "divisions": [palad, finance]},
        {"text": "รายงานผลการใช้จ่ายงบประมาณ", "due": TODAY + timedelta(days=9), "divisions": [finance]},
    ])
    head = make_user(org, Role.DIVISION_HEAD, head_of=[palad], email="head.palad@browser.test",
                     display_name="หัวหน้าสำนักปลัด")
    executive = make_user(org, Role.EXECUTIVE, email="deputy@browser.test", display_name="รองปลัด อบต.")
    return head, executive


def test_head_closes_an_overdue_step_and_the_executive_sees_it(page, municipality, artifacts, tmp_path):
    head, executive = municipality
    evidence = tmp_path / "รายงานการประชุมจัดทำแผน.pdf"
    evidence.write_bytes(PDF)

    # The executive's starting point: two steps are late.
    sign_in(page, executive.email)
    assert page.locator("#overdue-count").inner_text().strip() == "2"
    sign_out(page)

    # The division head lands on My work and opens the most overdue step.
    sign_in(page, head.email)
    overdue = page.locator("#group-overdue")
    assert overdue.locator("li").count() == 2
    page.screenshot(path=str(artifacts / "my-work.png"), full_page=True)
    overdue.locator("li").first.get_by_role("link").click()
    page.wait_for_url("**/steps/*")
    assert "จัดทำแผนการดำเนินงานประจำปี" in page.locator("h1").inner_text()

    # 100 percent makes the status "done" by itself (progress-form.js).
    page.get_by_label("ความคืบหน้า (ร้อยละ)").fill("100")
    page.get_by_label("ความคืบหน้า (ร้อยละ)").blur()
    assert page.get_by_label("สถานะ").input_value() == "done"
    page.get_by_label("ผลการดำเนินงาน และปัญหาอุปสรรคที่พบ").fill("จัดทำแผนเสร็จแล้ว นายก อบต. ลงนามประกาศใช้")
    page.get_by_label("ไฟล์หลักฐาน").set_input_files(str(evidence))
    page.get_by_role("button", name="บันทึกความคืบหน้า").click()
    page.wait_for_url("**#history")
    assert "บันทึกความคืบหน้าเรียบร้อยแล้ว" in page.locator(".alert-success").inner_text()
    history = page.locator("#history")
    assert "จัดทำแผนเสร็จแล้ว นายก อบต. ลงนามประกาศใช้" in history.inner_text()
    assert history.get_by_role("link", name="รายงานการประชุมจัดทำแผน.pdf").count() == 1
    assert "เสร็จแล้ว" in page.locator("#step-status").inner_text()
    assert console_errors(page) == []
    sign_out(page)

    stored = db.session.scalars(sa.select(Evidence)).one()
    assert stored.original_name == "รายงานการประชุมจัดทำแผน.pdf" and stored.size == len(PDF)

    # The executive sees the step done and one overdue step fewer.
    sign_in(page, executive.email)
    assert page.locator("#overdue-count").inner_text().strip() == "1"
    assert page.locator("#done-count").inner_text().strip() == "1"
    overdue_table = page.locator("#overdue-table")
    assert "จัดทำแผนการดำเนินงานประจำปี" not in overdue_table.inner_text()
    assert "เผยแพร่แผนทางเว็บไซต์หลักของหน่วยงาน" in overdue_table.inner_text()
    # The charts were drawn (Chart.js loaded under the strict CSP).
    assert page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')]"
                         ".every(c => Chart.getChart(c) !== undefined)")
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert console_errors(page) == []

    done = db.session.scalars(sa.select(Step).where(Step.text == "จัดทำแผนการดำเนินงานประจำปี")).one()
    assert (done.status, done.percent, done.version) == (StepStatus.DONE, 100, 2)
