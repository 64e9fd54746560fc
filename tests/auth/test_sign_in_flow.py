"""One sign-in flow: password (throttled) -> the code of two-step sign-in (throttled alike) ->
the server-side session; every way of setting a password ends the sessions; a lockout is e-mailed once."""
import re
from datetime import datetime, timedelta, timezone

import pyotp
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker.audit import queries as audit_queries
from tracker.audit.services import record
from tracker.auth import invitations, services, throttle, totp
from tracker.auth.account_models import TokenPurpose
from tracker.auth.clients import Client
from tracker.extensions import db
from tracker.models import AuditEvent, LoginAttempt, Notification, UserSession
from tracker.reminders.models import NotificationKind
from tracker.timeutil import utcnow

ACCOUNT_LIMIT = throttle.PER_ACCOUNT.free
OFFICE = Client.of("10.0.0.1", "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0")
WAIT = "กรุณารอ"
LOCKED_SUBJECT = "การเข้าสู่ระบบบัญชีระบบติดตาม ITA ของคุณถูกระงับชั่วคราว"


def turn_on(user) -> str:
    secret = totp.start_setup(user).secret
    # A code of five minutes ago sets it up, so that the code of now is still unused.
    earlier = datetime.now(timezone.utc) - timedelta(minutes=5)
    totp.enable(user, pyotp.TOTP(secret).at(earlier), now=earlier)
    db.session.commit()
    return secret


def events(user) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.target_id == user.id,
                                                               AuditEvent.action.like("auth.%"))
                                   .order_by(AuditEvent.id)))


def lockout_emails(user) -> int:
    """Security e-mails to the user about a lockout (not the one that two-step sign-in was turned on)."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.recipient_id == user.id, Notification.kind == NotificationKind.SECURITY,
        Notification.subject == LOCKED_SUBJECT))


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_the_code_step_opens_the_server_side_session_like_a_password_alone(app, make_user):
    user = make_user(email="careful@example.org")
    secret = turn_on(user)
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                        "remember": "y"}).status_code == 302
    # The right password alone: no session, no sign-in event, no success that resets the counts.
    assert not signed_in(browser)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    assert [e.action for e in events(user)] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0
    assert browser.get_cookie("device") is None

    response = browser.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert signed_in(browser)
    [record_] = db.session.scalars(sa.select(UserSession)).all()
    assert record_.user_id == user.id and record_.remember
    assert [e.action for e in events(user)] == ["auth.login"]
    assert browser.get_cookie("device") is not None
    assert db.session.scalars(sa.select(LoginAttempt.succeeded)).all() == [True]
    # Signing out ends the record the code step opened.
    browser.post("/logout")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_wrong_codes_are_failed_sign_ins_that_lock_out_and_are_e_mailed_once(app, make_user):
    user = make_user(email="careful@example.org")
    secret = turn_on(user)
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    for _ in range(ACCOUNT_LIMIT):
        assert browser.post("/login/code", data={"code": "000000"}).status_code == 400  # refused, and counted (save_refusal)
    failures = [e for e in events(user) if e.action == "auth.login_failed"]
    assert len(failures) == ACCOUNT_LIMIT and all(e.details["second_step"] for e in failures)
    assert [e.action for e in events(user)][-1] == "auth.lockout"
    assert lockout_emails(user) == 1
    # The password does not start a new round of guesses: this client waits, whoever it is.
    refused = app.test_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert refused.status_code == 429 and WAIT in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"]
    assert not signed_in(browser)
    assert lockout_emails(user) == 1


def test_a_right_password_of_a_two_step_account_does_not_reset_the_count(app, make_user):
    user = make_user(email="careful@example.org")
    turn_on(user)
    now = utcnow()
    for _ in range(ACCOUNT_LIMIT - 1):
        assert services.authenticate(user.email, "wrong-password", client=OFFICE, now=now) is None
    assert services.authenticate(user.email, TEST_PASSWORD, client=OFFICE, now=now) == user
    assert services.check_sign_in_code(user, "000000", client=OFFICE, now=now) is None
    db.session.commit()
    assert [e.action for e in events(user)][-1] == "auth.lockout"
    assert lockout_emails(user) == 1


def test_the_lockout_e_mail_goes_once_per_lockout_not_per_attempt(app, make_user):
    user = make_user(email="head@example.org")
    now = utcnow()
    for _ in range(ACCOUNT_LIMIT):
        assert services.authenticate(user.email, "wrong-password", client=OFFICE, now=now) is None
    db.session.commit()
    assert lockout_emails(user) == 1
    later = now + throttle.PER_ACCOUNT.delay(ACCOUNT_LIMIT)
    assert services.authenticate(user.email, "wrong-password", client=OFFICE, now=later) is None
    db.session.commit()
    assert lockout_emails(user) == 1
    assert [e.action for e in events(user)].count("auth.lockout") == 1


def test_a_password_set_with_a_reset_link_ends_every_session(app, make_user):
    user = make_user(email="head@example.org")
    office = app.test_client()
    assert office.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    notification = invitations.request_password_reset(user.email)
    db.session.commit()
    token = re.search(r"/password/reset/([A-Za-z0-9_-]+)", notification.body_text).group(1)
    invitations.set_password_with_link(token, TokenPurpose.PASSWORD_RESET, "a-brand-new-passphrase")
    db.session.commit()
    assert not signed_in(office)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    [reset] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.password_reset")).all()
    assert reset.details["sessions_ended"] == 1


def test_the_sign_in_filter_shows_changes_of_two_step_sign_in_and_passwords(make_org, make_user):
    org = make_org()
    admin, user = make_user(org), make_user(org)
    for action in ("auth.login", "user.two_factor_on", "user.recovery_code_used", "user.password_reset",
                   "org.require_two_factor", "user.update", "user.language"):
        record(org.id, admin, action, user)
    db.session.commit()
    query = audit_queries.events_query(org.id, tz_name="Asia/Bangkok", action=audit_queries.SIGN_IN_GROUP)
    assert sorted(e.action for e in audit_queries.all_events(query)) == [
        "auth.login", "org.require_two_factor", "user.password_reset", "user.recovery_code_used",
        "user.two_factor_on"]
