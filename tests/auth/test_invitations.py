"""Invitations, "forgot my password" links, forced password changes and the owner's security e-mails."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker.auth import invitations, notices, services
from tracker.auth.account_models import AccountToken, TokenPurpose
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, Role, User
from tracker.reminders.models import NotificationKind

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
NEW_PASSWORD = "ม้าลายกินหญ้าตอนเช้า"


def outbox(kind=None, to=None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    if to:
        query = query.where(Notification.recipient_email == to)
    return list(db.session.scalars(query))


def link_in(notification: Notification, path: str) -> str:
    match = re.search(rf"http://tracker\.test({path}/[A-Za-z0-9_-]+)", notification.body_text)
    assert match, notification.body_text
    assert match.group(0) in notification.body_html
    return match.group(1)


def actions() -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


@pytest.fixture
def office(make_org, make_division, make_user):
    org = make_org()
    division = make_division(org, "กองคลัง")
    admin = make_user(org, Role.ADMIN, display_name="ผู้ดูแลระบบ")
    return org, division, admin


# --- invitations -----------------------------------------------------------------------

def test_an_administrator_invites_and_the_person_sets_their_own_password(office, client, sign_in):
    org, division, admin = office
    sign_in(admin)
    response = client.post("/admin/users/new", data={
        "display_name": "นางสาวสมหญิง ใจดี", "email": "somying@example.org", "role": "division_head",
        "divisions": [str(division.id)], "heads": [str(division.id)], "password_choice": "invite"})
    assert response.status_code == 302
    user = db.session.scalars(sa.select(User).where(User.email == "somying@example.org")).one()
    assert user.headed_division_ids == {division.id} and user.role == Role.DIVISION_HEAD
    [invitation] = outbox(NotificationKind.INVITATION)
    assert invitation.recipient_id == user.id and invitation.run_date is None
    path = link_in(invitation, "/invitation")
    token = path.rsplit("/", 1)[1]
    # Only a hash of the token is stored.
    stored = db.session.scalars(sa.select(AccountToken)).one()
    assert stored.token_hash == invitations.hash_token(token) and token not in stored.token_hash
    assert stored.expires_at - stored.created_at == timedelta(hours=72)
    assert actions()[-2:] == ["user.create", "user.invite"]
    client.post("/logout")

    page = client.get(path)
    assert page.status_code == 200 and "somying@example.org" in page.get_data(as_text=True)
    weak = client.post(path, data={"password": "1234567890", "confirm": "1234567890"})
    assert weak.status_code == 400 and "คนใช้กันมาก" in weak.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    client.post("/logout")
    # Single use.
    assert client.get(path).status_code == 404
    assert client.post(path, data={"password": "another-long-passphrase", "confirm": "another-long-passphrase"}).status_code == 404
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert actions()[-1] == "user.invitation_accepted"


def test_an_invited_account_has_no_password_anyone_knows(office):
    org, division, admin = office
    user = invitations.invite_user(admin, org, email="new@example.org", display_name="คนใหม่", role="staff", now=NOW)
    db.session.commit()
    for guess in ("", TEST_PASSWORD, "None", "null"):
        assert not user.check_password(guess)
    assert services.authenticate("new@example.org", TEST_PASSWORD) is None


def test_an_invitation_link_works_for_72_hours_only(office):
    org, division, admin = office
    user = invitations.invite_user(admin, org, email="late@example.org", display_name="มาสาย", role="staff", now=NOW)
    token = link_in(outbox(NotificationKind.INVITATION)[0], "/invitation").rsplit("/", 1)[1]
    db.session.commit()
    assert invitations.find_token(token, TokenPurpose.INVITATION, NOW + timedelta(hours=71, minutes=59)) is not None
    assert invitations.find_token(token, TokenPurpose.INVITATION, NOW + timedelta(hours=72)) is None
    assert invitations.find_token(token, TokenPurpose.PASSWORD_RESET, NOW) is None  # not a reset link
    with pytest.raises(ValidationFailed):
        invitations.set_password_with_link(token, TokenPurpose.INVITATION, NEW_PASSWORD, now=NOW + timedelta(hours=72))
    assert invitations.invitation_state(user, NOW + timedelta(hours=73)) == "expired"
    assert invitations.invitation_states(org.id, NOW + timedelta(hours=73)) == {user.id: "expired"}


def test_sending_the_invitation_again_ends_the_first_link(office, client, sign_in):
    org, division, admin = office
    user = invitations.invite_user(admin, org, email="again@example.org", display_name="ส่งซ้ำ", role="staff", now=NOW)
    db.session.commit()
    first = link_in(outbox(NotificationKind.INVITATION)[0], "/invitation")
    sign_in(admin)
    assert "ส่งคำเชิญอีกครั้ง" in client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert client.post(f"/admin/users/{user.id}/invitation").status_code == 302
    second = link_in(outbox(NotificationKind.INVITATION)[1], "/invitation")
    client.post("/logout")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_invitation_cannot_be_sent_again_once_accepted(office):
    org, division, admin = office
    user = invitations.invite_user(admin, org, email="done@example.org", display_name="เสร็จแล้ว", role="staff", now=NOW)
    token = link_in(outbox(NotificationKind.INVITATION)[0], "/invitation").rsplit("/", 1)[1]
    invitations.set_password_with_link(token, TokenPurpose.INVITATION, NEW_PASSWORD, now=NOW)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        invitations.resend_invitation(admin, user, NOW)


# --- forgot my password ----------------------------------------------------------------------

def test_forgot_password_answers_the_same_whether_the_address_exists(client, make_user):
    user = make_user(email="known@example.org")
    known = client.post("/password/forgot", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    strip = lambda r: re.sub(r'name="csrf_token"[^>]*', "", r.get_data(as_text=True))
    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    assert "หากมีบัญชีที่ใช้อีเมลนี้" in strip(known)
    resets = outbox(NotificationKind.PASSWORD_RESET)
    assert resets and {r.recipient_id for r in resets} == {user.id}


def test_the_sign_in_page_links_to_forgot_password(client):
    body = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in body and "ลืมรหัสผ่าน" in body


def test_a_reset_link_works_once_within_one_hour(make_user):
    user = make_user(email="forgetful@example.org")
    invitations.request_password_reset("Forgetful@Example.org ", now=NOW)
    token = link_in(outbox(NotificationKind.PASSWORD_RESET)[0], "/password/reset").rsplit("/", 1)[1]
    db.session.commit()
    assert invitations.find_token(token, TokenPurpose.PASSWORD_RESET, NOW + timedelta(minutes=59)) is not None
    assert invitations.find_token(token, TokenPurpose.PASSWORD_RESET, NOW + timedelta(hours=1)) is None
    invitations.set_password_with_link(token, TokenPurpose.PASSWORD_RESET, NEW_PASSWORD, now=NOW + timedelta(minutes=30))
    db.session.commit()
    assert user.check_password(NEW_PASSWORD)
    with pytest.raises(ValidationFailed):
        invitations.set_password_with_link(token, TokenPurpose.PASSWORD_RESET, "another-long-passphrase",
                                           now=NOW + timedelta(minutes=31))
    # The owner is told that the password changed.
    [notice] = outbox(NotificationKind.SECURITY)
    assert notice.recipient_id == user.id and "เปลี่ยน" in notice.subject


def test_a_reset_through_the_pages_signs_out_every_other_session(app, client, make_user, sign_in):
    user = make_user(email="stolen@example.org")
    thief = app.test_client()
    assert thief.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    assert thief.get("/account").status_code == 200
    with client.post("/password/forgot", data={"email": user.email}):
        pass  # the link is made once the answer is closed
    path = link_in(outbox(NotificationKind.PASSWORD_RESET)[0], "/password/reset")
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert thief.get("/account").status_code == 302
    assert actions()[-1] == "user.password_reset"


def test_reset_e_mails_to_one_address_are_limited(make_user):
    make_user(email="target@example.org")
    for minute in range(5):
        invitations.request_password_reset("target@example.org", now=NOW + timedelta(minutes=minute))
    assert len(outbox(NotificationKind.PASSWORD_RESET)) == invitations.MAX_RESETS_PER_HOUR
    invitations.request_password_reset("target@example.org", now=NOW + timedelta(minutes=61))
    assert len(outbox(NotificationKind.PASSWORD_RESET)) == invitations.MAX_RESETS_PER_HOUR + 1


def test_a_newer_reset_link_ends_the_older_one(make_user):
    make_user(email="twice@example.org")
    invitations.request_password_reset("twice@example.org", now=NOW)
    invitations.request_password_reset("twice@example.org", now=NOW + timedelta(minutes=1))
    first, second = [link_in(n, "/password/reset").rsplit("/", 1)[1] for n in outbox(NotificationKind.PASSWORD_RESET)]
    assert invitations.find_token(first, TokenPurpose.PASSWORD_RESET, NOW + timedelta(minutes=2)) is None
    assert invitations.find_token(second, TokenPurpose.PASSWORD_RESET, NOW + timedelta(minutes=2)) is not None


def test_no_reset_link_for_a_deactivated_account(make_user):
    make_user(email="gone@example.org", active=False)
    invitations.request_password_reset("gone@example.org", now=NOW)
    assert outbox() == []


# --- passwords set by an administrator ---------------------------------------------------------

def test_a_password_set_by_an_administrator_must_be_changed_at_sign_in(office, app, client, sign_in, make_user):
    org, division, admin = office
    user = make_user(org, email="given@example.org")
    sign_in(admin)
    response = client.post(f"/admin/users/{user.id}/password",
                           data={"password_choice": "type", "password": "given-by-admin-2569"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.must_change_password
    client.post("/logout")

    assert client.post("/login", data={"email": user.email, "password": "given-by-admin-2569"}).status_code == 302
    for page in ("/", "/account", "/reminders/"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/new-password")
    same = client.post("/account/new-password", data={"password": "given-by-admin-2569", "confirm": "given-by-admin-2569"})
    assert same.status_code == 400
    done = client.post("/account/new-password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    db.session.refresh(user)
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert client.get("/account").status_code == 200


def test_a_new_account_with_an_administrators_password_must_change_it(office):
    org, division, admin = office
    user = services.create_user(org, email="typed@example.org", display_name="พิมพ์ให้", role="staff",
                                password="typed-by-admin-2569", actor=admin)
    assert user.must_change_password
    cli_user = services.create_user(org, email="cli@example.org", display_name="คำสั่ง", role="admin",
                                    password="typed-at-the-console", actor=None)
    assert not cli_user.must_change_password  # the command line sets up the first administrator


def test_the_owner_is_told_when_their_password_changes(client, make_user, sign_in):
    user = make_user(email="owner@example.org")
    sign_in(user)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    [notice] = outbox(NotificationKind.SECURITY, to="owner@example.org")
    assert "owner@example.org" in notice.body_text


def test_the_account_page_refuses_a_common_password(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "qwertyuiop", "confirm": "qwertyuiop"})
    assert response.status_code == 400 and "คนใช้กันมาก" in response.get_data(as_text=True)


def test_the_lockout_code_can_tell_the_owner(make_user):
    user = make_user(email="locked@example.org", locale="en")
    notices.notify_account_locked(user, NOW)
    db.session.commit()
    [notice] = outbox(NotificationKind.SECURITY)
    assert notice.subject == "Sign-in to your ITA Tracker account was locked"
    assert "locked@example.org" in notice.body_text and "locked" in notice.body_html


def test_the_reset_link_is_made_and_sent_after_the_answer(client, make_user):
    """The answer leaves before anything is looked up, so that its timing does
    not tell whether the address has an account; the e-mail then leaves
    through the outbox's sender."""
    make_user(email="deliver@example.org")
    for address in ("nobody@example.org", "deliver@example.org"):
        with client.post("/password/forgot", data={"email": address}) as response:
            assert response.status_code == 302
            assert outbox(NotificationKind.PASSWORD_RESET) == []
            assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountToken)) == 0
    db.session.expire_all()
    [message] = outbox(NotificationKind.PASSWORD_RESET)
    assert message.recipient_email == "deliver@example.org" and message.status == "sent"


def test_security_notices_are_delivered_after_the_answer(client, make_user, sign_in):
    user = make_user(email="changed@example.org")
    sign_in(user)
    with client.post("/account/password", data={
            "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}) as response:
        assert response.status_code == 302
        [notice] = outbox(NotificationKind.SECURITY)
        assert notice.status == "pending"
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).status == "sent"
