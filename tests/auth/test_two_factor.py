"""Two-step sign-in: TOTP codes, recovery codes, the organization's requirement, the administrator's reset."""
import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker.auth import totp
from tracker.auth.account_models import RecoveryCode, TwoFactor
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, Role
from tracker.reminders.models import NotificationKind

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)


def actions() -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def turn_on(user, now=NOW) -> tuple[str, list[str]]:
    secret = totp.start_setup(user).secret
    codes = totp.enable(user, code_at(secret, now), now=now)
    db.session.commit()
    return secret, codes


def shown_secret(body: str) -> str:
    """The secret the setup page shows (and sends back with its form)."""
    return re.search(r'name="secret" type="hidden" value="([A-Z2-7]+)"', body).group(1)


def sign_in_with_password(client, user, password=TEST_PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


# --- the account page ------------------------------------------------------------------

def test_any_user_turns_it_on_from_the_account_page_with_a_code(client, make_user, sign_in):
    user = make_user(email="staff@example.org")
    sign_in(user)
    assert "/account/two-factor" in client.get("/account").get_data(as_text=True)
    page = client.get("/account/two-factor")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    # The QR code is made here, inline, and the CSP lets the page show it.
    assert re.search(r'<img src="data:image/svg\+xml;charset=utf-8,%3Csvg', body)
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    secret = shown_secret(body)
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in body
    assert not totp.is_enabled(user)
    assert db.session.get(TwoFactor, user.id) is None  # a GET saves nothing

    wrong = client.post("/account/two-factor/enable", data={"code": "000000", "secret": secret})
    assert wrong.status_code == 400 and not totp.is_enabled(user)
    assert shown_secret(wrong.get_data(as_text=True)) == secret  # the code already scanned still counts
    forged = client.post("/account/two-factor/enable", data={"code": "123456", "secret": "not a secret"})
    assert forged.status_code == 400 and db.session.get(TwoFactor, user.id) is None
    done = client.post("/account/two-factor/enable", data={"code": pyotp.TOTP(secret).now(), "secret": secret})
    assert done.status_code == 200
    codes = re.findall(r"<code class=\"fs-6\">([a-z0-9-]+)</code>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.expire_all()
    assert totp.is_enabled(user)
    # Stored hashed, never as shown.
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert actions()[-1] == "user.two_factor_on"
    assert db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.SECURITY)).one()


