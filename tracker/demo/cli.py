"""`flask demo setup`: the demo organization that `make run` shows."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..timeutil import org_today
from .report import import_demo_report
from ..measures.queries import fiscal_years_with_measures
from ..instructions.demo import add_demo_instruction
from ..reports.publishing import public_page_of
from .services import (
    DEMO_ACCOUNTS,
    add_demo_progress,
    demo_password,
    ensure_demo_organization,
    publish_demo_page,
)

demo_cli = click.Group("demo", help="Demo data for trying the application.")


@demo_cli.command("setup")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where the server will listen, for the printed sign-in lines.")
@with_appcontext
@domain_command
def setup_command(base_url: str) -> None:
    """Create the demo organization (once) and print how to sign in."""
    password = demo_password(current_app.instance_path)
    org, created = ensure_demo_organization(password)
    click.echo("")
    click.echo(("Created" if created else "Using") + f" demo organization: {org.name}")
    report = import_demo_report(org)
    if report is not None:
        click.echo(f"Imported its ITA report: {len(report.measures)} measures, {report.step_count} steps")
    progress = add_demo_progress(org, org_today(org))
    add_demo_instruction(org, org_today(org))
    if created:
        publish_demo_page(org)
    if progress:
        click.echo(f"Recorded {progress} progress updates on the demo steps, as their division heads.")
    click.echo(f"Open {base_url}/ and sign in with one of these accounts")
    click.echo(f"(password for all of them: {password}  - kept in instance/demo-password.txt):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<34} {account.title}")
    years = fiscal_years_with_measures(org.id)
    page = public_page_of(org.id)
    if years and page is not None and page.enabled:
        click.echo(f"Public progress page, open without signing in: {base_url}/p/{org.slug}/{years[0]}")
    click.echo("")
