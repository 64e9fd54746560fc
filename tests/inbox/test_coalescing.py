"""The thread e-mail: at most one an hour per person, the next one listing everything new."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.instructions.conftest import NOON, office  # noqa: F401  (the fixture)
from tracker.extensions import db
from tracker.inbox.services import queue_due_thread_emails
from tracker.instructions import services
from tracker.reminders.models import Notification, NotificationKind


def thread_mails_to(user) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification)
        .where(Notification.recipient_id == user.id, Notification.kind == NotificationKind.THREAD)
        .order_by(Notification.id)
    ))


def test_two_notifications_within_an_hour_make_one_email(office):  # noqa: F811
    instruction = services.write_instruction(office.executive, office.measure,
                                             step=office.finance_step, body="ข้อสั่งการแรก", now=NOON)
    db.session.commit()
    assert len(thread_mails_to(office.executive)) == 0  # the author is not told of their own message

    # Two answers 10 and 40 minutes later: the executive was sent nothing yet this hour,
    # so the first answer is mailed at once...
    services.answer_instruction(office.finance_head, instruction, body="คำตอบที่หนึ่ง", now=NOON + timedelta(minutes=10))
    db.session.commit()
    services.answer_instruction(office.finance_member, instruction, body="คำตอบที่สอง", now=NOON + timedelta(minutes=20))
    services.answer_instruction(office.finance_head, instruction, body="คำตอบที่สาม", now=NOON + timedelta(minutes=40))
    db.session.commit()
    # ...and the next two, within the hour after it, wait.
    assert [m.body_text.count("คำตอบที่") for m in thread_mails_to(office.executive)] == [1]
    queue_due_thread_emails(NOON + timedelta(minutes=65))  # 55 minutes after the first: still waiting
    assert len(thread_mails_to(office.executive)) == 1
    queue_due_thread_emails(NOON + timedelta(minutes=71))
    db.session.commit()

    mails = thread_mails_to(office.executive)
    assert len(mails) == 2
    second = mails[1].body_text
    assert "คำตอบที่สอง" in second and "คำตอบที่สาม" in second and "คำตอบที่หนึ่ง" not in second
    assert mails[1].created_at - mails[0].created_at >= timedelta(hours=1)


def test_the_job_sends_nothing_before_the_hour_and_nothing_twice(office):  # noqa: F811
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ข้อสั่งการ", now=NOON)
    services.answer_instruction(office.finance_head, instruction, body="ตอบครั้งแรก", now=NOON + timedelta(minutes=1))
    services.answer_instruction(office.finance_head, instruction, body="ตอบครั้งที่สอง", now=NOON + timedelta(minutes=5))
    db.session.commit()
    assert len(thread_mails_to(office.executive)) == 1

    queue_due_thread_emails(NOON + timedelta(minutes=30))
    assert len(thread_mails_to(office.executive)) == 1
    queue_due_thread_emails(NOON + timedelta(minutes=62))
    db.session.commit()
    assert len(thread_mails_to(office.executive)) == 2
    assert queue_due_thread_emails(NOON + timedelta(hours=5)) == 0  # nothing new: nothing sent
    assert len(thread_mails_to(office.executive)) == 2


def test_a_member_of_the_thread_gets_one_mail_listing_instruction_and_answer(office):  # noqa: F811
    instruction = services.write_instruction(office.executive, office.measure, step=office.finance_step,
                                             body="ข้อสั่งการ", now=NOON)
    services.answer_instruction(office.finance_head, instruction, body="คำตอบของหัวหน้า", now=NOON + timedelta(minutes=3))
    db.session.commit()
    # The member was mailed the instruction; the head's answer waits for the hour.
    assert len(thread_mails_to(office.finance_member)) == 1
    queue_due_thread_emails(NOON + timedelta(minutes=61))
    db.session.commit()
    mails = thread_mails_to(office.finance_member)
    assert len(mails) == 2 and "คำตอบของหัวหน้า" in mails[1].body_text
