"""The daily run as a job: organizations decided in batches, one transaction per batch,
a failure isolated and recorded, today's missed runs caught up.

Used by the scheduler process and the `flask reminders run` command.
"""
from __future__ import annotations

import logging
import threading
import time
from queue import Queue
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..orgs.models import Organization
from ..timeutil import org_timezone, org_today, to_local, utcnow
from .facts import OrganizationRow, organization_rows
from .hooks import before_delivery
from .models import ReminderPass, ReminderRun
from .outbox import DayPlan, decide_batch, organization_row, plan_days, record_failed_run, save_days
from .rules import ReminderRules
from .services import rules_by_organization

log = logging.getLogger("tracker.reminders")

# Organizations decided per transaction: large enough that the queries and the
# insert are set-based, small enough that the first e-mails leave soon.
DECISION_BATCH = 200


@dataclass(frozen=True)
class RunLine:
    """What one organization's run did, for the CLI and logs (no ORM object kept)."""

    organization_id: int
    name: str
    slug: str
    run_date: date
    messages_created: int
    already_decided: int
    failures: int
    error: str | None


@dataclass
class PassReport:
    """What a pass over many organizations did."""

    lines: list[RunLine] = field(default_factory=list)
    seconds: float = 0.0

    def __iter__(self):
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def organizations(self) -> int:
        return len(self.lines)

    @property
    def messages_created(self) -> int:
        return sum(line.messages_created for line in self.lines)

    @property
    def failures(self) -> int:
        return sum(line.failures + (1 if line.error else 0) for line in self.lines)


@dataclass(frozen=True)
class SendTime:
    """A time of day, in a time zone, at which some organizations' reminders are decided."""

    hour: int
    minute: int
    timezone: str

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d} {self.timezone}"

    @property
    def job_id(self) -> str:
        return f"daily-{self.hour:02d}{self.minute:02d}-{self.timezone}"


def _send_times_of_organizations() -> list[tuple[SendTime, OrganizationRow]]:
    organizations = organization_rows()
    rules = rules_by_organization(o.id for o in organizations)
    return [
        (SendTime(rules[o.id].send_time.hour, rules[o.id].send_time.minute, org_timezone(o)), o)
        for o in organizations
        if rules[o.id].enabled
    ]


def send_times() -> set[SendTime]:
    """The send times in use by the organizations whose reminders are on (two queries)."""
    return {send_time for send_time, _ in _send_times_of_organizations()}


def organizations_at(send_time: SendTime) -> list[OrganizationRow]:
    """The organizations whose reminders are decided at `send_time`, as their settings say now."""
    return [org for at, org in _send_times_of_organizations() if at == send_time]


def _line(org: OrganizationRow, run: ReminderRun) -> RunLine:
    return RunLine(org.id, org.name, org.slug, run.run_date, run.messages_created, run.already_decided,
                   run.failures, run.error)


def _decide_alone(org: OrganizationRow, run_date: date, trigger: str, now: datetime,
                  pass_id: int | None = None) -> RunLine:
    """One organization in its own transaction; a failure is rolled back and recorded."""
    try:
        [run] = decide_batch([(org, run_date)], trigger=trigger, now=now, pass_id=pass_id)
        line = _line(org, run)
        db.session.commit()
        return line
    except Exception as error:
        db.session.rollback()
        log.exception("The reminder run of %s for %s failed", org.slug, run_date)
        line = _line(org, record_failed_run(org, run_date, trigger, error, now, pass_id))
        db.session.commit()
        return line


def decide_organizations(
    organizations: Iterable[tuple[OrganizationRow, date]],
    *,
    trigger: str,
    now: datetime,
    batch_size: int = DECISION_BATCH,
    after_batch: Callable[[list[RunLine]], None] | None = None,
    overlap: bool | None = None,
    label: str = "",
) -> PassReport:
    """Decide the day of each (organization, its day), committing once per batch.

    A batch that breaks is rolled back and its organizations are decided one by
    one, so that one broken organization costs only its own run (recorded with
    the error). `after_batch` runs after each commit (the scheduler delivers
    what the batch decided).

    With `overlap` (the default on PostgreSQL when there are several batches),
    a second thread with its own connection writes and commits each batch while
    this one reads and renders the next: the database works on one processor
    while Python renders on the other.

    The pass is recorded (`ReminderPass`, with `label`), each run linked to it.
    """
    started = time.perf_counter()
    report = PassReport()
    pending = list(organizations)
    record = ReminderPass(trigger=trigger, label=label[:100], started_at=now)
    db.session.add(record)
    db.session.commit()
    pass_id = record.id
    batches = [pending[start:start + batch_size] for start in range(0, len(pending), max(1, batch_size))]
    if overlap is None:
        overlap = len(batches) > 1 and db.session.get_bind().dialect.name == "postgresql"

    def write(batch: list[tuple[OrganizationRow, date]], days: list[DayPlan] | None) -> None:
        lines = _save_batch(batch, days, trigger, now, pass_id)
        report.lines.extend(lines)
        if after_batch is not None:
            try:
                after_batch(lines)
            except Exception:  # the next batches are decided all the same
                log.exception("The work after a batch of reminders failed")

    if not overlap:
        for batch in batches:
            write(batch, _plan_batch(batch))
    else:
        _plan_here_write_there(batches, write)
    report.seconds = time.perf_counter() - started
    db.session.execute(
        sa.update(ReminderPass).where(ReminderPass.id == pass_id).values(
            finished_at=max(now, utcnow()), organizations=report.organizations,
            messages_created=report.messages_created, failures=report.failures, seconds=round(report.seconds, 3))
    )
    db.session.commit()
    log.info("Reminder pass %s (%s): %d organizations, %d e-mails created, %d failures in %.1f s", pass_id,
             label or trigger, report.organizations, report.messages_created, report.failures, report.seconds)
    return report


