"""Deciding a day's reminders: plan them, write each e-mail once to the outbox, record the run."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..extensions import db
from ..ita import StepStatus
from ..measures.models import Step
from ..measures.queries import default_fiscal_year, steps_query, summarize
from ..orgs.models import Organization
from ..timeutil import utcnow
from .hooks import reminder_queued
from .messages import DigestView, Links, RenderedEmail, reminder_email
from .models import Notification, NotificationItem, NotificationKind, ReminderRun
from .rules import OpenStep, Person, PlannedItem, ReminderRules, plan_day
from .services import escalations_only_by_user, rules_for
from .sqlutil import insert_unless_exists
from .mail_settings import new_message_id

log = logging.getLogger("tracker.reminders")


@dataclass
class PlannedMessage:
    recipient: User
    kind: NotificationKind
    email: RenderedEmail
    items: list[PlannedItem]


@dataclass
class DayPlan:
    """Every e-mail of one organization's day, rendered but not saved."""

    org: Organization
    run_date: date
    rules: ReminderRules
    messages: list[PlannedMessage] = field(default_factory=list)
    steps: dict[int, Step] = field(default_factory=dict)
    failures: int = 0


def open_steps(organization_id: int) -> list[Step]:
    """Steps not done, of any fiscal year, with their measure and divisions."""
    query = steps_query(organization_id).where(Step.status.not_in([StepStatus.DONE, StepStatus.CARRIED]))
    return list(db.session.scalars(query).unique())


def organization_users(organization_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organization_id == organization_id)
            .options(selectinload(User.memberships))
            .order_by(User.id)
        )
    )


def plan_messages(org: Organization, run_date: date, rules: ReminderRules | None = None) -> DayPlan:
    """Decide and render who gets what on `run_date`, changing nothing.

    A fixed number of queries, however many steps and people.
    """
    rules = rules or rules_for(org.id)
    day = DayPlan(org, run_date, rules)
    if not rules.enabled:
        return day
    steps = open_steps(org.id)
    day.steps = {s.id: s for s in steps}
    users = organization_users(org.id)
    opted_out = escalations_only_by_user(u.id for u in users)
    people = [
        Person(
            user_id=u.id,
            memberships={m.division_id: m.is_head for m in u.memberships},
            is_executive=u.role == Role.EXECUTIVE,
            active=u.active,
            escalations_only=u.id in opted_out,
        )
        for u in users
    ]
    links = Links()
    digest = None
    if rules.is_digest_day(run_date) and any(p.is_executive and p.active and not p.escalations_only for p in people):
        digest = DigestView(summarize(org.id, default_fiscal_year(org.id, run_date), run_date), links)
    facts = [OpenStep(s.id, s.due_date, s.status, frozenset(d.id for d in s.divisions)) for s in steps]
    plans = plan_day(facts, people, run_date, rules, digest_has_content=bool(digest and digest.summary.steps))

    users_by_id = {u.id: u for u in users}
    for plan in plans:
        user = users_by_id[plan.user_id]
        try:
            email = reminder_email(org, user, plan, day.steps, run_date, digest, links)
        except Exception:
            # One broken e-mail must not stop everyone else's; the run records it.
            log.exception("Could not write the %s e-mail of %s for %s", plan.kind, user.email, run_date)
            day.failures += 1
            continue
        day.messages.append(PlannedMessage(user, plan.kind, email, plan.items))
    return day


def add_to_outbox(user: User, kind: NotificationKind | str, email: RenderedEmail, now: datetime) -> Notification:
    """One e-mail to one person that is not one of a day's reminders (a thread, an account
    notice, an alert): its `run_date` is NULL, which never collides in the outbox's unique key."""
    notification = Notification(
        organization_id=user.organization_id,
        recipient_id=user.id,
        recipient_email=user.email,
        recipient_name=user.display_name,
        kind=NotificationKind(kind),
        run_date=None,
        locale=email.locale,
        subject=email.subject[:300],
        body_text=email.text,
        body_html=email.html,
        message_id=new_message_id(current_app.config),
        created_at=now,
    )
    db.session.add(notification)
    db.session.flush()
    return notification


def save_message(org: Organization, run_date: date | None, message: PlannedMessage, now: datetime) -> int | None:
    """Write one e-mail to the outbox unless this person already has this day's
    e-mail of this kind; the id of the new row, or None."""
    notification_id = insert_unless_exists(
        Notification.__table__,
        {
            "organization_id": org.id,
            "recipient_id": message.recipient.id,
            "recipient_email": message.recipient.email,
            "recipient_name": message.recipient.display_name,
            "kind": message.kind,
            "run_date": run_date,
            "locale": message.email.locale,
            "subject": message.email.subject[:300],
            "body_text": message.email.text,
            "body_html": message.email.html,
            "message_id": new_message_id(current_app.config),
            "created_at": now,
        },
        unique_columns=("recipient_id", "kind", "run_date"),
    )
    if notification_id is not None and message.items:
        db.session.execute(
            sa.insert(NotificationItem),
            [
                {
                    "notification_id": notification_id,
                    "step_id": item.step_id,
                    "kind": item.kind,
                    "days": item.days,
                    "escalated": item.escalated,
                }
                for item in message.items
            ],
        )
        reminder_queued.send(None, organization_id=org.id, recipient_id=message.recipient.id,
                             notification_id=notification_id, items=message.items, now=now)
    return notification_id


def run_reminders(org: Organization, run_date: date, *, trigger: str, now: datetime | None = None) -> ReminderRun:
    """Decide the day's e-mails into the outbox and record the run; the caller commits.

    Running it again the same day, or in two processes at once, adds no
    second e-mail: the outbox's unique key (recipient, kind, day) refuses it.
    """
    now = now or utcnow()
    run = ReminderRun(organization_id=org.id, run_date=run_date, trigger=trigger, started_at=now)
    db.session.add(run)
    day = plan_messages(org, run_date)
    for message in day.messages:
        if save_message(org, run_date, message, now) is None:
            run.already_decided += 1
        else:
            run.messages_created += 1
    run.failures = day.failures
    run.finished_at = max(now, utcnow())
    db.session.flush()
    log.info(
        "Reminders of %s for %s: %d e-mails created, %d already in the outbox, %d failures",
        org.slug, run_date, run.messages_created, run.already_decided, run.failures,
    )
    return run


def record_failed_run(org: Organization, run_date: date, trigger: str, error: BaseException, now: datetime | None = None) -> ReminderRun:
    """A run that broke: recorded (after the rollback) so that the admin page shows it."""
    now = now or utcnow()
    run = ReminderRun(
        organization_id=org.id,
        run_date=run_date,
        trigger=trigger,
        started_at=now,
        finished_at=max(now, utcnow()),
        failures=1,
        error=f"{type(error).__name__}: {error}"[:2000],
    )
    db.session.add(run)
    db.session.flush()
    return run
