"""In a real browser: the account page lists where one is signed in and signs another device out;
the audit log shows the sign-ins. Screenshots at desktop and phone width."""
import pytest

from tracker.models import Role

from .conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_signing_out_a_phone_from_the_office_computer(page, browser, live_server, artifacts, make_org, make_user):
    org = make_org()
    admin = make_user(org, Role.ADMIN, display_name="ผู้ดูแลระบบ")
    sign_in(page, admin.email)
    phone_context = browser.new_context(viewport=PHONE, base_url=live_server, is_mobile=True,
                                        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                                                   "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")
    phone = phone_context.new_page()
    try:
        sign_in(phone, admin.email)
        phone.goto("/account")
        phone.locator("#sessions").scroll_into_view_if_needed()
        phone.screenshot(path=str(artifacts / "account-sessions-phone.png"), full_page=True)

        page.goto("/account")
        rows = page.locator("#sessions li")
        assert rows.count() == 2
        assert "อุปกรณ์นี้" in rows.nth(0).inner_text() or "อุปกรณ์นี้" in rows.nth(1).inner_text()
        page.screenshot(path=str(artifacts / "account-sessions-desktop.png"), full_page=True)
        android = page.locator("#sessions li", has_text="Android")
        android.get_by_role("button", name="ออกจากระบบ").click()
        page.wait_for_url("**/account")
        assert "ออกจากระบบในอุปกรณ์นั้นแล้ว" in page.inner_text("body")
        assert page.locator("#sessions li").count() == 1

        phone.reload()
        assert "/login" in phone.url  # the phone's cookie no longer opens anything

        page.goto("/admin/audit?action=group:sign-in")
        assert page.locator("tbody tr").count() == 3  # two sign-ins and the phone signed out
        page.screenshot(path=str(artifacts / "audit-sign-ins-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(artifacts / "audit-sign-ins-phone.png"), full_page=True)
    finally:
        phone_context.close()


def test_an_unknown_browser_is_told_how_long_to_wait(page, artifacts, make_org, make_user):
    from tracker.auth import throttle

    user = make_user(make_org())
    page.set_viewport_size(PHONE)
    for attempt in range(throttle.PER_ACCOUNT.free + 1):
        page.goto("/login")
        page.fill("#email", user.email)
        page.fill("#password", "not-the-password" if attempt < throttle.PER_ACCOUNT.free else "x" * 12)
        with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as sent:
            page.click("#submit")
    assert sent.value.status == 429
    # The refused sign-ins (400) and the slow-down (429) are the point, not faults.
    expected = {f"400 {sent.value.url}", f"429 {sent.value.url}"}
    page.console_errors[:] = [error for error in page.console_errors if error not in expected]
    assert "กรุณารอ 1 นาที" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "sign-in-slowed-down-phone.png"), full_page=True)
