"""The daily run as a job: one transaction per organization, a failure recorded, today's missed run caught up.

Used by the scheduler process and the `flask reminders run` command.
"""
from __future__ import annotations

import logging
from datetime import date, datetime

import sqlalchemy as sa

from ..extensions import db
from ..orgs.models import Organization
from ..timeutil import org_today, to_local, utcnow
from .hooks import before_delivery
from .models import ReminderRun
from .outbox import record_failed_run, run_reminders
from .rules import ReminderRules
from .services import rules_by_organization

log = logging.getLogger("tracker.reminders")


def all_organizations() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.id)))


def run_organization(org: Organization, *, trigger: str, now: datetime | None = None, run_date: date | None = None) -> ReminderRun:
    """Decide one organization's day and commit; a failure is rolled back and recorded."""
    now = now or utcnow()
    run_date = run_date or org_today(org, now)
    org_id, slug = org.id, org.slug
    try:
        run = run_reminders(org, run_date, trigger=trigger, now=now)
        db.session.commit()
        return run
    except Exception as error:
        db.session.rollback()
        log.exception("The reminder run of %s for %s failed", slug, run_date)
        run = record_failed_run(db.session.get(Organization, org_id), run_date, trigger, error, now)
        db.session.commit()
        return run


def ran_on(organization_id: int, run_date: date) -> bool:
    """Whether a run for that day finished without breaking."""
    return db.session.scalar(
        sa.select(sa.func.count(ReminderRun.id)).where(
            ReminderRun.organization_id == organization_id,
            ReminderRun.run_date == run_date,
            ReminderRun.error.is_(None),
        )
    ) > 0


def missed_today(org: Organization, rules: ReminderRules, now: datetime) -> bool:
    """Past the organization's send time, and no run yet today (its time zone)."""
    if not rules.enabled:
        return False
    local_now = to_local(now, org.timezone)
    return local_now.time() >= rules.send_time and not ran_on(org.id, org_today(org, now))


def catch_up(now: datetime | None = None) -> list[ReminderRun]:
    """Run today's reminders of every organization whose send time has passed
    without a run (the scheduler was down at 08:00, or was just set up)."""
    now = now or utcnow()
    organizations = all_organizations()
    rules = rules_by_organization(o.id for o in organizations)
    runs = []
    for org in organizations:
        if missed_today(org, rules[org.id], now):
            log.info("Catching up today's reminders of %s", org.slug)
            runs.append(run_organization(org, trigger="catch-up", now=now))
    return runs


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
