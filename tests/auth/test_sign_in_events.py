"""Sign-ins, failures, lockouts, sign-outs and password changes are in the organization's audit trail,
with address and browser; administrators filter them and download them as CSV."""
import csv
import io

import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD
from tracker.auth import throttle
from tracker.auth.clients import describe_browser
from tracker.extensions import db
from tracker.models import AuditEvent, Role

FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def events():
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def post_login(client, email, password):
    return client.post("/login", data={"email": email, "password": password},
                       headers={"User-Agent": FIREFOX}, environ_base={"REMOTE_ADDR": "192.0.2.44"})


def test_every_sign_in_event_is_recorded_with_address_and_browser(app, make_user):
    user = make_user(email="clerk@example.org")
    client = app.test_client()
    for _ in range(throttle.PER_ACCOUNT.free):
        post_login(client, user.email, "wrong-password")
    assert post_login(client, user.email, TEST_PASSWORD).status_code == 429
    post_login(client, "nobody@example.org", "wrong-password")  # no account, no organization: not in a trail
    db.session.execute(sa.delete(AuditEvent))
    db.session.execute(sa.text("DELETE FROM login_attempts"))
    db.session.commit()

    assert post_login(client, user.email, TEST_PASSWORD).status_code == 302
    client.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": "a-new-password-1",
                                           "confirm": "a-new-password-1"}, headers={"User-Agent": FIREFOX},
                environ_base={"REMOTE_ADDR": "192.0.2.44"})
    client.post("/logout", headers={"User-Agent": FIREFOX}, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    recorded = [(e.action, e.actor_id, e.target_id, e.details["ip"], e.details["user_agent"]) for e in events()]
    assert recorded == [
        ("auth.login", user.id, user.id, "192.0.2.44", FIREFOX),
        ("user.password", user.id, user.id, "192.0.2.44", FIREFOX),
        ("auth.logout", user.id, user.id, "192.0.2.44", FIREFOX),
    ]


def test_failures_and_the_lockout_are_recorded_without_an_actor(app, make_user):
    user = make_user(email="clerk@example.org")
    client = app.test_client()
    for _ in range(throttle.PER_ACCOUNT.free):
        post_login(client, user.email, "wrong-password")
    post_login(client, user.email, TEST_PASSWORD)  # refused: not checked, not another event
    recorded = [(e.action, e.actor_id, e.organization_id, e.details["ip"]) for e in events()]
    assert recorded == [("auth.login_failed", None, user.organization_id, "192.0.2.44")] * 5 + [
        ("auth.lockout", None, user.organization_id, "192.0.2.44")]


def test_administrators_see_filter_and_download_sign_in_events(app, make_org, make_user, sign_in, client):
    org = make_org()
    admin = make_user(org, Role.ADMIN)
    clerk = make_user(org, display_name="=HYPERLINK(\"http://evil.example\")", email="palad@example.org")
    outsider = make_user(make_org(), email="outsider@example.org")
    for user in (clerk, outsider):
        post_login(app.test_client(), user.email, "wrong-password")
    post_login(app.test_client(), clerk.email, TEST_PASSWORD)
    sign_in(admin)
    from tracker.audit.services import record

    record(org.id, admin, "division.update", org, changes={"name": ["=1+1", "กองคลัง"]})
    db.session.commit()

    page = client.get("/admin/audit?action=group:sign-in").get_data(as_text=True)
    assert "เข้าสู่ระบบไม่สำเร็จ" in page and "192.0.2.44" in page and "Firefox, Linux" in page
    # The clerk's failure and sign-in and the administrator's sign-in; not the renaming, not the outsider.
    assert "3 รายการ" in page and "outsider@example.org" not in page and "=1+1" not in page
    assert 'href="/admin/audit.csv?action=group:sign-in"' in page

    response = client.get("/admin/audit.csv?action=group:sign-in")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads Thai
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "เมื่อ (เวลาของหน่วยงาน)"
    actions = [row[header.index("รหัสการดำเนินการ")] for row in body]
    assert sorted(actions) == ["auth.login", "auth.login", "auth.login_failed"]
    failed = next(row for row in body if row[header.index("รหัสการดำเนินการ")] == "auth.login_failed")
    assert failed[header.index("ที่อยู่ IP")] == "192.0.2.44" and failed[header.index("เบราว์เซอร์")] == FIREFOX

    everything = client.get("/admin/audit.csv").data.decode("utf-8-sig")
    who = {row[header.index("อีเมล")]: row[header.index("ผู้ดำเนินการ")] for row in body}
    assert who["palad@example.org"] == "'=HYPERLINK(\"http://evil.example\")"  # text, never a formula
    assert "outsider@example.org" not in everything and "=1+1" in everything


def test_only_administrators_download_the_audit_log(make_org, make_user, sign_in, client):
    org = make_org()
    sign_in(make_user(org, Role.EXECUTIVE))
    assert client.get("/admin/audit.csv").status_code in (302, 403)
    assert client.get("/admin/audit.csv").status_code != 200


def test_browsers_are_named_for_a_reader():
    assert describe_browser(FIREFOX) == "Firefox, Linux"
    assert describe_browser("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Mobile Safari/604.1") == "Safari, iOS"
    assert describe_browser("Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537.36 Edg/131.0") == "Edge, Windows"
    assert describe_browser("") == "–" and describe_browser("curl/8.5") == "curl/8.5"
