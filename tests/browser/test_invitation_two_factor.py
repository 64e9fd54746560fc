"""In a real browser: an administrator invites someone, who sets a password from the e-mailed link,
turns on two-step sign-in, signs out and signs in again with a code from the authenticator app."""
import email
import re
import time
from datetime import datetime, timedelta, timezone
from email import policy

import pyotp
import pytest

from tracker.models import Role
from tracker.reminders.mail_settings import outbox_directory

from .conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "ม้าลายกินหญ้าตอนเช้า"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page, artifacts, name: str) -> None:
    """The page at desktop and at phone width."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / f"{name}-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} is wider than a phone"
    page.set_viewport_size(DESKTOP)


def sign_out(page) -> None:
    page.click("#user-menu")
    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url("**/login")


def enter_password(page, email_address: str) -> None:
    page.fill("#email", email_address)
    page.fill("#password", PASSWORD)
    page.click("#submit")


def invitation_link(app, to: str, timeout: float = 15) -> str:
    """The link in the invitation e-mail as delivered to the outbox folder (no MAIL_SERVER in tests).

    The page hands the e-mail to the sender once its answer has gone; should that
    not have happened within a few seconds, the scheduler's sender (a pass of
    `deliver_pending`, as every 5 minutes) delivers what waits in the outbox.
    """
    folder = outbox_directory(app.config, app.instance_path)
    deadline = time.monotonic() + timeout
    sender_ran = False
    while time.monotonic() < deadline:
        if not sender_ran and time.monotonic() > deadline - timeout / 2:
            from tracker.reminders.delivery import deliver_pending

            with app.app_context():
                deliver_pending()
            sender_ran = True
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if to in message["To"]:
                text = message.get_body(preferencelist=("plain",)).get_content()
                match = re.search(r"https?://\S+/invitation/[A-Za-z0-9_-]+", text)
                assert match, text
                return match.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no invitation e-mail to {to} in {folder}")


def test_invite_set_password_turn_on_two_step_and_sign_in_with_a_code(
        app, page, artifacts, live_server, monkeypatch, make_org, make_division, make_user):
    monkeypatch.setitem(app.config, "APP_BASE_URL", live_server)  # the e-mail's links lead to this server
    org = make_org()
    division = make_division(org, "กองคลัง", "กค.")
    admin = make_user(org, Role.ADMIN, display_name="ผู้ดูแลระบบ")

    # The administrator invites: no password to type or pass on.
    sign_in(page, admin.email)
    page.goto("/admin/users/new")
    page.fill("#display_name", "นางสาวสมหญิง ใจดี")
    page.fill("#email", "somying@example.org")
    page.select_option("#role", "division_head")
    page.check(f"#divisions-{division.id}")
    assert page.is_checked("input[name=password_choice][value=invite]")
    shoot(page, artifacts, "invite-form")
    page.get_by_role("button", name="สร้างบัญชี").click()
    page.wait_for_url("**/admin/")
    assert "ส่งคำเชิญไปที่ somying@example.org แล้ว" in page.inner_text(".alert")
    assert "เชิญแล้ว" in page.inner_text("table")
    shoot(page, artifacts, "invite-admin-list")
    page.goto("/admin/security")
    shoot(page, artifacts, "sign-in-security-admin")
    sign_out(page)
    page.get_by_role("link", name="ลืมรหัสผ่าน?").click()
    page.wait_for_url("**/password/forgot")
    shoot(page, artifacts, "forgot-password")

    # The person opens the link from the e-mail and chooses a password.
    link = invitation_link(app, "somying@example.org")
    assert link.startswith(live_server)
    page.goto(link)
    assert "ยินดีต้อนรับ" in page.inner_text("h1")
    shoot(page, artifacts, "invite-set-password")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.get_by_role("button", name="บันทึกรหัสผ่าน").click()
    page.wait_for_url("**/login")
    enter_password(page, "somying@example.org")
    page.wait_for_url("**/")

    # Two-step sign-in from the account page: scan (here: read the key), confirm with a code.
    page.goto("/account")
    page.get_by_role("link", name="เปิดใช้การเข้าสู่ระบบสองขั้นตอน").click()
    page.wait_for_url("**/account/two-factor")
    qr = page.locator("img.two-factor-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the CSP let it load
    shoot(page, artifacts, "two-factor-setup")
    secret = page.inner_text("#two-factor-secret").replace(" ", "")
    authenticator = pyotp.TOTP(secret)
    page.fill("#code", authenticator.now())
    page.get_by_role("button", name="เปิดใช้การเข้าสู่ระบบสองขั้นตอน").click()
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    shoot(page, artifacts, "two-factor-recovery-codes")

    sign_out(page)

    # Signing in now takes the password and then a code.
    enter_password(page, "somying@example.org")
    page.wait_for_url("**/login/code")
    shoot(page, artifacts, "two-factor-code")
    # The code of the next 30 seconds (accepted for clock drift): the one used above may not be used twice.
    page.fill("#code", authenticator.at(datetime.now(timezone.utc) + timedelta(seconds=30)))
    page.get_by_role("button", name="ดำเนินการต่อ").click()
    page.wait_for_url("**/")
    assert "นางสาวสมหญิง ใจดี" in page.inner_text("#user-menu")
    page.goto("/account")
    shoot(page, artifacts, "account-two-factor-on")
