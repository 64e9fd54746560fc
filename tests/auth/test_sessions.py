"""Sessions live on the server: signing out ends them, whatever cookie was copied; they time out;
the account page lists them and signs them out."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker import create_app
from tracker.auth import services as users
from tracker.auth import sessions
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User, UserSession
from tracker.timeutil import utcnow

CHROME = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"}
PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"}


def sign_in_as(client, user, remember=False, headers=None):
    data = {"email": user.email, "password": TEST_PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/login", data=data, headers=headers or {}).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def copy_cookies(source, target, *names):
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app, make_user):
    user = make_user()
    browser = sign_in_as(app.test_client(), user)
    thief = app.test_client()
    copy_cookies(browser, thief, "session")
    assert signed_in(thief)  # the copy works while the session lives
    assert browser.post("/logout").status_code == 302
    assert not signed_in(thief)
    assert thief.get("/account").headers["Location"].startswith("/login")


def test_a_remember_me_cookie_copied_before_sign_out_is_refused_after_it(app, make_user):
    user = make_user()
    browser = sign_in_as(app.test_client(), user, remember=True)
    thief = app.test_client()
    copy_cookies(browser, thief, "remember_token")  # the browser was closed: only the long-lived cookie
    assert signed_in(thief)
    browser.post("/logout")
    late = app.test_client()
    copy_cookies(thief, late, "remember_token")
    assert not signed_in(late)


def test_an_idle_session_ends_after_the_idle_timeout(app, make_user):
    user = make_user()
    browser = sign_in_as(app.test_client(), user)
    record = db.session.scalars(sa.select(UserSession)).one()
    assert app.config["SESSION_IDLE_MINUTES"] == 8 * 60
    record.last_seen_at = utcnow() - timedelta(hours=7, minutes=59)
    db.session.commit()
    assert signed_in(browser)  # and that use counts as activity
    assert db.session.scalars(sa.select(UserSession)).one().last_seen_at > utcnow() - timedelta(minutes=1)
    record = db.session.scalars(sa.select(UserSession)).one()
    record.last_seen_at = utcnow() - timedelta(hours=8, minutes=1)
    db.session.commit()
    assert not signed_in(browser)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_remember_me_lasts_at_most_thirty_days(app, make_user):
    user = make_user()
    response = app.test_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                      "remember": "y"})
    record = db.session.scalars(sa.select(UserSession)).one()
    assert record.remember and timedelta(days=29, hours=23) < record.expires_at - record.created_at <= timedelta(days=30)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie
    # Unused for two weeks, a remembered session still works; past its 30 days it does not.
    record.last_seen_at = utcnow() - timedelta(days=14)
    db.session.commit()
    assert not sessions.is_expired(record, now=utcnow(), idle=timedelta(hours=8))
    assert sessions.is_expired(record, now=record.created_at + timedelta(days=30), idle=timedelta(hours=8))


def test_a_session_without_remember_me_has_an_absolute_limit(app, make_user):
    user = make_user()
    browser = sign_in_as(app.test_client(), user)
    record = db.session.scalars(sa.select(UserSession)).one()
    assert record.expires_at - record.created_at == timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not signed_in(browser)


def test_the_account_page_lists_the_sessions_and_signs_one_out(app, make_user):
    user = make_user()
    office = sign_in_as(app.test_client(), user, headers=CHROME)
    phone = sign_in_as(app.test_client(), user, headers=PHONE)
    page = office.get("/account").get_data(as_text=True)
    assert "Chrome, Windows" in page and "Chrome, Android" in page
    assert page.count("อุปกรณ์นี้") == 1 and "127.0.0.1" in page
    phone_session = db.session.scalars(sa.select(UserSession).where(UserSession.user_agent.contains("Android"))).one()
    assert office.post(f"/account/sessions/{phone_session.id}/end").status_code == 302
    assert not signed_in(phone) and signed_in(office)
    # Not someone else's session.
    other = make_user()
    sign_in_as(app.test_client(), other)
    other_session = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == other.id)).one()
    office.post(f"/account/sessions/{other_session.id}/end")
    assert db.session.get(UserSession, other_session.id) is not None
    assert db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "auth.session_ended")).all() == [
        "auth.session_ended"]


def test_sign_out_everywhere_ends_every_session(app, make_user):
    user = make_user()
    office, phone = sign_in_as(app.test_client(), user), sign_in_as(app.test_client(), user, remember=True)
    response = office.post("/account/sessions/end-all")
    assert response.headers["Location"].startswith("/login")
    assert not signed_in(office) and not signed_in(phone)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_changing_ones_password_ends_every_other_session(app, make_user):
    user = make_user()
    office, phone = sign_in_as(app.test_client(), user), sign_in_as(app.test_client(), user)
    response = office.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert response.status_code == 302
    assert signed_in(office) and not signed_in(phone)


def test_an_administrator_setting_a_password_or_deactivating_ends_every_session(app, make_user, make_org):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    first, second = make_user(org), make_user(org)
    first_browser, second_browser = sign_in_as(app.test_client(), first), sign_in_as(app.test_client(), second)
    users.set_password_for(admin, first, "another-password-1")
    users.set_user_active(admin, second, False, base_token=None)
    db.session.commit()
    assert not signed_in(first_browser) and not signed_in(second_browser)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_the_csrf_token_is_renewed_at_sign_in(database_url, app, tmp_path, make_user):
    user = make_user()
    csrf_app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path),
                          WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as session:
        before = session["csrf_token"]
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before
    # The token of the sign-in page no longer signs out (or posts anything).
    assert client.post("/logout", data={"csrf_token": token}).status_code == 400
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/account").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": fresh.group(1)}).status_code == 302


def test_production_cookies_carry_the_host_prefix(database_url, app, tmp_path, make_user):
    user = make_user()
    production = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path),
                            SECRET_KEY="x" * 40, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                            WTF_CSRF_ENABLED=False)
    assert production.config["SESSION_COOKIE_SECURE"]
    response = production.test_client().post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"},
        base_url="https://tracker.test")
    cookies = response.headers.getlist("Set-Cookie")
    names = sorted(c.split("=", 1)[0] for c in cookies)
    assert names == ["__Host-device", "__Host-remember_token", "__Host-session"]
    for cookie in cookies:
        assert "Secure" in cookie and "Path=/" in cookie and "Domain=" not in cookie and "HttpOnly" in cookie


def test_session_records_keep_only_a_hash_of_the_token(app, make_user):
    browser = sign_in_as(app.test_client(), make_user())
    record = db.session.scalars(sa.select(UserSession)).one()
    cookie = browser.get_cookie("session").value
    assert record.token_hash not in cookie and len(record.token_hash) == 64
