"""Sign-in, sign-out, CSRF and session cookies."""
import re

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker import create_app
from tracker.auth import services
from tracker.extensions import db
from tracker.models import AuditEvent, User

WRONG = "อีเมลหรือรหัสผ่านไม่ถูกต้อง"


def test_sign_in_page_is_thai(client):
    page = client.get("/login")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="th">' in body
    assert "เข้าสู่ระบบ" in body
    assert "รหัสผ่าน" in body


def test_sign_in_page_in_english_on_request(client):
    body = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in body
    assert "Sign in" in body


def test_correct_password_signs_in(client, make_user):
    user = make_user(email="head@example.org")
    response = client.post("/login", data={"email": "Head@Example.org ", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    make_user(email="head@example.org")
    wrong_password = client.post("/login", data={"email": "head@example.org", "password": "nope-nope-nope"})
    unknown_email = client.post("/login", data={"email": "nobody@example.org", "password": "nope-nope-nope"})
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
    strip = lambda r: re.sub(r'name="csrf_token"[^>]*', "", r.get_data(as_text=True)).replace("nobody@example.org", "head@example.org")
    assert strip(wrong_password) == strip(unknown_email)
    assert client.get("/").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(client, make_user):
    make_user(email="gone@example.org", active=False)
    response = client.post("/login", data={"email": "gone@example.org", "password": TEST_PASSWORD})
    assert WRONG in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_session(client, sign_in, make_user):
    user = make_user()
    sign_in(user)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_out_is_post_only(client, sign_in, make_user):
    sign_in(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, make_user):
    user = make_user()
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.fixture
def csrf_app(database_url, app, tmp_path):
    """The same app with CSRF protection on, as in production."""
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(tmp_path),
        WTF_CSRF_ENABLED=True,
    )


def test_form_without_csrf_token_is_refused(csrf_app, make_user):
    user = make_user()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    with csrf_app.app_context():
        assert db.session.get(User, user.id).last_login_at is None


def test_form_with_csrf_token_is_accepted(csrf_app, make_user):
    user = make_user()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_sign_out_without_csrf_token_is_refused(csrf_app, make_user):
    user = make_user()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in


def test_session_cookie_is_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_change_password_checks_the_current_one_and_logs_it(client, sign_in, make_user):
    user = make_user()
    sign_in(user)
    bad = client.post("/account/password", data={"current_password": "wrong-wrong", "new_password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert bad.status_code == 400
    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in bad.get_data(as_text=True)
    good = client.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert good.status_code == 302
    assert client.get("/").status_code == 200  # this session survives the change
    assert db.session.get(User, user.id).check_password("a-new-password-1")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "user.password")) == 1


def test_a_short_new_password_is_refused_with_the_services_minimum(client, sign_in, make_user):
    sign_in(make_user())
    short = "x" * (services.MIN_PASSWORD_LENGTH - 1)
    response = client.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": short,
                                                      "confirm": short})
    assert response.status_code == 400
    assert f"รหัสผ่านต้องมีอย่างน้อย {services.MIN_PASSWORD_LENGTH} ตัวอักษร" in response.get_data(as_text=True)


def test_language_choice_is_kept_per_user(client, sign_in, make_user):
    user = make_user()
    sign_in(user)
    client.post("/account/language", data={"locale": "en"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert db.session.get(User, user.id).locale == "en"


def test_a_language_change_goes_through_the_service_and_is_audited(client, sign_in, make_user):
    user = make_user()
    before = user.locale
    sign_in(user)
    client.post("/account/language", data={"locale": "en"})
    client.post("/account/language", data={"locale": "en"})  # no change, nothing to record
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.language")).all()
    assert (event.actor_id, event.details["changes"]) == (user.id, {"locale": [before, "en"]})


def test_a_wrong_current_password_is_refused_by_the_service(client, sign_in, make_user):
    user = make_user()
    sign_in(user)
    new = "a-new-password-long-enough"
    response = client.post("/account/password", data={"current_password": "wrong", "new_password": new, "confirm": new})
    assert response.status_code == 400
    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.password")).all()
