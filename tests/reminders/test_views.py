"""The pages: an administrator's reminder page, a user's reminders and notification choice."""
import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Role
from tracker.reminders import lease
from tracker.reminders.delivery import deliver_pending
from tracker.reminders.jobs import SendTime
from tracker.reminders.models import (
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    ReminderSettings,
)
from tracker.reminders.outbox import run_reminders
from tracker.reminders.services import rules_for
from tracker.reminders.rules import ReminderRules
from tracker.reminders.scheduler import ReminderScheduler
from tracker.timeutil import utcnow

from .conftest import EXPECTED_TUESDAY, TUESDAY, bangkok

SETTINGS = {
    "enabled": "y",
    "days_before": "๑๔, 3",
    "overdue_every": "5",
    "escalate_from": "10",
    "digest_weekday": "4",
    "send_time": "07:30",
}


def page(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def field_error(body, field):
    match = re.search(rf'id="{field}-error"[^>]*>([^<]+)<', body)
    return match.group(1).strip() if match else None


def decide_and_fail(office, smtp):
    """Tuesday's e-mails decided, then the server is down when the sender runs."""
    run_reminders(office.org, TUESDAY, trigger="scheduler", now=bangkok(TUESDAY))
    db.session.commit()
    smtp.stop()
    deliver_pending(now=bangkok(TUESDAY))


# --- who may open what --------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.DIVISION_HEAD, Role.EXECUTIVE])
def test_only_admins_open_the_admin_page(client, sign_in, make_user, role):
    sign_in(make_user(role=role))
    assert client.get("/admin/reminders").status_code == 403
    assert client.post("/admin/reminders/retry").status_code == 403
    assert client.post("/admin/reminders/test").status_code == 403


def test_menus_lead_to_the_pages(client, sign_in, office):
    sign_in(office.people.staff_palad)
    _, home = page(client, "/")
    assert 'href="/reminders/"' in home and "การแจ้งเตือนของฉัน" in home
    assert 'href="/admin/reminders"' not in page(client, "/reminders/")[1]
    client.post("/logout")
    sign_in(office.people.admin)
    _, admin_index = page(client, "/admin/")
    assert 'href="/admin/reminders"' in admin_index and "อีเมลแจ้งเตือน" in admin_index


# --- the administrator's page -----------------------------------------------------------


def test_admin_sees_runs_waiting_messages_and_their_errors(client, sign_in, office, smtp):
    decide_and_fail(office, smtp)
    sign_in(office.people.admin)
    status, body = page(client, "/admin/reminders")
    assert status == 200
    assert "ไม่สามารถติดต่อเซิร์ฟเวอร์อีเมลได้" in body  # the explanation...
    assert "Connection refused" in body  # ...and the detail
    assert "อีเมลจะไม่สูญหาย" in body
    assert body.count("head.palad@example.org") == 1 and "deputy@example.org" in body
    assert "ตามกำหนดเวลา" in body  # the run, started by the schedule
    assert "ส่งแล้ว 0 รอส่ง 7 ไม่สำเร็จ 0" in body
    assert "ไม่พบตัวจัดตารางงานที่กำลังทำงาน" in body  # no scheduler holds the lease


def test_admin_page_names_broken_settings(client, sign_in, office, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.go.th")
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", True)
    sign_in(office.people.admin)
    _, body = page(client, "/admin/reminders")
    assert "เปิดใช้ได้เพียงอย่างใดอย่างหนึ่งระหว่าง MAIL_USE_TLS" in body


def test_admin_page_shows_the_scheduler_at_work(client, sign_in, office):
    assert lease.acquire("ita-server-1:4242:abcd", utcnow(), 120)
    sign_in(office.people.admin)
    _, body = page(client, "/admin/reminders")
    assert "ตัวจัดตารางงานทำงานอยู่ที่เครื่อง ita-server-1" in body
    assert "ไม่พบตัวจัดตารางงาน" not in body


def test_admin_sees_the_pass_their_run_was_part_of(client, sign_in, office, make_org, smtp):
    make_org("เทศบาลตำบลอื่น", slug="other")
    ReminderScheduler(app=client.application, holder="server-a").daily(SendTime(8, 0, "Asia/Bangkok"),
                                                                       bangkok(TUESDAY, 8))
    sign_in(office.people.admin)
    _, body = page(client, "/admin/reminders")
    assert re.search(r"ในรอบเดียวกันของทั้งระบบ 2 หน่วยงาน: อีเมล 7 ฉบับ ใช้เวลา \d+\.\d วินาที", body), body


def test_admin_sees_only_the_own_organizations_messages(client, sign_in, office, make_org, make_user, smtp):
    decide_and_fail(office, smtp)
    other_admin = make_user(make_org(), Role.ADMIN)
    sign_in(other_admin)
    _, body = page(client, "/admin/reminders")
    assert "head.palad@example.org" not in body and "ส่งอีเมลครบทุกฉบับแล้ว" in body


def test_retry_now_queues_the_messages_and_wakes_the_scheduler(client, sign_in, office, smtp, app):
    decide_and_fail(office, smtp)
    smtp.start()
    scheduler = "ita-server-1:4242:abcd"
    assert lease.acquire(scheduler, utcnow(), 120)
    sign_in(office.people.admin)
    body = client.post("/admin/reminders/retry", follow_redirects=True).get_data(as_text=True)
    # The page sends nothing itself: it says what will happen ...
    assert f"จะส่งอีเมลอีกครั้ง {len(EXPECTED_TUESDAY)} ฉบับภายใน 60 วินาที" in body
    assert smtp.messages == []
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "reminders.retry_now"))
    assert {n.next_attempt_at for n in db.session.scalars(sa.select(Notification))} == {None}
    # ... and the scheduler's next heartbeat sends them.
    assert ReminderScheduler(app, holder=scheduler).heartbeat()
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)
    assert ReminderScheduler(app, holder=scheduler).heartbeat()  # woken once, not at every heartbeat
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)


