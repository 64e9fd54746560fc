"""`flask reminders run | send-pending | purge | scheduler`: the reminder jobs by hand, by cron, or as a process."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..errors import DomainError
from ..orgs.services import require_organization
from ..extensions import db
from ..timeutil import utcnow
from .delivery import deliver_pending
from .facts import OrganizationRow, organization_rows
from .jobs import DECISION_BATCH, RunLine, decide_organizations, queue_thread_emails, with_today
from .models import ItemKind
from .outbox import DayPlan, organization_row, plan_days
from .retention import purge_old_notifications, retention_cutoff

reminders_cli = click.Group("reminders", help="Reminder e-mails: decide, send, schedule.")

ITEM_WORDS = {
    ItemKind.DUE_SOON: "due in {days} days",
    ItemKind.OVERDUE: "{days} days late",
    ItemKind.ESCALATION: "{days} days late (escalation)",
}


def _organizations(org_key: str | None) -> list[OrganizationRow]:
    if org_key:
        try:
            return [organization_row(require_organization(org_key))]
        except DomainError as error:
            click.echo(f"Error: {error.message}", err=True)
            sys.exit(1)
    return organization_rows()


def _print_plan(day: DayPlan) -> None:
    click.echo(f"{day.org.name} ({day.org.slug}), {day.run_date.isoformat()}: "
               f"{len(day.messages)} e-mail(s) would be created")
    if not day.rules.enabled:
        click.echo("  reminders are switched off for this organization")
    for message in day.messages:
        click.echo(f"  {message.recipient.email} [{message.kind}] {message.email.subject}")
        for item in message.items:
            step = day.steps[item.step_id]
            words = ITEM_WORDS[item.kind].format(days=item.days)
            flag = ", executives notified" if item.escalated and item.kind != ItemKind.ESCALATION else ""
            click.echo(f"    - indicator {step.measure.indicator_number} step {step.number}: {words}{flag}")
        if message.kind == "digest":
            click.echo("    - weekly summary")
    if day.failures:
        click.echo(f"  {day.failures} e-mail(s) could not be written (see the log)")


@reminders_cli.command("run")
@click.option("--date", "run_date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Decide the reminders of this day (Gregorian, YYYY-MM-DD); default: today in each organization.")
@click.option("--dry-run", is_flag=True, help="Print who would get what; save and send nothing.")
@click.option("--org", "org_key", help="Only this organization (name, slug or id).")
@with_appcontext
def run_command(run_date, dry_run: bool, org_key: str | None) -> None:
    """Decide the day's reminder e-mails into the outbox (safe to run again: nothing is sent twice)."""
    now = utcnow()
    if run_date and not dry_run and run_date.date() < retention_cutoff(now).date():
        # Its delivered e-mails may have been deleted: the outbox could no longer tell
        # that they went, and would send them again.
        click.echo(f"Error: {run_date.date().isoformat()} is older than the e-mails kept "
                   f"(NOTIFICATION_RETENTION_DAYS = {current_app.config['NOTIFICATION_RETENTION_DAYS']}); "
                   "use --dry-run to see what it would have sent.", err=True)
        sys.exit(1)
    days = with_today(_organizations(org_key), now, run_date.date() if run_date else None)
    if dry_run:
        for start in range(0, len(days), DECISION_BATCH):
            for day in plan_days(days[start:start + DECISION_BATCH]):
                _print_plan(day)
            db.session.rollback()
        click.echo("Dry run: nothing was saved or sent.")
        return
    report = decide_organizations(days, trigger="cli", now=now, after_batch=_print_lines)
    click.echo(f"{report.organizations} organization(s), {report.messages_created} e-mail(s) created "
               f"in {report.seconds:.1f} s")
    if report.messages_created:
        click.echo("Run `flask reminders send-pending` (or the scheduler) to deliver them.")
    if report.failures:
        sys.exit(1)


def _print_lines(lines: list[RunLine]) -> None:
    for line in lines:
        text = (f"{line.name} ({line.slug}), {line.run_date.isoformat()}: {line.messages_created} e-mail(s) created, "
                f"{line.already_decided} already in the outbox")
        if line.error:
            text += f", FAILED: {line.error}"
        elif line.failures:
            text += f", {line.failures} failure(s)"
        click.echo(text)


@reminders_cli.command("send-pending")
@click.option("--retry-now", is_flag=True, help="Also retry failed e-mails, without waiting between tries.")
@with_appcontext
def send_pending_command(retry_now: bool) -> None:
    """Deliver the e-mails waiting in the outbox; print how many were sent and failed."""
    queue_thread_emails()
    report = deliver_pending(retry_now=retry_now)
    click.echo(f"Sent: {report.sent}, failed: {report.failed}"
               + (f" ({report.gave_up} given up after the last try)" if report.gave_up else ""))
    if report.first_problem:
        click.echo(f"Error: {report.first_problem.detail}", err=True)
        sys.exit(1)


@reminders_cli.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete e-mails delivered or given up more than NOTIFICATION_RETENTION_DAYS ago
    (the scheduler does it every night); print how many went."""
    now = utcnow()
    days = current_app.config["NOTIFICATION_RETENTION_DAYS"]
    deleted = purge_old_notifications(now)
    click.echo(f"Deleted {deleted} e-mail(s) delivered or given up before "
               f"{retention_cutoff(now).date().isoformat()} (NOTIFICATION_RETENTION_DAYS = {days}).")


@reminders_cli.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the reminder jobs until stopped: one such process per installation is enough
    (with several servers on one database, only one acts at a time)."""
    from .scheduler import ReminderScheduler

    ReminderScheduler(current_app._get_current_object()).start()
