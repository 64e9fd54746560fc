"""A long mail outage: what gave up goes out once the server answers, admins are told once, dead senders let go."""
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.reminders.delivery import claim, deliver_pending
from tracker.reminders.models import DeliveryStatus, MailAlert, Notification, NotificationKind
from tracker.reminders.outbox import run_reminders
from tracker.reminders.services import queue_test_email

from .conftest import EXPECTED_TUESDAY, TUESDAY, bangkok

NOW = bangkok(TUESDAY, 8, 0)


def outbox(kind=NotificationKind.REMINDER):
    db.session.expire_all()
    return db.session.scalars(sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)).all()


def alerts():
    return outbox(NotificationKind.MAIL_ALERT)


def reminders_to(smtp):
    """Who received a reminder (not a test e-mail or an alert)."""
    ids = {n.message_id for n in outbox()}
    return sorted(m["To"].addresses[0].addr_spec for m in smtp.messages if m["Message-ID"] in ids)


@pytest.fixture
def gave_up(office, smtp, app, monkeypatch):
    """Tuesday's reminders, tried three times while the server was down, then given up."""
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.inbox.refuse.add("english@example.org")
    run_reminders(office.org, TUESDAY, trigger="cli", now=NOW)
    db.session.commit()
    smtp.stop()
    now = NOW
    for _ in range(3):
        deliver_pending(now=now)
        now += timedelta(minutes=20)
    assert {n.status for n in outbox()} == {DeliveryStatus.FAILED}
    return now


def test_once_the_server_answers_what_gave_up_goes_out_by_itself(office, smtp, gave_up):
    later = gave_up + timedelta(hours=12)
    assert deliver_pending(now=later).sent == 0  # still down: nothing revived, nothing lost
    assert {n.status for n in outbox()} == {DeliveryStatus.FAILED}

    smtp.start()
    # Nothing else is due: the sender asks the server, which answers, and sends them.
    report = deliver_pending(now=later + timedelta(minutes=5))
    assert report.revived == len(EXPECTED_TUESDAY)
    refused = "english@example.org"
    assert reminders_to(smtp) == sorted(set(EXPECTED_TUESDAY) - {refused})
    assert {n.recipient_email: n.status for n in outbox()} == {
        email: DeliveryStatus.FAILED if email == refused else DeliveryStatus.SENT for email in EXPECTED_TUESDAY
    }
    # The refused address is that mailbox's problem, not an outage: it stays failed, and is not tried again.
    assert deliver_pending(now=later + timedelta(hours=1)).sent == 0
    assert reminders_to(smtp).count(refused) == 0
    assert next(n for n in outbox() if n.recipient_email == refused).last_error_kind == "recipient"


def test_a_later_message_delivered_brings_the_failed_ones_along(office, smtp, gave_up):
    smtp.start()
    test_mail = queue_test_email(office.people.admin, gave_up)
    db.session.commit()
    report = deliver_pending(now=gave_up + timedelta(minutes=1))
    assert report.revived == len(EXPECTED_TUESDAY)
    assert db.session.get(Notification, test_mail.id).status == DeliveryStatus.SENT
    assert len(reminders_to(smtp)) == len(EXPECTED_TUESDAY) - 1  # all but the refused address
    assert all(n.first_failed_at is None for n in outbox() if n.status == DeliveryStatus.SENT)


def test_retries_after_an_outage_are_bounded(office, smtp, gave_up, app, monkeypatch):
    """A message that fails again every time the server answers is not tried forever."""
    monkeypatch.setitem(app.config, "MAIL_ATTEMPTS_AFTER_OUTAGE", 2)
    smtp.start()
    db.session.execute(sa.update(Notification).values(recipient_email="bad address@example.org"))
    db.session.commit()
    now = gave_up
    tries = []
    for _ in range(5):
        now += timedelta(hours=1)
        tries.append(deliver_pending(now=now).revived)
    assert sum(tries) <= 2 * len(EXPECTED_TUESDAY) and tries[-1] == 0
    assert all(n.attempts <= 3 + 2 for n in outbox())