def test_retry_now_without_a_scheduler_says_so(client, sign_in, office, smtp):
    decide_and_fail(office, smtp)
    sign_in(office.people.admin)
    body = client.post("/admin/reminders/retry", follow_redirects=True).get_data(as_text=True)
    assert "ตัวจัดตารางงานแจ้งเตือนไม่ได้ทำงานอยู่" in body
    assert {n.status for n in db.session.scalars(sa.select(Notification))} == {DeliveryStatus.PENDING}


def test_retry_now_with_nothing_waiting(client, sign_in, office):
    sign_in(office.people.admin)
    body = client.post("/admin/reminders/retry", follow_redirects=True).get_data(as_text=True)
    assert "ไม่มีอีเมลที่รอส่ง" in body


def test_test_email_reaches_the_admin(client, sign_in, office, smtp):
    sign_in(office.people.admin)
    body = client.post("/admin/reminders/test", follow_redirects=True).get_data(as_text=True)
    assert "ส่งอีเมลทดสอบถึง admin@example.org แล้ว" in body
    [message] = smtp.to("admin@example.org")
    assert message["Subject"] == "ทดสอบการส่งอีเมลจากระบบติดตามมาตรการ ITA"
    assert "127.0.0.1" in message.get_body(("plain",)).get_content()
    # A second test the same day is a new message, not refused as a duplicate.
    client.post("/admin/reminders/test")
    assert len(smtp.to("admin@example.org")) == 2


def test_test_email_with_the_server_down_is_kept_and_explained(client, sign_in, office, smtp):
    smtp.stop()
    sign_in(office.people.admin)
    body = client.post("/admin/reminders/test", follow_redirects=True).get_data(as_text=True)
    assert "ส่งอีเมลทดสอบไม่สำเร็จ: ไม่สามารถติดต่อเซิร์ฟเวอร์อีเมลได้" in body
    [kept] = db.session.scalars(sa.select(Notification)).all()
    assert (kept.kind, kept.status, kept.last_error_kind) == (NotificationKind.TEST, DeliveryStatus.PENDING, "connect")


def test_test_email_without_a_server_is_a_file(client, sign_in, office, outbox_dir):
    sign_in(office.people.admin)
    body = client.post("/admin/reminders/test", follow_redirects=True).get_data(as_text=True)
    assert "ยังไม่ได้ตั้งค่าเซิร์ฟเวอร์อีเมล" in body
    assert len(list(outbox_dir.glob("*-test.eml"))) == 1


# --- the organization's rules -----------------------------------------------------------------


def test_admin_changes_the_rules(client, sign_in, office):
    sign_in(office.people.admin)
    response = client.post("/admin/reminders/settings", data=SETTINGS)
    assert response.status_code == 302
    from datetime import time

    assert rules_for(office.org.id) == ReminderRules(
        enabled=True, days_before=(14, 3), overdue_every=5, escalate_from=10, digest_weekday=4, send_time=time(7, 30))
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reminders.settings")).one()
    assert event.actor_id == office.people.admin.id and event.details["days_before"] == "14, 3"
    _, body = page(client, "/admin/reminders")
    assert 'value="14, 3"' in body and 'value="07:30"' in body


