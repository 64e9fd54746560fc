"""Delivery against a real SMTP server in the test process: right people, once, nothing lost."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.reminders import delivery
from tracker.reminders.delivery import claim, deliver_pending
from tracker.reminders.email_channel import SmtpTransport
from tracker.reminders.jobs import run_organization
from tracker.reminders.models import DeliveryStatus, Notification
from tracker.reminders.outbox import run_reminders

from .conftest import EXPECTED_TUESDAY, TUESDAY, bangkok, decoded_to, html_of, text_of

NOW = bangkok(TUESDAY, 8, 0)


def outbox():
    db.session.expire_all()
    return db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()


def statuses():
    return [n.status for n in outbox()]


def decide(office, now=NOW):
    run = run_reminders(office.org, TUESDAY, trigger="cli", now=now)
    db.session.commit()
    return run


def test_the_right_people_get_the_right_thai_messages(office, smtp):
    decide(office)
    report = deliver_pending(now=NOW)
    assert (report.sent, report.failed) == (len(EXPECTED_TUESDAY), 0)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(EXPECTED_TUESDAY)
    assert "inactive@example.org" not in {m["To"].addresses[0].addr_spec for m in smtp.messages}

    [head] = smtp.to("head.palad@example.org")
    assert head["Subject"] == "แจ้งเตือนมาตรการ ITA: เกินกำหนด 1 ขั้นตอน, ใกล้ครบกำหนด 1 ขั้นตอน"
    assert decoded_to(head) == "หัวหน้าสำนักปลัด <head.palad@example.org>"
    assert head["From"].addresses[0].addr_spec == "ita@muangphia.example"
    assert head["Auto-Submitted"] == "auto-generated"
    text = text_of(head)
    assert "รายงานผลต่อผู้บริหาร" in text and "เกินกำหนด 14 วัน" in text and "แจ้งผู้บริหารแล้ว" in text
    assert "จัดทำแผนเผยแพร่ข้อมูล" in text and "ครบกำหนดในอีก 7 วัน" in text and "24 มีนาคม 2569" in text
    assert "ปรับปรุงหน้าเว็บไซต์" not in text  # a กองคลัง step
    assert "ประชุมชี้แจง" not in text  # done the day before
    assert f"http://tracker.test/steps/{office.steps.due7.id}" in text
    assert f'<a href="http://tracker.test/steps/{office.steps.due7.id}">' in html_of(head)

    [deputy] = smtp.to("deputy@example.org")
    assert deputy["Subject"] == "แจ้งเตือนมาตรการ ITA: ขั้นตอนที่ล่าช้านาน 1 ขั้นตอน"
    assert "รายงานผลต่อผู้บริหาร" in text_of(deputy) and "จัดทำแผนเผยแพร่ข้อมูล" not in text_of(deputy)

    [optout] = smtp.to("optout@example.org")
    assert "รายงานผลต่อผู้บริหาร" in text_of(optout) and "จัดทำแผนเผยแพร่ข้อมูล" not in text_of(optout)

    [english] = smtp.to("english@example.org")
    assert english["Subject"] == "ITA reminder: 2 steps overdue"

    assert set(statuses()) == {DeliveryStatus.SENT}
    assert all(n.sent_at == NOW and n.attempts == 1 for n in outbox())


def test_the_same_run_twice_delivers_each_message_once(office, smtp):
    decide(office)
    deliver_pending(now=NOW)
    decide(office, NOW + timedelta(hours=2))
    report = deliver_pending(now=NOW + timedelta(hours=2))
    assert report.sent == 0
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)
    assert len({m["Message-ID"] for m in smtp.messages}) == len(EXPECTED_TUESDAY)


def test_with_the_server_down_messages_wait_and_go_out_once_it_is_back(office, smtp, caplog):
    smtp.stop()
    decide(office)
    report = deliver_pending(now=NOW)
    assert report.sent == 0 and report.failed == len(EXPECTED_TUESDAY)
    assert report.first_problem.kind == "connect"
    waiting = outbox()
    assert {n.status for n in waiting} == {DeliveryStatus.PENDING}
    assert all(n.attempts == 1 and n.last_error_kind == "connect" for n in waiting)
    assert all("Connection refused" in n.last_error and f"127.0.0.1:{smtp.port}" in n.last_error for n in waiting)
    assert all(n.next_attempt_at == NOW + timedelta(minutes=5) for n in waiting)
    assert "Cannot send e-mail" in caplog.text and "Connection refused" in caplog.text

    smtp.start()
    # Not before the wait is over...
    assert deliver_pending(now=NOW + timedelta(minutes=4)).sent == 0
    assert smtp.messages == []
    # ...then every message, once.
    assert deliver_pending(now=NOW + timedelta(minutes=5)).sent == len(EXPECTED_TUESDAY)
    assert deliver_pending(now=NOW + timedelta(minutes=30)).sent == 0
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(EXPECTED_TUESDAY)
    assert all(n.status == DeliveryStatus.SENT and n.attempts == 2 for n in outbox())


def test_backoff_doubles_then_gives_up_and_retry_now_sends(office, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.stop()
    decide(office)
    now = NOW
    waits = []
    for attempt in range(3):
        deliver_pending(now=now)
        message = outbox()[0]
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at
    assert waits == [timedelta(minutes=5), timedelta(minutes=10)]
    assert set(statuses()) == {DeliveryStatus.FAILED}
    assert deliver_pending(now=now + timedelta(days=1)).failed == 0  # failed ones wait for an admin

    smtp.start()
    report = deliver_pending(now=now + timedelta(days=1), retry_now=True)
    assert report.sent == len(EXPECTED_TUESDAY) + 1  # and the administrator's alert about the outage
    assert set(statuses()) == {DeliveryStatus.SENT}


def test_retry_now_ignores_the_wait(office, smtp):
    smtp.stop()
    decide(office)
    deliver_pending(now=NOW)
    smtp.start()
    assert deliver_pending(now=NOW + timedelta(seconds=10)).sent == 0
    assert deliver_pending(now=NOW + timedelta(seconds=10), retry_now=True).sent == len(EXPECTED_TUESDAY)


def test_broken_settings_are_reported_and_nothing_is_lost(office, smtp, app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", True)
    decide(office)
    report = deliver_pending(now=NOW)
    assert report.first_problem.kind == "settings"
    assert "MAIL_USE_TLS" in report.first_problem.detail
    assert all(n.status == DeliveryStatus.PENDING and n.last_error_kind == "settings" for n in outbox())
    assert "MAIL_USE_TLS" in caplog.text
    assert smtp.messages == []

    monkeypatch.setitem(app.config, "MAIL_USE_SSL", False)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    assert deliver_pending(now=NOW, retry_now=True).sent == len(EXPECTED_TUESDAY)


def test_starttls_against_a_server_without_it_is_a_tls_problem(office, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    decide(office)
    report = deliver_pending(now=NOW)
    assert report.first_problem.kind == "tls"
    assert set(statuses()) == {DeliveryStatus.PENDING}


def test_a_refused_address_fails_at_once_and_the_others_go(office, smtp):
    smtp.inbox.refuse.add("english@example.org")
    decide(office)
    report = deliver_pending(now=NOW)
    assert (report.sent, report.failed, report.gave_up) == (len(EXPECTED_TUESDAY) - 1, 1, 1)
    refused = next(n for n in outbox() if n.recipient_email == "english@example.org")
    assert refused.status == DeliveryStatus.FAILED and refused.last_error_kind == "recipient"
    assert "550" in refused.last_error


def test_without_a_mail_server_messages_become_eml_files(office, app, outbox_dir, caplog):
    assert not app.config["MAIL_SERVER"]
    decide(office)
    report = deliver_pending(now=NOW)
    assert report.sent == len(EXPECTED_TUESDAY)
    files = sorted(outbox_dir.glob("*.eml"))
    assert len(files) == len(EXPECTED_TUESDAY)
    assert not list(outbox_dir.glob("*.part"))
    import email
    from email import policy

    first = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert first["To"].addresses[0].addr_spec == "head.palad@example.org"
    assert "แจ้งผู้บริหารแล้ว" in first.get_body(("plain",)).get_content()
    assert str(files[0]) in caplog.text
    assert set(statuses()) == {DeliveryStatus.SENT}


def test_a_message_claimed_by_a_sender_that_stopped_is_handed_back(office, smtp):
    decide(office)
    ids = [n.id for n in outbox()]
    assert claim(ids[:2], "crashed-sender", NOW, retry_now=False) == ids[:2]
    # Soon after, another sender leaves them alone...
    assert deliver_pending(now=NOW + timedelta(minutes=1)).sent == len(ids) - 2
    # ...after the claim timeout it takes them over.
    report = deliver_pending(now=NOW + timedelta(minutes=16))
    assert (report.released, report.sent) == (2, 2)
    assert len(smtp.messages) == len(ids)


def test_two_senders_never_claim_the_same_message(office, app):
    decide(office)
    ids = [n.id for n in outbox()]
    assert claim(ids, "sender-a", NOW, retry_now=False) == ids
    assert claim(ids, "sender-b", NOW, retry_now=False) == []


def test_two_runs_at_the_same_moment_deliver_each_message_once(office, smtp, app):
    org_id = office.org.id
    start = threading.Barrier(2)
    errors = []

    def scheduler_process(name):
        try:
            with app.app_context():
                from tracker.orgs.models import Organization

                org = db.session.get(Organization, org_id)
                start.wait(timeout=10)
                run_organization(org, trigger="scheduler", now=NOW)
                deliver_pending(now=NOW, sender=name)
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=scheduler_process, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(EXPECTED_TUESDAY)
    assert len(outbox()) == len(EXPECTED_TUESDAY)
    from tracker.reminders.models import ReminderRun

    runs = db.session.scalars(sa.select(ReminderRun)).all()
    assert sorted(r.messages_created for r in runs) == [0, len(EXPECTED_TUESDAY)]
    assert all(r.error is None for r in runs)


@pytest.mark.postgres_only
def test_nothing_leaves_before_the_deciding_transaction_commits(office, smtp, app):
    """On PostgreSQL a second run, or a sender, works beside an open run: the
    sender sees none of its messages, the second run waits on the same keys."""
    org_id = office.org.id
    decided, commit_now = threading.Event(), threading.Event()
    second_done = threading.Event()
    results = {}

    def first_run():
        with app.app_context():
            from tracker.orgs.models import Organization

            results["first"] = run_reminders(db.session.get(Organization, org_id), TUESDAY, trigger="scheduler", now=NOW)
            results["first_created"] = results["first"].messages_created
            decided.set()
            commit_now.wait(timeout=10)
            db.session.commit()

    def second_run():
        with app.app_context():
            from tracker.orgs.models import Organization

            run = run_organization(db.session.get(Organization, org_id), trigger="catch-up", now=NOW)
            results["second_created"] = run.messages_created
            second_done.set()

    first = threading.Thread(target=first_run)
    first.start()
    assert decided.wait(timeout=10)
    assert deliver_pending(now=NOW).sent == 0  # not committed: not there for the sender
    second = threading.Thread(target=second_run)
    second.start()
    assert not second_done.wait(timeout=0.5)  # waits on the first run's keys
    commit_now.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert (results["first_created"], results["second_created"]) == (len(EXPECTED_TUESDAY), 0)
    assert deliver_pending(now=NOW).sent == len(EXPECTED_TUESDAY)
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)


# --- many messages: batches, connections, bulk claims and outcomes ----------------------


def test_each_batch_goes_over_one_connection(office, smtp, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)
    decide(office)
    assert deliver_pending(now=NOW).sent == len(EXPECTED_TUESDAY)
    batches = -(-len(EXPECTED_TUESDAY) // 3)
    assert smtp.inbox.connections == batches
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)


def test_a_dropped_connection_is_opened_again_and_nothing_is_lost(office, smtp):
    decide(office)
    ids = [n.id for n in outbox()]
    assert deliver_pending(now=NOW, ids=ids[:2]).sent == 2
    smtp.inbox.drop_next = True  # at the first message of the next pass
    report = deliver_pending(now=NOW, ids=ids[2:])
    assert (report.sent, report.failed) == (len(ids) - 2, 0)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(EXPECTED_TUESDAY)
    assert set(statuses()) == {DeliveryStatus.SENT}


def test_a_refused_recipient_fails_alone_on_the_shared_connection(office, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.inbox.refuse.add("both@example.org")  # a mailbox full: try again later
    smtp.inbox.refuse.add("english@example.org")
    decide(office)
    report = deliver_pending(now=NOW)
    assert (report.sent, report.failed, report.gave_up) == (len(EXPECTED_TUESDAY) - 2, 2, 2)
    assert smtp.inbox.connections == 1
    refused = {n.recipient_email: n for n in outbox() if n.status != DeliveryStatus.SENT}
    assert sorted(refused) == ["both@example.org", "english@example.org"]
    assert all(n.status == DeliveryStatus.FAILED and n.attempts == 1 and n.last_error_kind == "recipient"
               and n.first_failed_at == NOW and n.claimed_by is None for n in refused.values())


def test_claiming_and_recording_a_batch_takes_the_same_queries_whatever_its_size(office, smtp, count_queries):
    decide(office)
    ids = [n.id for n in outbox()]
    db.session.rollback()
    with count_queries() as one:
        assert deliver_pending(now=NOW, ids=ids[:1]).sent == 1
    with count_queries() as many:
        assert deliver_pending(now=NOW, ids=ids[1:]).sent == len(ids) - 1
    assert many.count == one.count, many.statements


def test_a_second_sender_takes_only_what_the_first_has_not_claimed(office, smtp, app, monkeypatch):
    """While sender a sends its first batch, sender b runs a whole pass: b
    leaves a's claims alone, and a then finds nothing left to claim."""
    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)
    decide(office)
    ids = [n.id for n in outbox()]
    send = SmtpTransport.send
    seen = {}

    def send_and_let_b_run(self, message, email):
        if not seen:
            seen["b"] = None  # b's own sends go straight through

            def sender_b():
                with app.app_context():
                    seen["b"] = deliver_pending(now=NOW, sender="sender-b").sent
            other = threading.Thread(target=sender_b)
            other.start()
            other.join(timeout=30)
        send(self, message, email)

    monkeypatch.setattr(SmtpTransport, "send", send_and_let_b_run)
    report = deliver_pending(now=NOW, sender="sender-a")
    assert (report.sent, seen["b"]) == (3, len(ids) - 3)
    assert len(smtp.messages) == len(ids)
    assert len({m["Message-ID"] for m in smtp.messages}) == len(ids)
    assert set(statuses()) == {DeliveryStatus.SENT}


def test_an_address_with_a_thai_domain_goes_out_with_smtputf8(office, smtp, make_user):
    from tracker.models import Role
    from tracker.reminders.services import queue_test_email

    admin = make_user(office.org, Role.ADMIN, email="admin@เมืองเพีย.ไทย", display_name="ผู้ดูแลระบบ")
    queue_test_email(admin, NOW)
    db.session.commit()
    assert (deliver_pending(now=NOW).sent, len(smtp.messages)) == (1, 1)
    [to] = smtp.messages[0]["To"].addresses
    assert (to.addr_spec, to.display_name) == ("admin@เมืองเพีย.ไทย", "ผู้ดูแลระบบ")
