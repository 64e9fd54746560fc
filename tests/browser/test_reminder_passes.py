"""In a real browser: the administrators' reminder page after the scheduler's pass, at desktop and phone width."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tracker.extensions import db
from tracker.models import Role
from tracker.reminders.jobs import SendTime
from tracker.reminders.scheduler import ReminderScheduler

from ..conftest import TODAY
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_an_admin_sees_the_days_pass_beside_the_organizations_run(page, artifacts, app, make_org, make_division,
                                                                  make_user, make_measure):
    org = make_org(slug="pass-org")
    palad = make_division(org, "สำนักปลัด", "สป.")
    admin = make_user(org, Role.ADMIN)
    make_user(org, Role.DIVISION_HEAD, head_of=[palad])
    make_measure(org, indicator=1, divisions=[palad], steps=[{"text": "จัดทำคู่มือ", "due": TODAY - timedelta(days=1)}])
    make_org(slug="another-org")
    db.session.commit()
    eight = datetime.combine(TODAY, time(8), ZoneInfo("Asia/Bangkok")).astimezone(timezone.utc)
    ReminderScheduler(app, holder="browser-test").daily(SendTime(8, 0, "Asia/Bangkok"), eight)

    sign_in(page, admin.email)
    page.goto("/admin/reminders")
    runs = page.locator("section[aria-labelledby=runs-heading]")
    assert "ในรอบเดียวกันของทั้งระบบ 2 หน่วยงาน: อีเมล 1 ฉบับ" in runs.inner_text()
    runs.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "reminder-pass-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert runs.locator("text=ในรอบเดียวกันของทั้งระบบ").is_visible()
    page.screenshot(path=str(artifacts / "reminder-pass-phone.png"), full_page=True)
    runs.screenshot(path=str(artifacts / "reminder-pass-runs-phone.png"))
    # On a phone each run is a card of labelled values, not seven columns squeezed to a word a line.
    assert runs.locator("tbody tr").first.evaluate("row => getComputedStyle(row).display") == "block"
