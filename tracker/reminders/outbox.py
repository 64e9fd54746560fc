"""Deciding a day's reminders: plan them, write each e-mail once to the outbox, record the run.

Organizations are decided in batches: a few set-based queries read what the
rules need for the whole batch (`facts.load_facts`), the e-mails are rendered
from templates compiled once per language, and the outbox gets one
`INSERT ... ON CONFLICT DO NOTHING` per table and batch. The unique key
(recipient, kind, day) keeps it exactly-once when runs overlap.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from ..auth.models import User
from ..bulk import insert_rows
from ..extensions import db
from ..measures.queries import default_fiscal_year, summarize
from ..orgs.models import Organization
from ..timeutil import utcnow
from .facts import OrganizationFacts, OrganizationRow, Recipient, StepFacts, load_facts
from .hooks import QueuedReminder, reminders_queued
from .messages import DigestView, Links, RenderedEmail, SharedBodies, reminder_email
from .models import Notification, NotificationItem, NotificationKind, ReminderRun
from .rules import PlannedItem, ReminderRules, plan_day
from .services import rules_by_organization, rules_for
from .mail_settings import new_message_id

log = logging.getLogger("tracker.reminders")


@dataclass
class PlannedMessage:
    recipient: Recipient
    kind: NotificationKind
    email: RenderedEmail
    items: list[PlannedItem]


@dataclass
class DayPlan:
    """Every e-mail of one organization's day, rendered but not saved."""

    org: OrganizationRow
    run_date: date
    rules: ReminderRules
    messages: list[PlannedMessage] = field(default_factory=list)
    steps: dict[int, StepFacts] = field(default_factory=dict)
    failures: int = 0


def organization_row(org: Organization) -> OrganizationRow:
    return OrganizationRow(org.id, org.name, org.slug, org.timezone)


def plan_organization(facts: OrganizationFacts, run_date: date, links: Links,
                      shared: SharedBodies | None = None) -> DayPlan:
    """Decide and render one organization's e-mails of `run_date` from its loaded facts."""
    day = DayPlan(facts.org, run_date, facts.rules)
    if not facts.rules.enabled:
        return day
    day.steps = {s.id: s for s in facts.steps}
    people = facts.people()
    digest = None
    if facts.rules.is_digest_day(run_date) and any(
        p.is_executive and p.active and not p.escalations_only for p in people
    ):
        digest = DigestView(summarize(facts.org.id, default_fiscal_year(facts.org.id, run_date), run_date), links)
    plans = plan_day([s.open_step() for s in facts.steps], people, run_date, facts.rules,
                     digest_has_content=bool(digest and digest.summary.steps))
    recipients = {r.id: r for r in facts.recipients}
    for plan in plans:
        recipient = recipients[plan.user_id]
        try:
            email = reminder_email(facts.org, recipient, plan, day.steps, run_date, digest, links, shared)
        except Exception:
            # One broken e-mail must not stop everyone else's; the run records it.
            log.exception("Could not write the %s e-mail of %s for %s", plan.kind, recipient.email, run_date)
            day.failures += 1
            continue
        day.messages.append(PlannedMessage(recipient, plan.kind, email, plan.items))
    return day


def plan_days(organizations: Sequence[tuple[OrganizationRow, date]]) -> list[DayPlan]:
    """Decide and render the day of each (organization, its day), changing nothing:
    a fixed number of queries for the batch, however many organizations, steps and people
    (plus the weekly summary of each organization that sends one that day)."""
    rules = rules_by_organization(org.id for org, _ in organizations)
    facts = load_facts([org for org, _ in organizations], rules)
    links, shared = Links(), SharedBodies()
    return [plan_organization(fact, run_date, links, shared) for fact, (_, run_date) in zip(facts, organizations)]


def plan_messages(org: Organization, run_date: date, rules: ReminderRules | None = None) -> DayPlan:
    """One organization's day, decided and rendered but not saved (the dry run, tests)."""
    row = organization_row(org)
    [facts] = load_facts([row], {org.id: rules or rules_for(org.id)})
    return plan_organization(facts, run_date, Links(), SharedBodies())


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


