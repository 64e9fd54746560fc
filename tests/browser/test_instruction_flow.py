"""In a real browser: the executive gives an instruction, the head answers it with a file, the bells change."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.inbox.models import Notice
from tracker.instructions.models import InstructionFile
from tracker.models import Role

from ..conftest import TODAY
from ..measures.files import PDF
from .conftest import console_errors, sign_in

pytestmark = pytest.mark.browser


def sign_out(page) -> None:
    page.click("#user-menu")
    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url("**/login")


def bell_count(page) -> int:
    badge = page.locator("#bell-count")
    return int(badge.inner_text()) if badge.count() else 0


@pytest.fixture
def office(make_org, make_division, make_user, make_measure):
    org = make_org(name="องค์การบริหารส่วนตำบลทดสอบข้อสั่งการ")
    finance = make_division(org, "กองคลัง", "กค.")
    measure = make_measure(org, indicator=9, title="เผยแพร่แผนการใช้จ่ายงบประมาณประจำปี", steps=[
        {"text": "รายงานผลการใช้จ่ายงบประมาณรายไตรมาส", "due": TODAY - timedelta(days=12), "divisions": [finance]},
    ])
    head = make_user(org, Role.DIVISION_HEAD, head_of=[finance], email="head.finance@browser.test",
                     display_name="ผู้อำนวยการกองคลัง")
    executive = make_user(org, Role.EXECUTIVE, email="deputy@browser.test", display_name="รองปลัด อบต.")
    return measure.steps[0], head, executive


def test_executive_instructs_head_answers_with_a_file_and_bells_change(page, office, artifacts, tmp_path):
    step, head, executive = office
    attachment = tmp_path / "บันทึกข้อความชี้แจง.pdf"
    attachment.write_bytes(PDF)

    sign_in(page, executive.email)
    assert bell_count(page) == 0
    page.goto(f"/steps/{step.id}")
    section = page.locator("#instructions")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "step-instruction-form.png"), full_page=True)
    section.get_by_label("ข้อสั่งการ").fill("ขั้นตอนนี้เลยกำหนด 12 วัน ขอให้ชี้แจงสาเหตุและแผนแก้ไขภายในวันศุกร์")
    section.get_by_role("button", name="ส่งข้อสั่งการ").click()
    page.wait_for_url("**/instructions/*")
    assert "ส่งข้อสั่งการถึงส่วนราชการแล้ว" in page.locator(".alert-success").inner_text()
    assert "รอคำตอบจาก" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "instruction-given.png"), full_page=True)
    thread_url = page.url
    # The dashboard lists it under the division that owes an answer.
    page.goto("/dashboard")
    waiting = page.locator("#unanswered-table")
    assert "กองคลัง" in waiting.inner_text() and "ขอให้ชี้แจงสาเหตุ" in waiting.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#unanswered-instructions").screenshot(path=str(artifacts / "dashboard-unanswered-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    # The head sees one unread item in the bell, opens it from the notifications page.
    sign_in(page, head.email)
    assert bell_count(page) == 1
    # Reading the thread straight from its address (the e-mail's link) leaves the
    # notice unread; the page's button reads it.
    page.goto(thread_url)
    assert bell_count(page) == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "thread-unread-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#thread-mark-read button").click()
    page.wait_for_url(thread_url)
    assert bell_count(page) == 0 and page.locator("#thread-mark-read").count() == 0
    db.session.execute(sa.update(Notice).values(read_at=None))  # unread again, to open it from the list
    db.session.commit()
    page.reload()
    assert bell_count(page) == 1
    page.click("#nav-bell")
    page.wait_for_url("**/notifications")
    page.screenshot(path=str(artifacts / "notifications-head.png"), full_page=True)
    page.locator(".notice-list button.notice-open").first.click()
    page.wait_for_url("**/instructions/*")
    assert bell_count(page) == 0
    page.get_by_label("คำตอบของท่าน").fill("ชี้แจงแล้ว: รอเอกสารจากธนาคาร จะรายงานผลภายใน 7 วัน")
    page.get_by_label("แนบไฟล์").set_input_files(str(attachment))
    page.get_by_role("button", name="ส่งคำตอบ").click()
    page.wait_for_url("**/instructions/*")
    thread = page.locator(".thread")
    assert "ชี้แจงแล้ว" in thread.inner_text()
    assert thread.get_by_role("link", name="บันทึกข้อความชี้แจง.pdf").count() == 1
    assert "ตอบครบแล้ว" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "instruction-answered.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "instruction-answered-390.png"), full_page=True)
    assert console_errors(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    stored = db.session.scalars(sa.select(InstructionFile)).one()
    assert stored.original_name == "บันทึกข้อความชี้แจง.pdf" and stored.size == len(PDF)

    # The executive's bell now shows the answer.
    sign_in(page, executive.email)
    assert bell_count(page) == 1
    page.screenshot(path=str(artifacts / "dashboard-bell-executive.png"))
    page.click("#nav-bell")
    page.wait_for_url("**/notifications")
    assert "ผู้อำนวยการกองคลัง ตอบ" in page.locator(".notice-list").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "notifications-executive-390.png"), full_page=True)
    page.locator(".notice-list button.notice-open").first.click()
    page.wait_for_url("**/instructions/*")
    assert bell_count(page) == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/search?q=" + "ธนาคา")
    assert page.locator("#results-instructions").count() == 1
    page.screenshot(path=str(artifacts / "search-results.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "search-results-390.png"), full_page=True)
    assert console_errors(page) == []
