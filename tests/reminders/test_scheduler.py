"""The scheduler process: the database lease, the catch-up on start, the jobs' configuration."""
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker.extensions import db
from tracker.reminders import lease, services
from tracker.reminders.jobs import SendTime
from tracker.reminders.models import Notification, ReminderRun
from tracker.reminders.scheduler import DAILY_MISFIRE_GRACE_SECONDS, ReminderScheduler

from .conftest import EXPECTED_TUESDAY, TUESDAY, bangkok

BANGKOK_8 = SendTime(8, 0, "Asia/Bangkok")

SECOND = timedelta(seconds=1)


def runs():
    db.session.expire_all()
    return db.session.scalars(sa.select(ReminderRun).order_by(ReminderRun.id)).all()


def notification_count():
    return db.session.scalar(sa.select(sa.func.count(Notification.id)))


# --- the lease -------------------------------------------------------------------------


def test_of_two_contenders_one_holds_the_lease_until_it_expires(ctx):
    t0 = bangkok(TUESDAY, 7)
    assert lease.acquire("server-a", t0, 120)
    assert not lease.acquire("server-b", t0 + SECOND, 120)
    assert lease.acquire("server-a", t0 + 60 * SECOND, 120)  # renewed: now valid until t0 + 180 s
    assert not lease.acquire("server-b", t0 + 150 * SECOND, 120)
    assert lease.acquire("server-b", t0 + 180 * SECOND, 120)  # expired: handed over
    assert not lease.acquire("server-a", t0 + 181 * SECOND, 120)
    held = lease.current()
    assert (held.holder, held.acquired_at, held.expires_at) == ("server-b", t0 + 180 * SECOND, t0 + 300 * SECOND)


def test_a_released_lease_is_free_at_once(ctx):
    t0 = bangkok(TUESDAY, 7)
    assert lease.acquire("server-a", t0, 120)
    lease.release("server-a", t0 + SECOND)
    assert lease.acquire("server-b", t0 + 2 * SECOND, 120)
    lease.release("server-a", t0 + 3 * SECOND)  # not the holder any more: changes nothing
    assert not lease.acquire("server-a", t0 + 4 * SECOND, 120)


def test_contenders_starting_at_the_same_moment_elect_one(app, ctx):
    t0 = bangkok(TUESDAY, 7)
    names = [f"server-{n}" for n in range(6)]
    start = threading.Barrier(len(names))
    results, errors = {}, []

    def contend(name):
        try:
            with app.app_context():
                start.wait(timeout=10)
                results[name] = lease.acquire(name, t0, 120)
        except Exception as error:  # pragma: no cover - shown by the assertion
            errors.append(error)

    threads = [threading.Thread(target=contend, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    winners = [name for name, won in results.items() if won]
    assert len(winners) == 1 and lease.current().holder == winners[0]


# --- catching up and acting only with the lease ---------------------------------------------


def test_on_start_it_catches_up_the_missed_morning_run_once(app, office, smtp):
    # The scheduler was down at 08:00 and starts at 09:15 (Bangkok).
    server_a = ReminderScheduler(app, holder="server-a")
    assert server_a.heartbeat(bangkok(TUESDAY, 9, 15))
    assert [(r.run_date, r.trigger) for r in runs()] == [(TUESDAY, "catch-up")]
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)

    assert server_a.heartbeat(bangkok(TUESDAY, 9, 16))  # renewing catches nothing up again
    server_a.sync(bangkok(TUESDAY, 9, 20))  # nor does the periodic check
    assert len(runs()) == 1

    # Another server starts: it waits, then takes over when server A stops, without duplicates.
    server_b = ReminderScheduler(app, holder="server-b")
    assert not server_b.heartbeat(bangkok(TUESDAY, 9, 21))
    assert server_b.heartbeat(bangkok(TUESDAY, 9, 30))
    assert len(runs()) == 1
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)


def test_no_catch_up_before_the_send_time(app, office, smtp):
    scheduler = ReminderScheduler(app, holder="server-a")
    assert scheduler.heartbeat(bangkok(TUESDAY, 7, 59))
    assert runs() == []
    # The day's job fires at 08:00.
    scheduler.daily(BANGKOK_8, bangkok(TUESDAY, 8, 0))
    assert [(r.run_date, r.trigger) for r in runs()] == [(TUESDAY, "scheduler")]
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)


def test_the_send_time_is_the_organizations(app, office):
    services.update_settings(office.org, office.people.admin, enabled=True, days_before="14,7,1", overdue_every=7,
                             escalate_from=14, digest_weekday=0, send_time="06:30")
    db.session.commit()
    assert ReminderScheduler(app, holder="server-a").heartbeat(bangkok(TUESDAY, 6, 45))
    assert [r.trigger for r in runs()] == ["catch-up"]