def test_administrators_are_told_once_after_an_hour(office, smtp, app, client, sign_in):
    run_reminders(office.org, TUESDAY, trigger="cli", now=NOW)
    db.session.commit()
    smtp.stop()
    deliver_pending(now=NOW)
    deliver_pending(now=NOW + timedelta(minutes=40))
    assert alerts() == []  # failing, but not for an hour yet
    assert db.session.get(MailAlert, office.org.id) is None

    deliver_pending(now=NOW + timedelta(minutes=61))
    told = alerts()
    assert [(n.recipient_email, n.status) for n in told] == [("admin@example.org", DeliveryStatus.PENDING)]
    assert "Connection refused" in told[0].body_text and "/admin/reminders" in told[0].body_text
    for minutes in (90, 180, 600):
        deliver_pending(now=NOW + timedelta(minutes=minutes))
    assert len(alerts()) == 1  # one e-mail per outage, however long it lasts

    # The banner on the administrator's pages, not on the others'.
    sign_in(office.people.admin)
    body = client.get("/").get_data(as_text=True)
    assert "data-mail-banner" in body and "/admin/reminders" in body
    client.post("/logout")
    sign_in(office.people.head_palad)
    assert "data-mail-banner" not in client.get("/").get_data(as_text=True)
    client.post("/logout")

    smtp.start()
    deliver_pending(now=NOW + timedelta(hours=11))
    alert_ids = {n.message_id for n in alerts()}
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages if m["Message-ID"] in alert_ids] == ["admin@example.org"]
    assert {n.status for n in outbox()} == {DeliveryStatus.SENT}
    # The outage is over: no banner, and the next outage is told again.
    deliver_pending(now=NOW + timedelta(hours=12))
    assert db.session.get(MailAlert, office.org.id) is None
    sign_in(office.people.admin)
    assert "data-mail-banner" not in client.get("/").get_data(as_text=True)


def test_no_alert_to_an_administrator_whose_own_address_is_refused(office, smtp, make_user):
    from tracker.models import Role

    second = make_user(office.org, Role.ADMIN, email="admin2@example.org")
    smtp.inbox.refuse.add("admin@example.org")
    queue_test_email(office.people.admin, NOW)
    db.session.commit()
    deliver_pending(now=NOW)
    deliver_pending(now=NOW + timedelta(hours=2))
    assert [n.recipient_email for n in alerts()] == [second.email]


def dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


def test_claims_of_a_killed_sender_on_this_machine_are_handed_back_at_once(office, smtp):
    run_reminders(office.org, TUESDAY, trigger="cli", now=NOW)
    db.session.commit()
    ids = [n.id for n in outbox()]
    killed = f"{socket.gethostname()}:{dead_pid()}:0badf00d"
    assert claim(ids[:3], killed, NOW, retry_now=False) == ids[:3]
    report = deliver_pending(now=NOW + timedelta(minutes=1))  # long before the 15-minute timeout
    assert (report.released, report.sent) == (3, len(ids))
    assert len(smtp.messages) == len(ids)


def test_claims_of_a_running_sender_are_left_alone(office, smtp):
    run_reminders(office.org, TUESDAY, trigger="cli", now=NOW)
    db.session.commit()
    ids = [n.id for n in outbox()]
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as running:
        try:
            alive = f"{socket.gethostname()}:{running.pid}:0badf00d"
            elsewhere = f"another-host:{dead_pid()}:0badf00d"
            claim(ids[:2], alive, NOW, retry_now=False)
            claim(ids[2:4], elsewhere, NOW, retry_now=False)
            report = deliver_pending(now=NOW + timedelta(minutes=1))
            assert (report.released, report.sent) == (0, len(ids) - 4)
        finally:
            running.kill()
