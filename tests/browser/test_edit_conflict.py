"""In a real browser: one step edited in two tabs; the older tab is refused, shown the newer save, and saves when resent."""
from datetime import date, timedelta

import pytest

from tracker.extensions import db
from tracker.models import Role

from tests.helpers import TODAY
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_older_tab_is_refused_then_saves_deliberately(page, artifacts, make_org, make_division, make_user,
                                                          make_measure):
    org = make_org()
    palad = make_division(org, "สำนักปลัด", "สป.")
    admin = make_user(org, Role.ADMIN)
    step = make_measure(org, indicator=9, steps=[
        {"text": "จัดทำแผนการดำเนินงาน", "due": TODAY + timedelta(days=30), "divisions": [palad]}]).steps[0]
    edit = f"/steps/{step.id}/edit"
    sign_in(page, admin.email)
    page.goto(edit)
    newer = page.context.new_page()
    newer.goto(edit)
    newer.fill("#text", "จัดทำแผนการดำเนินงานประจำปี พ.ศ. 2569")
    newer.get_by_role("button", name="บันทึกขั้นตอน").click()
    newer.wait_for_url(f"**/measures/{step.measure_id}#steps")

    page.fill("#due_date", "30/04/2569")
    with page.expect_response(lambda r: r.url.endswith(edit) and r.request.method == "POST") as sent:
        page.get_by_role("button", name="บันทึกขั้นตอน").click()
    assert sent.value.status == 409
    page.console_errors.remove(f"409 {sent.value.url}")  # the refusal is the point, not a fault

    notice = page.locator("#edit-conflict")
    assert "ข้อมูลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่ท่านเปิดแบบฟอร์ม" in notice.inner_text()
    assert "จัดทำแผนการดำเนินงานประจำปี พ.ศ. 2569" in notice.locator(".saved-value").all_inner_texts()
    assert page.input_value("#due_date") == "30/04/2569"  # the older tab's own input is kept
    page.screenshot(path=str(artifacts / "edit-conflict.png"), full_page=True)

    page.get_by_role("button", name="บันทึกขั้นตอน").click()  # sent again, knowingly
    page.wait_for_url(f"**/measures/{step.measure_id}#steps")
    db.session.refresh(step)
    # The form is saved as it stands, the text the notice listed included.
    assert (step.text, step.due_date) == ("จัดทำแผนการดำเนินงาน", date(2026, 4, 30))