def test_a_scheduler_without_the_lease_does_nothing(app, office, smtp):
    # Server A renewed its lease at 07:59:30, valid for two minutes.
    assert ReminderScheduler(app, holder="server-a").heartbeat(bangkok(TUESDAY, 7, 59) + 30 * SECOND)
    standby = ReminderScheduler(app, holder="server-b")
    standby.daily(BANGKOK_8, bangkok(TUESDAY, 8))
    standby.sync(bangkok(TUESDAY, 8) + 30 * SECOND)
    standby.send(bangkok(TUESDAY, 8, 1))
    assert runs() == [] and notification_count() == 0 and smtp.messages == []


def test_the_sender_job_delivers_what_waits(app, office, smtp):
    scheduler = ReminderScheduler(app, holder="server-a")
    smtp.stop()
    scheduler.daily(BANGKOK_8, bangkok(TUESDAY, 8))
    assert smtp.messages == [] and notification_count() == len(EXPECTED_TUESDAY)
    smtp.start()
    scheduler.send(bangkok(TUESDAY, 8, 5))
    assert len(smtp.messages) == len(EXPECTED_TUESDAY)


# --- the APScheduler jobs ---------------------------------------------------------------------


def test_jobs_run_at_the_organizations_time_and_late_runs_are_not_dropped(app, office):
    jobs = {job.id: job for job in ReminderScheduler(app, holder="server-a").build().get_jobs()}
    assert set(jobs) == {"lease", "send", "sync", "purge", "daily-0800-Asia/Bangkok"}
    daily = jobs["daily-0800-Asia/Bangkok"]
    assert isinstance(daily.trigger, CronTrigger) and str(daily.trigger.timezone) == "Asia/Bangkok"
    assert daily.trigger.get_next_fire_time(None, bangkok(TUESDAY, 7)) == bangkok(TUESDAY, 8)
    assert (daily.misfire_grace_time, daily.coalesce, daily.max_instances) == (DAILY_MISFIRE_GRACE_SECONDS, True, 1)
    send = jobs["send"]
    assert isinstance(send.trigger, IntervalTrigger) and send.trigger.interval == timedelta(minutes=5)
    assert (send.misfire_grace_time, send.coalesce, send.max_instances) == (300, True, 1)
    assert jobs["lease"].trigger.interval < timedelta(seconds=app.config["REMINDER_LEASE_SECONDS"])


def test_changed_settings_move_or_remove_the_daily_job(app, office, make_org):
    scheduler = ReminderScheduler(app, holder="server-a")
    built = scheduler.build()
    make_org(timezone="Asia/Tokyo")
    services.update_settings(office.org, office.people.admin, enabled=True, days_before="7", overdue_every=7,
                             escalate_from=14, digest_weekday=0, send_time="07:15")
    db.session.commit()
    with app.app_context():
        scheduler.schedule_daily_runs(built)
    assert built.get_job("daily-0800-Asia/Bangkok") is None
    daily = built.get_job("daily-0715-Asia/Bangkok")
    assert daily.trigger.get_next_fire_time(None, bangkok(TUESDAY, 7)) == bangkok(TUESDAY, 7, 15)
    tokyo = built.get_job("daily-0800-Asia/Tokyo")
    assert str(tokyo.trigger.timezone) == "Asia/Tokyo" and tokyo.args == (SendTime(8, 0, "Asia/Tokyo"),)

    services.update_settings(office.org, office.people.admin, enabled=False, days_before="7", overdue_every=7,
                             escalate_from=14, digest_weekday=0, send_time="07:15")
    db.session.commit()
    with app.app_context():
        scheduler.schedule_daily_runs(built)
    assert built.get_job("daily-0715-Asia/Bangkok") is None
    assert built.get_job("daily-0800-Asia/Tokyo") is not None


def test_the_process_catches_up_on_start_and_gives_the_lease_up_on_stop(app, office, smtp):
    clock = lambda: bangkok(TUESDAY, 9)  # noqa: E731 - a fixed clock for the whole process
    scheduler = ReminderScheduler(app, holder="server-a", clock=clock)
    process = threading.Thread(target=scheduler.start)
    process.start()
    try:
        deadline = time.monotonic() + 20
        while not (scheduler.scheduler and scheduler.scheduler.running) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scheduler.scheduler.running
        assert [r.trigger for r in runs()] == ["catch-up"]
        assert len(smtp.messages) == len(EXPECTED_TUESDAY)
    finally:
        scheduler.stop()
        process.join(timeout=20)
    assert not process.is_alive()
    db.session.expire_all()
    assert lease.acquire("server-b", clock() + SECOND, 120)  # free at once after a clean stop