def save_days(days: Sequence[DayPlan], *, trigger: str, now: datetime,
              pass_id: int | None = None) -> list[ReminderRun]:
    """Write the planned e-mails of `days` to the outbox and record a run for each day.

    One insert per table for the whole batch. An e-mail this person already has
    for that day and kind is not written again; the run counts it as already
    decided. Rows go in the order of the unique key, so that two runs at once
    wait for each other instead of deadlocking.
    """
    config = current_app.config
    messages = sorted(
        ((day, message) for day in days for message in day.messages),
        key=lambda pair: (pair[1].recipient.id, str(pair[1].kind), pair[0].run_date),
    )
    rows = [
        {
            "organization_id": day.org.id,
            "recipient_id": message.recipient.id,
            "recipient_email": message.recipient.email,
            "recipient_name": message.recipient.display_name,
            "kind": message.kind,
            "run_date": day.run_date,
            "locale": message.email.locale,
            "subject": message.email.subject[:300],
            "body_text": message.email.text,
            "body_html": message.email.html,
            "message_id": new_message_id(config),
            "created_at": now,
        }
        for day, message in messages
    ]
    created = {
        (recipient_id, str(kind), run_date): notification_id
        for notification_id, recipient_id, kind, run_date in insert_rows(
            Notification.__table__, rows, unique_columns=("recipient_id", "kind", "run_date"),
            returning=("id", "recipient_id", "kind", "run_date"),
        )
    }
    queued: list[QueuedReminder] = []
    item_rows = []
    created_per_org: dict[int, int] = {}
    for day, message in messages:
        notification_id = created.get((message.recipient.id, str(message.kind), day.run_date))
        if notification_id is None:
            continue
        created_per_org[day.org.id] = created_per_org.get(day.org.id, 0) + 1
        item_rows.extend(
            {"notification_id": notification_id, "step_id": item.step_id, "kind": item.kind,
             "days": item.days, "escalated": item.escalated}
            for item in message.items
        )
        if message.items:
            queued.append(QueuedReminder(day.org.id, message.recipient.id, notification_id, message.items))
    insert_rows(NotificationItem.__table__, item_rows)
    if queued:
        reminders_queued.send(None, queued=queued, now=now)
    finished = max(now, utcnow())
    runs = []
    for day in days:
        made = created_per_org.get(day.org.id, 0)
        runs.append(ReminderRun(organization_id=day.org.id, run_date=day.run_date, trigger=trigger, started_at=now,
                                finished_at=finished, messages_created=made,
                                already_decided=len(day.messages) - made, failures=day.failures,
                                pass_id=pass_id))
    db.session.add_all(runs)
    db.session.flush()
    log.info("Reminders of %d organization(s): %d e-mails created, %d already in the outbox, %d failures",
             len(days), sum(created_per_org.values()), len(messages) - sum(created_per_org.values()),
             sum(day.failures for day in days))
    for day, run in zip(days, runs):
        log.debug(
            "Reminders of %s for %s: %d e-mails created, %d already in the outbox, %d failures",
            day.org.slug, day.run_date, run.messages_created, run.already_decided, run.failures,
        )
    return runs


def decide_batch(organizations: Sequence[tuple[OrganizationRow, date]], *, trigger: str,
                 now: datetime, pass_id: int | None = None) -> list[ReminderRun]:
    """Decide the day of each (organization, its day) into the outbox; the caller commits."""
    return save_days(plan_days(organizations), trigger=trigger, now=now, pass_id=pass_id)


def run_reminders(org: Organization, run_date: date, *, trigger: str, now: datetime | None = None) -> ReminderRun:
    """Decide one organization's e-mails of `run_date` into the outbox and record the run;
    the caller commits.

    Running it again the same day, or in two processes at once, adds no
    second e-mail: the outbox's unique key (recipient, kind, day) refuses it.
    """
    [run] = decide_batch([(organization_row(org), run_date)], trigger=trigger, now=now or utcnow())
    return run


def record_failed_run(org: Organization | OrganizationRow, run_date: date, trigger: str, error: BaseException,
                      now: datetime | None = None, pass_id: int | None = None) -> ReminderRun:
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
        pass_id=pass_id,
    )
    db.session.add(run)
    db.session.flush()
    return run