def test_signing_in_asks_for_the_code_after_the_password(client, make_user):
    user = make_user(email="careful@example.org")
    secret, _ = turn_on(user, datetime.now(timezone.utc) - timedelta(minutes=5))
    response = sign_in_with_password(client, user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert client.get("/account").status_code == 302  # not signed in yet
    # A wrong code is refused (400) like a wrong password on the sign-in page, and its count is still saved.
    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 400 and "is-invalid" in wrong.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    db.session.expire_all()
    assert totp.failed_attempts(user) == 1
    code = pyotp.TOTP(secret).now()
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert client.get("/account").status_code == 200
    client.post("/logout")
    # The same code does not sign in twice.
    sign_in_with_password(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 400
    assert client.get("/account").status_code == 302


def test_the_code_step_is_refused_without_the_password_step(client, make_user):
    user = make_user()
    secret, _ = turn_on(user)
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/account").status_code == 302


def test_too_many_wrong_codes_ask_for_the_password_again(client, make_user):
    user = make_user()
    secret, _ = turn_on(user, datetime.now(timezone.utc) - timedelta(minutes=5))
    sign_in_with_password(client, user)
    for _ in range(totp.MAX_CODE_FAILURES):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 400
    blocked = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/login")
    assert client.get("/account").status_code == 302


def test_a_recovery_code_signs_in_once(client, make_user):
    user = make_user()
    _, codes = turn_on(user)
    sign_in_with_password(client, user)
    assert client.post("/login/code", data={"code": codes[0].upper().replace("-", " ")}).status_code == 302
    assert client.get("/account").status_code == 200
    assert totp.remaining_recovery_codes(user) == 9
    client.post("/logout")
    sign_in_with_password(client, user)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 400
    assert client.get("/account").status_code == 302
    assert "user.recovery_code_used" in actions()


def test_codes_with_a_fixed_clock(make_user):
    user = make_user()
    secret, codes = turn_on(user, NOW)
    later = NOW + timedelta(minutes=10)
    assert totp.verify_sign_in(user, code_at(secret, later), later) == "totp"
    assert totp.verify_sign_in(user, code_at(secret, later), later) is None  # used
    # One 30-second step of drift either way is accepted; more is not.
    assert totp.verify_sign_in(user, code_at(secret, later + timedelta(seconds=30)), later) == "totp"
    assert totp.verify_sign_in(user, code_at(secret, later + timedelta(seconds=150)), later) is None
    assert totp.verify_sign_in(user, code_at(secret, later - timedelta(seconds=90)), later) is None
    assert totp.verify_sign_in(user, codes[3], later) == "recovery"
    assert totp.verify_sign_in(user, codes[3], later) is None


def test_new_recovery_codes_replace_the_old_ones(make_user):
    user = make_user()
    _, old = turn_on(user)
    with pytest.raises(ValidationFailed):
        totp.regenerate_recovery_codes(user, "wrong password")
    new = totp.regenerate_recovery_codes(user, TEST_PASSWORD)
    assert totp.verify_sign_in(user, old[0], NOW) is None
    assert totp.verify_sign_in(user, new[0], NOW) == "recovery"


def test_turning_it_off_needs_the_password(make_user):
    user = make_user()
    turn_on(user)
    with pytest.raises(ValidationFailed):
        totp.disable(user, "not my password")
    totp.disable(user, TEST_PASSWORD)
    db.session.commit()
    assert not totp.is_enabled(user)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert actions()[-1] == "user.two_factor_off"


# --- the organization's requirement ---------------------------------------------------------------

def test_an_organization_can_require_it_of_administrators_and_executives(client, make_org, make_user, sign_in):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    executive = make_user(org, Role.EXECUTIVE)
    staff = make_user(org, Role.STAFF)
    sign_in(admin)
    page = client.get("/admin/security")
    assert page.status_code == 200
    assert client.post("/admin/security", data={"require_two_factor": "y"}).status_code == 302
    db.session.refresh(org)
    assert org.require_two_factor and actions()[-1] == "org.require_two_factor"
    client.post("/logout")

    for person in (admin, executive):
        sign_in(person)
        for path in ("/", "/account", "/admin/"):
            response = client.get(path)
            assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor"), path
        body = client.get("/account/two-factor").get_data(as_text=True)
        assert "ต้องใช้การเข้าสู่ระบบสองขั้นตอน" in body
        secret = shown_secret(body)
        assert client.post("/account/two-factor/enable",
                           data={"code": pyotp.TOTP(secret).now(), "secret": secret}).status_code == 200
        assert client.get("/").status_code == 200
        with pytest.raises(ValidationFailed):
            totp.disable(person, TEST_PASSWORD)
        client.post("/logout")

    sign_in(staff)
    assert client.get("/").status_code == 200


def test_only_an_administrator_sets_the_requirement(client, make_org, make_user, sign_in):
    org = make_org()
    executive = make_user(org, Role.EXECUTIVE)
    sign_in(executive)
    assert client.post("/admin/security", data={"require_two_factor": "y"}).status_code == 403
    db.session.refresh(org)
    assert not org.require_two_factor


# --- the administrator's reset -----------------------------------------------------------------

def test_an_administrator_resets_a_lost_second_factor(client, make_org, make_user, sign_in):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    user = make_user(org, Role.STAFF, email="lost.phone@example.org")
    turn_on(user)
    sign_in(admin)
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f"/admin/users/{user.id}/two-factor/reset" in page
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 302
    db.session.expire_all()
    assert not totp.is_enabled(user)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset")).one()
    assert event.actor_id == admin.id and event.target_id == user.id
    notices = db.session.scalars(sa.select(Notification).where(Notification.recipient_id == user.id,
                                                               Notification.kind == NotificationKind.SECURITY)).all()
    assert "รีเซ็ต" in notices[-1].body_text
    # The person signs in with the password alone again.
    client.post("/logout")
    assert sign_in_with_password(client, user).headers["Location"].endswith("/")


def test_the_reset_is_for_administrators_of_the_same_organization(client, make_org, make_user, sign_in):
    org, other = make_org(), make_org()
    user = make_user(org, Role.STAFF)
    turn_on(user)
    head = make_user(org, Role.DIVISION_HEAD)
    stranger = make_user(other, Role.ADMIN)
    with pytest.raises(NotFound):
        totp.reset_for(stranger, user)
    sign_in(stranger)
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 404
    client.post("/logout")
    sign_in(head)
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 403
    assert totp.is_enabled(user)


def test_the_command_line_resets_the_only_administrators_second_factor(app, make_org, make_user):
    org = make_org()
    admin = make_user(org, Role.ADMIN, email="only.admin@example.org")
    turn_on(admin)
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "--email", "Only.Admin@example.org"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not totp.is_enabled(admin)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset")).one()
    assert event.actor_id is None and event.target_id == admin.id
    unknown = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "--email", "nobody@example.org"])
    assert unknown.exit_code == 1
