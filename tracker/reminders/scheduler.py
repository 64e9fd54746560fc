"""The scheduler process (`flask --app wsgi reminders scheduler`): APScheduler in one dedicated process.

Jobs:

- `daily-<HHMM>-<time zone>`: one job per send time in use (08:00 Asia/Bangkok
  by default; an organization may set its own time): the day's pass over the
  organizations whose reminders are decided then, in batches
  (`jobs.decide_organizations`), the sender delivering each batch as soon as
  it is committed, so that the first e-mails leave within a minute;
- `send`: the sender, every REMINDER_SEND_EVERY_MINUTES;
- `lease`: takes or renews the database lease; a process that takes it over
  catches up today's run; it also runs the sender when a page asked to wake it
  (`lease.wake_sender`, the administrator's "retry now");
- `sync`: follows changes of the organizations' settings and catches up a
  run that was missed (a new organization, a send time moved earlier);
- `purge`: every night, deletes e-mails delivered or given up longer ago than
  NOTIFICATION_RETENTION_DAYS (`retention`).

Every job first takes or renews the lease and does nothing without it, so
that with several servers on one database only one scheduler acts. Web
workers never import this module.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from ..extensions import db
from ..timeutil import utcnow
from . import lease
from .delivery import deliver_pending, sender_identity
from .jobs import (
    PassReport,
    SendTime,
    catch_up,
    decide_organizations,
    organizations_at,
    queue_thread_emails,
    send_times,
    with_today,
)
from .retention import purge_old_notifications

log = logging.getLogger("tracker.reminders.scheduler")

# A daily run that starts late (the machine was suspended, every thread was
# busy) still runs within this time; APScheduler's default of 1 second would
# silently drop it. Later than that, the catch-up of the `sync` job runs it.
DAILY_MISFIRE_GRACE_SECONDS = 6 * 3600
SYNC_EVERY_MINUTES = 10
PURGE_AT = (3, 30)  # hour, minute in TIMEZONE: at night, away from the morning's reminders


class ReminderScheduler:
    """The jobs of one scheduler process, and whether this process holds the lease."""

    def __init__(self, app: Flask, holder: str | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        self.app = app
        self.holder = holder or sender_identity()
        self.clock = clock  # tests pass a fixed time
        self.holding = False
        self.scheduler: BlockingScheduler | None = None
        self.daily_schedules: set[SendTime] = set()
        self._lock = threading.Lock()

    @property
    def lease_seconds(self) -> int:
        return int(self.app.config.get("REMINDER_LEASE_SECONDS", 120))

    # --- the lease ---------------------------------------------------------------

    def _may_act(self, now: datetime) -> tuple[bool, bool]:
        """(holds the lease, has just taken it over). Call inside an app context."""
        with self._lock:
            held = lease.acquire(self.holder, now, self.lease_seconds)
            taken_over = held and not self.holding
            if held != self.holding:
                log.info("Scheduler %s %s the lease", self.holder, "took" if held else "lost")
            self.holding = held
            return held, taken_over

    def heartbeat(self, now: datetime | None = None) -> bool:
        """Take or renew the lease; on taking it, catch up today's missed runs."""
        with self.app.app_context():
            now = now or self.clock()
            held, taken_over = self._may_act(now)
            if taken_over:
                catch_up(now)
            if held and (lease.take_wake_request() or taken_over):
                deliver_pending(now=now, sender=self.holder)
            return held

    # --- jobs ---------------------------------------------------------------------

    def daily(self, send_time: SendTime, now: datetime | None = None) -> PassReport | None:
        """The pass of one send time: every organization whose reminders are decided then."""
        with self.app.app_context():
            now = now or self.clock()
            if not self._may_act(now)[0]:
                return None
            organizations = organizations_at(send_time)
            if not organizations:
                return None
            concurrent = db.session.get_bind().dialect.name == "postgresql"
            with self._sending_while_deciding(now, concurrent) as batch_committed:
                return decide_organizations(with_today(organizations, now), trigger="scheduler", now=now,
                                            label=send_time.label, after_batch=batch_committed)

    @contextmanager
    def _sending_while_deciding(self, now: datetime, concurrent: bool):
        """A sender thread that delivers each batch once committed (PostgreSQL); on SQLite,
        whose writers lock the whole file, the sender runs once the pass is over."""
        decided, committed = threading.Event(), threading.Event()

        def send_until_decided() -> None:
            with self.app.app_context():
                while not decided.is_set():
                    committed.wait(timeout=5)
                    committed.clear()
                    deliver_pending(now=now, sender=self.holder)
                deliver_pending(now=now, sender=self.holder)

        thread = threading.Thread(target=send_until_decided, name="reminder-sender", daemon=True) if concurrent else None
        if thread is not None:
            thread.start()
        try:
            yield lambda lines: committed.set()
        finally:
            decided.set()
            committed.set()
            if thread is not None:
                thread.join()
            else:
                deliver_pending(now=now, sender=self.holder)

    def send(self, now: datetime | None = None) -> None:
        with self.app.app_context():
            now = now or self.clock()
            if self._may_act(now)[0]:
                queue_thread_emails(now)
                deliver_pending(now=now, sender=self.holder)

    def sync(self, now: datetime | None = None) -> None:
        with self.app.app_context():
            now = now or self.clock()
            if self.scheduler is not None:
                self.schedule_daily_runs(self.scheduler)
            if self._may_act(now)[0] and catch_up(now):
                deliver_pending(now=now, sender=self.holder)

    def purge(self, now: datetime | None = None) -> int:
        """The nightly clean-up of the outbox (`retention`); how many e-mails went."""
        with self.app.app_context():
            now = now or self.clock()
            if not self._may_act(now)[0]:
                return 0
            return purge_old_notifications(now)

    # --- building and running ---------------------------------------------------------

    def schedule_daily_runs(self, scheduler: BlockingScheduler) -> None:
        """One cron job per send time in use, in its time zone. Call inside an app context."""
        wanted = set(send_times())
        for send_time in self.daily_schedules - wanted:
            scheduler.remove_job(send_time.job_id)
        for send_time in wanted - self.daily_schedules:
            scheduler.add_job(
                self.daily,
                CronTrigger(hour=send_time.hour, minute=send_time.minute, timezone=ZoneInfo(send_time.timezone)),
                args=[send_time],
                id=send_time.job_id,
                name=f"daily reminders at {send_time.label}",
                misfire_grace_time=DAILY_MISFIRE_GRACE_SECONDS,
                coalesce=True,  # several missed days become one run, for today
                max_instances=1,
            )
        self.daily_schedules = wanted

    def build(self) -> BlockingScheduler:
        config = self.app.config
        scheduler = BlockingScheduler(timezone=ZoneInfo(config["TIMEZONE"]))
        heartbeat_seconds = lease.heartbeat_seconds(config)
        send_minutes = max(1, int(config.get("REMINDER_SEND_EVERY_MINUTES", 5)))
        # Interval jobs: a late one still runs once (coalesce), within one interval;
        # a run that is still going blocks the next (max_instances=1).
        scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=heartbeat_seconds), id="lease",
                          name="scheduler lease", misfire_grace_time=heartbeat_seconds, coalesce=True, max_instances=1)
        scheduler.add_job(self.send, IntervalTrigger(minutes=send_minutes), id="send",
                          name="send pending e-mails", misfire_grace_time=send_minutes * 60, coalesce=True, max_instances=1)
        scheduler.add_job(self.sync, IntervalTrigger(minutes=SYNC_EVERY_MINUTES), id="sync",
                          name="follow settings, catch up", misfire_grace_time=SYNC_EVERY_MINUTES * 60,
                          coalesce=True, max_instances=1)
        scheduler.add_job(self.purge, CronTrigger(hour=PURGE_AT[0], minute=PURGE_AT[1], timezone=scheduler.timezone),
                          id="purge",
                          name="delete old e-mails", misfire_grace_time=DAILY_MISFIRE_GRACE_SECONDS,
                          coalesce=True, max_instances=1)
        with self.app.app_context():
            self.schedule_daily_runs(scheduler)
        self.scheduler = scheduler
        return scheduler

    def start(self) -> None:
        """Run until stopped (Ctrl-C, SIGTERM or `stop()`); gives the lease up on the way out."""
        scheduler = self.build()
        if threading.current_thread() is threading.main_thread():
            # `make run` and systemd stop the process with SIGTERM: leave as cleanly as on Ctrl-C.
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        log.info("Reminder scheduler %s starting", self.holder)
        try:
            self.heartbeat()  # catches up a run missed while no scheduler was running
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            with self.app.app_context():
                lease.release(self.holder, self.clock())
            self.holding = False
            log.info("Reminder scheduler %s stopped", self.holder)

    def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
