"""The outbox's retention: old delivered and given-up e-mails go in batches; waiting ones and the window stay."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.helpers import count
from tracker.extensions import db
from tracker.inbox.models import Notice, NoticeKind
from tracker.reminders import retention, services
from tracker.reminders.kinds import DeliveryStatus, ItemKind, NotificationKind
from tracker.reminders.models import Notification, NotificationItem
from tracker.reminders.scheduler import ReminderScheduler

NOW = datetime(2026, 12, 2, 20, 30, tzinfo=timezone.utc)  # 03:30 in Bangkok, the purge's hour
DAY = timedelta(days=1)


@pytest.fixture
def outbox(make_org, make_user, make_measure):
    """An organization, a recipient, a step, and `add(...)`: one e-mail in the outbox."""
    org = make_org()
    user = make_user(org)
    step = make_measure(org, steps=["ทำแผน"]).steps[0]
    numbers = iter(range(10_000))

    def add(age: timedelta, status: DeliveryStatus = DeliveryStatus.SENT, *, kind=NotificationKind.REMINDER,
            run_date: date | None | str = "same", escalated: bool = False, attempts: int = 1) -> int:
        created = NOW - age
        number = next(numbers)
        if run_date == "same":
            # A distinct day long past for each, as the unique key (recipient, kind, run date) wants.
            run_date = None if kind == NotificationKind.TEST else date(2000, 1, 1) + timedelta(days=number)
        notification = Notification(
            organization_id=org.id, recipient_id=user.id, recipient_email=user.email,
            recipient_name=user.display_name, kind=kind, run_date=run_date, locale="th", subject="แจ้งเตือน",
            body_text="ข้อความ", body_html="<p>ข้อความ</p>", message_id=f"<{number}@test>",
            status=status, attempts=attempts, created_at=created,
            sent_at=created + timedelta(minutes=5) if status == DeliveryStatus.SENT else None,
            next_attempt_at=created + timedelta(minutes=10) if status == DeliveryStatus.PENDING and attempts else None,
        )
        notification.items = [NotificationItem(step_id=step.id, kind=ItemKind.OVERDUE, days=20, escalated=escalated)]
        db.session.add(notification)
        db.session.flush()
        db.session.add(Notice(organization_id=org.id, user_id=user.id, kind=NoticeKind.REMINDER, step_id=step.id,
                              days=20, created_at=created, notification_id=notification.id))
        db.session.commit()
        return notification.id

    add.org, add.user, add.step = org, user, step
    return add


def remaining_ids() -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Notification.id)))


def test_the_default_keeps_a_whole_fiscal_year_and_more(app, ctx):
    assert app.config["NOTIFICATION_RETENTION_DAYS"] == 400
    assert app.config["NOTIFICATION_PURGE_BATCH"] == 5000
    assert retention.retention_cutoff(NOW) == NOW - timedelta(days=400)


def test_old_delivered_and_given_up_e_mails_go_recent_and_waiting_ones_stay(app, outbox):
    old = 401 * DAY
    gone = {
        outbox(old, DeliveryStatus.SENT),
        outbox(3 * 365 * DAY, DeliveryStatus.SENT, kind=NotificationKind.DIGEST),
        outbox(old, DeliveryStatus.SENT, kind=NotificationKind.TEST, run_date=None),
        outbox(old, DeliveryStatus.FAILED, attempts=10),  # given up more than a year ago
    }
    kept = {
        outbox(399 * DAY, DeliveryStatus.SENT),  # within the window
        outbox(400 * DAY - timedelta(minutes=1), DeliveryStatus.SENT),
        outbox(10 * DAY, DeliveryStatus.FAILED, attempts=10),
        outbox(old, DeliveryStatus.PENDING, attempts=0),  # never tried (no server for a year)
        outbox(old, DeliveryStatus.PENDING, attempts=3),  # failed, waiting for its next try
        outbox(old, DeliveryStatus.SENDING),
        # Decided long ago for a day that is still inside the window: the unique key still needs it.
        outbox(old, DeliveryStatus.SENT, run_date=(NOW - 30 * DAY).date()),
    }
    assert retention.purge_old_notifications(NOW) == len(gone)
    assert remaining_ids() == kept


def test_a_delivered_message_keeps_its_html_a_week_and_its_text_until_it_goes(app, outbox):
    week_old = outbox(8 * DAY, DeliveryStatus.SENT)
    fresh = outbox(6 * DAY, DeliveryStatus.SENT)
    waiting = outbox(30 * DAY, DeliveryStatus.PENDING, attempts=3)
    given_up = outbox(30 * DAY, DeliveryStatus.FAILED, attempts=10)
    assert retention.purge_old_notifications(NOW) == 0
    db.session.expire_all()
    html = dict(db.session.execute(sa.select(Notification.id, Notification.body_html)).all())
    assert html == {week_old: "", fresh: "<p>ข้อความ</p>", waiting: "<p>ข้อความ</p>", given_up: "<p>ข้อความ</p>"}
    assert set(db.session.scalars(sa.select(Notification.body_text))) == {"ข้อความ"}


def test_the_setting_decides_how_long(app, outbox, monkeypatch):
    ids = [outbox(age * DAY) for age in (20, 40, 60)]
    monkeypatch.setitem(app.config, "NOTIFICATION_RETENTION_DAYS", 45)
    assert retention.purge_old_notifications(NOW) == 1
    assert remaining_ids() == set(ids[:2])
    assert retention.purge_old_notifications(NOW, days=30) == 1
    assert remaining_ids() == {ids[0]}


def test_batches_delete_the_oldest_first_and_commit_each(app, outbox, count_queries, monkeypatch):
    ids = [outbox((500 - n) * DAY) for n in range(5)]  # ids[0] is the oldest
    recent = outbox(DAY)
    cutoff = retention.retention_cutoff(NOW)
    assert retention.delete_old_notifications(DeliveryStatus.SENT, cutoff, 2) == 2
    db.session.commit()
    assert remaining_ids() == {*ids[2:], recent}

    [outbox((500 - n) * DAY) for n in range(5)]
    commits = []
    real_commit = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: commits.append(1) or real_commit())
    with count_queries() as counter:
        deleted = retention.purge_old_notifications(NOW, batch_size=2)
    assert deleted == 3 + 5
    assert remaining_ids() == {recent}
    deletes = [s for s in counter.statements if s.lstrip().upper().startswith("DELETE FROM NOTIFICATIONS")]
    # Sent: 2, 2, 2, 2, then 0 ends it; failed: 0. One commit per statement, and one for the HTML pass.
    assert len(deletes) == 6 and len(commits) == 6 + 1


def test_their_items_go_with_them_and_notices_keep_their_text(app, outbox):
    old_id = outbox(401 * DAY)
    recent_id = outbox(DAY)
    assert count(NotificationItem) == 2 and count(Notice) == 2
    retention.purge_old_notifications(NOW)
    assert set(db.session.scalars(sa.select(NotificationItem.notification_id))) == {recent_id}
    notices = db.session.scalars(sa.select(Notice).order_by(Notice.id)).all()
    assert [(n.notification_id, n.step_id, n.days) for n in notices] == [
        (None, outbox.step.id, 20), (recent_id, outbox.step.id, 20)
    ]
    assert old_id not in remaining_ids()


def test_the_executives_notified_date_stays_within_the_window(app, outbox):
    outbox(700 * DAY, escalated=True)
    outbox(390 * DAY, escalated=True, run_date=(NOW - 390 * DAY).date())
    outbox(DAY)  # not an escalation
    retention.purge_old_notifications(NOW)
    assert services.escalated_steps(outbox.org.id, [outbox.step.id]) == {outbox.step.id: (NOW - 390 * DAY).date()}
    # Once that escalation leaves the window too, the step page shows no date.
    retention.purge_old_notifications(NOW + 11 * DAY)
    assert services.escalated_steps(outbox.org.id, [outbox.step.id]) == {}


# --- the nightly job and the command ------------------------------------------------------


def test_the_nightly_job_purges_only_with_the_lease(app, outbox):
    from tracker.reminders import lease

    old = outbox(401 * DAY)
    assert lease.acquire("server-b", NOW, 120)
    scheduler = ReminderScheduler(app, holder="server-a", clock=lambda: NOW)
    assert scheduler.purge() == 0
    assert old in remaining_ids()
    lease.release("server-b", NOW)
    assert scheduler.purge() == 1
    assert remaining_ids() == set()
    assert lease.current().holder == "server-a"


def test_the_purge_job_runs_every_night(app, ctx):
    from apscheduler.triggers.cron import CronTrigger

    job = ReminderScheduler(app, holder="server-a").build().get_job("purge")
    assert isinstance(job.trigger, CronTrigger)
    assert str(job.trigger.timezone) == app.config["TIMEZONE"]
    assert job.misfire_grace_time >= 3600 and job.coalesce and job.max_instances == 1
    fires = job.trigger.get_next_fire_time(None, NOW)
    assert fires.astimezone(timezone.utc) == NOW  # 03:30 Bangkok


def test_the_command_purges_and_prints_the_count(app, outbox, monkeypatch):
    from tracker.reminders import cli

    monkeypatch.setattr(cli, "utcnow", lambda: NOW)
    outbox(401 * DAY)
    outbox(402 * DAY, DeliveryStatus.FAILED, attempts=10)
    outbox(DAY)
    result = app.test_cli_runner().invoke(args=["reminders", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 e-mail(s) delivered or given up before 2025-10-28 (NOTIFICATION_RETENTION_DAYS = 400)." \
        in result.output
    assert count(Notification) == 1


@pytest.mark.postgres_only
def test_a_batch_is_found_through_the_status_and_creation_index(app, outbox):
    """Each batch reads the oldest rows of the index on (status, created_at), never the whole table
    (the plan a long-lived prepared statement gets: generic, with the LIMIT written in)."""
    from sqlalchemy.dialects import postgresql

    outbox(401 * DAY)
    ids = retention.old_notification_ids(DeliveryStatus.SENT, retention.retention_cutoff(NOW), 5000)
    statement = sa.delete(Notification).where(Notification.id.in_(ids.scalar_subquery()))
    sql = str(statement.compile(dialect=postgresql.psycopg.dialect(),
                                compile_kwargs={"literal_binds": True, "render_postcompile": True}))
    assert "LIMIT 5000" in sql
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a table of a few rows would be read whole
    plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {sql}")))
    db.session.rollback()
    assert "ix_notifications_status_created" in plan, plan