def _plan_batch(batch: list[tuple[OrganizationRow, date]]) -> list[DayPlan] | None:
    """The batch's e-mails, or None when planning broke (the batch is then decided one by one)."""
    try:
        return plan_days(batch)
    except Exception:
        log.exception("Could not plan a batch of %d organizations", len(batch))
        db.session.rollback()
        return None


def _save_batch(batch: list[tuple[OrganizationRow, date]], days: list[DayPlan] | None, trigger: str,
                now: datetime, pass_id: int | None) -> list[RunLine]:
    try:
        if days is None:
            raise RuntimeError("the batch could not be planned")
        runs = save_days(days, trigger=trigger, now=now, pass_id=pass_id)
        lines = [_line(org, run) for (org, _), run in zip(batch, runs)]
        db.session.commit()
        return lines
    except Exception:
        db.session.rollback()
        if len(batch) > 1:
            log.warning("A batch of %d organizations failed; deciding them one by one", len(batch))
        return [_decide_alone(org, run_date, trigger, now, pass_id) for org, run_date in batch]


def _plan_here_write_there(batches: list[list[tuple[OrganizationRow, date]]], write) -> None:
    """Plan each batch in this thread and hand it to a writer thread (one batch ahead at most)."""
    app = current_app._get_current_object()
    handed: Queue = Queue(maxsize=1)

    def writer() -> None:
        with app.app_context():
            while (work := handed.get()) is not None:
                try:
                    write(*work)
                except Exception:  # keep taking batches: the planning thread waits on this queue
                    log.exception("Could not write a batch of reminders")
                    db.session.rollback()
            db.session.remove()

    thread = threading.Thread(target=writer, name="reminder-writer", daemon=True)
    thread.start()
    try:
        for batch in batches:
            days = _plan_batch(batch)
            db.session.rollback()  # end this thread's read transaction between batches
            handed.put((batch, days))
    finally:
        handed.put(None)
        thread.join()


def with_today(organizations: Sequence[OrganizationRow], now: datetime,
               run_date: date | None = None) -> list[tuple[OrganizationRow, date]]:
    """Each organization with its day: `run_date`, or today in its time zone."""
    return [(org, run_date or org_today(org, now)) for org in organizations]


def run_organization(org: Organization, *, trigger: str, now: datetime | None = None,
                     run_date: date | None = None) -> ReminderRun:
    """Decide one organization's day and commit; a failure is rolled back and recorded."""
    now = now or utcnow()
    row = organization_row(org)
    line = _decide_alone(row, run_date or org_today(row, now), trigger, now)
    return db.session.scalars(
        sa.select(ReminderRun)
        .where(ReminderRun.organization_id == line.organization_id, ReminderRun.run_date == line.run_date)
        .order_by(ReminderRun.id.desc())
        .limit(1)
    ).one()


def organizations_that_ran(run_dates: dict[int, date]) -> set[int]:
    """Of {organization id: day}, the organizations with a run for that day that did not break
    (one query for all)."""
    if not run_dates:
        return set()
    rows = db.session.execute(
        sa.select(ReminderRun.organization_id, ReminderRun.run_date)
        .where(ReminderRun.run_date.in_(set(run_dates.values())), ReminderRun.error.is_(None))
        .distinct()
    )
    return {org_id for org_id, day in rows if run_dates.get(org_id) == day}


def _past_send_time(org: OrganizationRow | Organization, rules: ReminderRules, now: datetime) -> bool:
    return rules.enabled and to_local(now, org_timezone(org)).time() >= rules.send_time


def catch_up(now: datetime | None = None, *, after_batch: Callable[[list[RunLine]], None] | None = None) -> PassReport:
    """Run today's reminders of every organization whose send time has passed
    without a run (the scheduler was down at 08:00, or was just set up).

    A fixed number of queries to find them, however many organizations there are."""
    now = now or utcnow()
    organizations = organization_rows()
    rules = rules_by_organization(o.id for o in organizations)
    due = {org.id: org_today(org, now) for org in organizations if _past_send_time(org, rules[org.id], now)}
    done = organizations_that_ran(due)
    missed = [(org, due[org.id]) for org in organizations if org.id in due and org.id not in done]
    for org, _ in missed:
        log.info("Catching up today's reminders of %s", org.slug)
    if not missed:
        return PassReport()
    return decide_organizations(missed, trigger="catch-up", now=now, after_batch=after_batch)


def queue_thread_emails(now: datetime | None = None) -> int:
    """Queue the instruction-thread e-mails whose hour has passed, before a delivery pass
    (the inbox answers `before_delivery`)."""
    try:
        queued = sum(count or 0 for _, count in before_delivery.send(None, now=now or utcnow()))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Could not queue the instruction-thread e-mails")
        return 0
    return queued
