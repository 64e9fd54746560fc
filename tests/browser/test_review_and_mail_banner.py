"""In a real browser: the public page's review queue, and the banner of a long mail outage, at desktop and phone width."""
from datetime import timedelta

import pytest

from tracker.extensions import db
from tracker.models import Role
from tracker.reminders.models import DeliveryStatus, Notification, NotificationKind
from tracker.reports import publishing
from tracker.timeutil import utcnow

from ..conftest import TODAY
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_an_admin_approves_a_waiting_note_and_sees_the_mail_banner(page, artifacts, make_org, make_division, make_user,
                                                                   make_measure, make_progress):
    org = make_org(slug="review-org")
    palad = make_division(org, "สำนักปลัด", "สป.")
    admin = make_user(org, Role.ADMIN)
    clerk = make_user(org, Role.STAFF, divisions=[palad])
    measure = make_measure(org, indicator=1, divisions=[palad], steps=["จัดทำคู่มือ", "เผยแพร่คู่มือ"])
    make_progress(measure.steps[0], clerk, 50, note="ประสานนางสาวมาลี ศรีสุข โทร 081-234-5678 แล้ว", work_date=TODAY)
    publishing.set_public_page(admin, org, True, review_notes=True)
    db.session.add(Notification(
        organization_id=org.id, recipient_id=clerk.id, recipient_email=clerk.email, recipient_name="x",
        kind=NotificationKind.REMINDER, run_date=TODAY, locale="th", subject="s", body_text="t", body_html="h",
        message_id="<m@x>", status=DeliveryStatus.PENDING, attempts=3, last_error="ConnectionRefusedError",
        last_error_kind="connect", first_failed_at=utcnow() - timedelta(hours=3),
    ))
    db.session.commit()

    sign_in(page, admin.email)
    page.goto("/reports/public/?waiting=1")
    assert "[ชื่อบุคคล]" in page.inner_text("main") and "[หมายเลขโทรศัพท์]" in page.inner_text("main")
    assert "มีข้อความรอการตรวจทาน 1 รายการ" in page.inner_text("[data-review-queue]")
    assert page.locator("[data-mail-banner]").is_visible()
    page.screenshot(path=str(artifacts / "i10c-review-queue-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "i10c-review-queue-phone.png"), full_page=True)
    page.get_by_role("button", name="อนุมัติ").click()
    page.wait_for_load_state()
    assert "ไม่มีข้อความรอการตรวจทาน" in page.inner_text("[data-review-queue]")
    page.goto("/p/review-org/2569")
    assert "ประสาน[ชื่อบุคคล] โทร [หมายเลขโทรศัพท์] แล้ว" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "i10c-public-page-phone.png"), full_page=True)
