"""Deciding a day's reminders into the outbox: who, what, once; the run record; the time zone."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Role
from tracker.reminders import services
from tracker.reminders.jobs import run_organization
from tracker.reminders.models import Notification, NotificationItem, NotificationKind, ReminderRun
from tracker.reminders.outbox import plan_messages, run_reminders

from .conftest import EXPECTED_TUESDAY, MONDAY, TUESDAY, bangkok


def outbox():
    return db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()


def decided(office):
    """{email: [(step name, item kind), ...]} from the outbox."""
    names = {step.id: name for name, step in vars(office.steps).items()}
    return {
        n.recipient_email: [(names[i.step_id], str(i.kind)) for i in n.items]
        for n in outbox()
    }


def test_each_person_gets_one_email_with_all_their_items(office):
    run = run_reminders(office.org, TUESDAY, trigger="cli", now=bangkok(TUESDAY))
    db.session.commit()
    assert decided(office) == EXPECTED_TUESDAY
    assert run.messages_created == len(EXPECTED_TUESDAY) and run.already_decided == 0 and run.failures == 0
    assert {n.kind for n in outbox()} == {NotificationKind.REMINDER}
    assert all(n.run_date == TUESDAY for n in outbox())


def test_heads_come_first_in_the_outbox(office):
    run_reminders(office.org, TUESDAY, trigger="cli")
    db.session.commit()
    order = [n.recipient_email for n in outbox()]
    assert order[:2] == ["head.palad@example.org", "head.finance@example.org"]
    assert order[-1] == "deputy@example.org"


def test_the_same_day_twice_adds_nothing(office):
    first = run_reminders(office.org, TUESDAY, trigger="scheduler")
    db.session.commit()
    before = [(n.id, n.subject) for n in outbox()]
    second = run_reminders(office.org, TUESDAY, trigger="catch-up")
    db.session.commit()
    assert [(n.id, n.subject) for n in outbox()] == before
    assert (second.messages_created, second.already_decided) == (0, first.messages_created)
    assert db.session.scalar(sa.select(sa.func.count(NotificationItem.id))) == sum(
        len(items) for items in EXPECTED_TUESDAY.values())


def test_a_new_day_is_a_new_email(office):
    run_reminders(office.org, TUESDAY, trigger="cli")
    # Wednesday: the 1-day-late step is 2 days late (no reminder); due7 is 6 days off (none).
    run_reminders(office.org, TUESDAY + timedelta(days=1), trigger="cli")
    db.session.commit()
    assert {n.run_date for n in outbox()} == {TUESDAY}


def test_the_head_sees_the_escalation_and_the_step_page_can_ask(office, make_org):
    run_reminders(office.org, TUESDAY, trigger="cli")
    db.session.commit()
    head = next(n for n in outbox() if n.recipient_email == "head.palad@example.org")
    assert [i.escalated for i in head.items] == [True, False]
    assert "แจ้งผู้บริหารแล้ว" in head.body_text and "แจ้งผู้บริหารแล้ว" in head.body_html
    steps = office.steps
    asked = [steps.late14.id, steps.late1.id, steps.due7.id]
    assert services.escalated_steps(office.org.id, asked) == {steps.late14.id: TUESDAY}
    assert services.escalated_steps(make_org().id, asked) == {}


def test_dry_run_plans_the_same_and_saves_nothing(office):
    day = plan_messages(office.org, TUESDAY)
    db.session.rollback()
    assert {m.recipient.email: [(i.step_id, str(i.kind)) for i in m.items] for m in day.messages}.keys() == \
        EXPECTED_TUESDAY.keys()
    assert outbox() == []
    assert db.session.scalar(sa.select(sa.func.count(ReminderRun.id))) == 0


def test_switched_off_organization_gets_nothing(office):
    services.update_settings(office.org, office.people.admin, enabled=False, days_before="14,7,1",
                             overdue_every=7, escalate_from=14, digest_weekday=0, send_time="08:00")
    run = run_reminders(office.org, TUESDAY, trigger="cli")
    assert run.messages_created == 0 and outbox() == []


def test_organization_settings_change_who_hears_what(office):
    # Remind 30 days ahead; escalate from day 1: the 1-day-late step now reaches the executive.
    services.update_settings(office.org, office.people.admin, enabled=True, days_before="30",
                             overdue_every=7, escalate_from=1, digest_weekday=None, send_time="07:30")
    run_reminders(office.org, TUESDAY, trigger="cli")
    got = decided(office)
    assert got["deputy@example.org"] == [("late1", "escalation")]
    assert ("later", "due_soon") in got["head.palad@example.org"]
    assert ("due7", "due_soon") not in got["head.palad@example.org"]


def test_the_day_is_the_organizations_not_the_servers(office):
    # 17:30 UTC on Monday is already 00:30 on Tuesday in Bangkok.
    now = datetime(2026, 3, 16, 17, 30, tzinfo=timezone.utc)
    run = run_organization(office.org, trigger="scheduler", now=now)
    assert run.run_date == TUESDAY
    assert decided(office) == EXPECTED_TUESDAY


def test_a_broken_run_is_rolled_back_and_recorded(office, monkeypatch):
    from tracker.reminders import outbox as outbox_module

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(outbox_module, "insert_rows", explode)
    run = run_organization(office.org, trigger="scheduler", now=bangkok(TUESDAY))
    assert run.error == "RuntimeError: database went away"
    assert outbox() == []
    runs = db.session.scalars(sa.select(ReminderRun)).all()
    assert [(r.error is not None, r.messages_created) for r in runs] == [(True, 0)]


def test_one_unwritable_email_does_not_stop_the_others(office, monkeypatch):
    from tracker.reminders import outbox as outbox_module

    real = outbox_module.reminder_email

    def fail_for_deputy(org, user, *args, **kwargs):
        if user.email == "deputy@example.org":
            raise ValueError("template error")
        return real(org, user, *args, **kwargs)

    monkeypatch.setattr(outbox_module, "reminder_email", fail_for_deputy)
    run = run_reminders(office.org, TUESDAY, trigger="cli")
    assert run.failures == 1 and run.messages_created == len(EXPECTED_TUESDAY) - 1


def test_planning_runs_a_fixed_number_of_queries(office, make_user, make_measure, count_queries):
    with count_queries() as small:
        few = len(plan_messages(office.org, MONDAY).messages)
    db.session.rollback()
    for n in range(5):
        make_user(office.org, Role.STAFF, divisions=[office.palad])
        make_user(office.org, Role.EXECUTIVE)
    make_measure(office.org, indicator=2, divisions=[office.finance], steps=[
        {"text": f"ขั้นตอน {n}", "due": TUESDAY - timedelta(days=n)} for n in range(1, 15)])
    db.session.expire_all()
    with count_queries() as large:
        day = plan_messages(office.org, MONDAY)
    assert len(day.messages) > few + 5
    assert large.count == small.count, large.statements


def test_messages_are_in_thai_with_buddhist_era_dates_and_links(office):
    run_reminders(office.org, TUESDAY, trigger="cli")
    head = next(n for n in outbox() if n.recipient_email == "head.finance@example.org")
    assert head.subject == "แจ้งเตือนมาตรการ ITA: เกินกำหนด 2 ขั้นตอน"
    assert head.locale == "th"
    text = head.body_text
    assert text.startswith("เรียน ผู้อำนวยการกองคลัง")
    assert "3 มีนาคม 2569" in text  # late14's due date, Buddhist Era
    assert "เกินกำหนด 14 วัน" in text and "เกินกำหนด 1 วัน" in text
    assert f"http://tracker.test/steps/{office.steps.late14.id}" in text
    assert "http://tracker.test/reminders/settings" in text
    assert f'href="http://tracker.test/steps/{office.steps.late1.id}"' in head.body_html
    assert 'href="http://tracker.test/reminders/settings"' in head.body_html
    assert "2026" not in text


def test_english_users_get_english(office):
    run_reminders(office.org, TUESDAY, trigger="cli")
    english = next(n for n in outbox() if n.recipient_email == "english@example.org")
    assert english.locale == "en"
    assert english.subject == "ITA reminder: 2 steps overdue"
    assert "Dear Somchai," in english.body_text and "14 days late" in english.body_text
    assert "Executives have been notified" in english.body_text


def test_the_executives_escalation_email(office):
    run_reminders(office.org, TUESDAY, trigger="cli")
    deputy = next(n for n in outbox() if n.recipient_email == "deputy@example.org")
    assert deputy.subject == "แจ้งเตือนมาตรการ ITA: ขั้นตอนที่ล่าช้านาน 1 ขั้นตอน"
    assert "ขั้นตอนที่ล่าช้านานและรายงานผู้บริหาร" in deputy.body_text
    assert "สำนักปลัด, กองคลัง" in deputy.body_text


def test_monday_summary_to_the_executive(office, make_assessment):
    make_assessment(office.org, 2568, scores={n: 90.0 for n in range(1, 11)} | {9: 80.0})
    run_reminders(office.org, MONDAY, trigger="cli")
    digests = [n for n in outbox() if n.kind == NotificationKind.DIGEST]
    assert [n.recipient_email for n in digests] == ["deputy@example.org"]
    digest = digests[0]
    assert digest.subject == "สรุปความคืบหน้ามาตรการ ITA ประจำสัปดาห์ 16 มีนาคม 2569"
    text = digest.body_text
    overdue = text.index("ขั้นตอนที่เกินกำหนด เรียงจากล่าช้ามากที่สุด")
    soon = text.index("ขั้นตอนที่จะครบกำหนดภายใน 14 วัน")
    assert overdue < text.index("รายงานผลต่อผู้บริหาร") < soon  # 13 days late, in the overdue list
    assert soon < text.index("จัดทำแผนเผยแพร่ข้อมูล")  # due in 8 days
    assert "ความคืบหน้ารายส่วนราชการ" in text and "สำนักปลัด: 4 ขั้นตอน" in text
    assert "ความคืบหน้ารายตัวชี้วัด" in text and "ต่ำกว่า 85" in text
    assert f"http://tracker.test/steps/{office.steps.late14.id}" in text
    # Executives get no summary on other days.
    run_reminders(office.org, TUESDAY, trigger="cli")
    assert len([n for n in outbox() if n.kind == NotificationKind.DIGEST]) == 1


def test_each_reminded_step_is_also_a_notice_in_the_application(office):
    """The bell shows reminders and escalations too, one notice per step of the e-mail."""
    from tracker.inbox.models import Notice, NoticeKind

    run_reminders(office.org, TUESDAY, trigger="cli", now=bangkok(TUESDAY))
    items = db.session.scalars(sa.select(NotificationItem)).all()
    notices = db.session.scalars(sa.select(Notice)).all()
    assert sorted((n.notification_id, n.step_id) for n in notices) == sorted(
        (i.notification_id, i.step_id) for i in items
    )
    escalated = {(i.notification_id, i.step_id) for i in items if i.escalated}
    assert {(n.notification_id, n.step_id) for n in notices if n.kind == NoticeKind.ESCALATION} == escalated
    assert all(n.read_at is None and n.mailed_at is None for n in notices)
    # A second run the same day adds no e-mail, hence no notice.
    run_reminders(office.org, TUESDAY, trigger="catch-up")
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == len(notices)