@pytest.mark.parametrize("field, value, message", [
    ("days_before", "14, seven", "กรุณาระบุจำนวนวันเป็นตัวเลขจำนวนเต็ม คั่นด้วยเครื่องหมายจุลภาค"),
    ("days_before", "500", "จำนวนวันแต่ละค่าต้องอยู่ระหว่าง 0 ถึง 365"),
    ("overdue_every", "abc", "กรุณาระบุจำนวนวันเป็นตัวเลขจำนวนเต็ม เช่น 7"),
    ("overdue_every", "0", "รอบการแจ้งเตือนซ้ำต้องอยู่ระหว่าง 1 ถึง 60 วัน"),
    ("escalate_from", "", "กรุณาระบุจำนวนวัน"),
    ("send_time", "25:00", "กรุณาระบุเวลาเป็นชั่วโมงและนาที เช่น 08:00"),
])
def test_bad_rules_are_refused_next_to_the_field_and_change_nothing(client, sign_in, office, field, value, message):
    sign_in(office.people.admin)
    response = client.post("/admin/reminders/settings", data=SETTINGS | {field: value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in field_error(body, field)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSettings)) == 0
    assert rules_for(office.org.id) == ReminderRules()


# --- a user's own page and choice -----------------------------------------------------------------


def test_users_see_the_reminders_they_were_sent(client, sign_in, office, smtp):
    run_reminders(office.org, TUESDAY, trigger="scheduler", now=bangkok(TUESDAY))
    db.session.commit()
    deliver_pending(now=bangkok(TUESDAY))
    sign_in(office.people.head_palad)
    status, body = page(client, "/reminders/")
    assert status == 200
    assert "แจ้งเตือนมาตรการ ITA: เกินกำหนด 1 ขั้นตอน, ใกล้ครบกำหนด 1 ขั้นตอน" in body
    assert f'href="/steps/{office.steps.late14.id}"' in body and f'href="/steps/{office.steps.due7.id}"' in body
    assert "เกินกำหนด 14 วัน" in body and "แจ้งผู้บริหารแล้ว" in body  # the head sees the escalation
    assert "ส่งแล้ว" in body
    assert f'href="/steps/{office.steps.late1.id}"' not in body  # another division's step, another person's e-mail


def test_the_step_page_shows_that_executives_were_notified(client, sign_in, office):
    run_reminders(office.org, TUESDAY, trigger="scheduler", now=bangkok(TUESDAY))
    db.session.commit()
    sign_in(office.people.head_palad)
    _, escalated = page(client, f"/steps/{office.steps.late14.id}")
    _, not_escalated = page(client, f"/steps/{office.steps.due7.id}")
    assert "แจ้งผู้บริหารแล้ว" in escalated
    assert "แจ้งผู้บริหารแล้ว" not in not_escalated


def test_a_user_without_reminders_is_told_so(client, sign_in, office):
    sign_in(office.people.admin)
    _, body = page(client, "/reminders/")
    assert "ท่านยังไม่เคยได้รับการแจ้งเตือน" in body


def test_a_user_chooses_escalations_only(client, sign_in, office):
    user = office.people.staff_palad
    sign_in(user)
    _, body = page(client, "/reminders/settings")
    assert re.search(r'<input[^>]*checked[^>]*id="all_reminders"|<input[^>]*id="all_reminders"[^>]*checked', body)
    assert "ตั้งแต่วันที่ 14 ที่เกินกำหนด จะแจ้งผู้บริหารด้วย" in body  # the organization's rules, in words
    response = client.post("/reminders/settings", data={})  # the box unticked
    assert response.status_code == 302
    assert db.session.get(NotificationPreference, user.id).escalations_only is True
    run_reminders(office.org, TUESDAY, trigger="cli", now=bangkok(TUESDAY))
    mine = db.session.scalars(sa.select(Notification).where(Notification.recipient_id == user.id)).one()
    assert [i.step_id for i in mine.items] == [office.steps.late14.id]


def test_the_settings_link_of_an_email_asks_to_sign_in_first(client):
    response = client.get("/reminders/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "next=%2Freminders%2Fsettings" in response.headers["Location"]


def test_the_step_page_can_show_the_escalation(app, office):
    """The partial the step page will include, fed by escalated_steps()."""
    from flask import render_template_string

    from tracker.reminders.services import escalated_steps

    run_reminders(office.org, TUESDAY, trigger="cli")
    escalated = escalated_steps(office.org.id, [office.steps.late14.id, office.steps.due7.id])
    template = '{% from "reminders/_escalated.html" import escalated_badge %}{{ escalated_badge(on) }}'
    assert "แจ้งผู้บริหารแล้วเมื่อ 17 มีนาคม 2569" in render_template_string(
        template, on=escalated.get(office.steps.late14.id))
    assert render_template_string(template, on=escalated.get(office.steps.due7.id)).strip() == ""
