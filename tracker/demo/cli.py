"""`flask demo setup`: the demo organization that `make run` shows."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..timeutil import org_today
from .report import import_demo_report
from ..measures.queries import fiscal_years_with_measures
from ..reports.publishing import public_page_of
from .present import bring_demo_to_present
from .services import (
    DEMO_ACCOUNTS,
    demo_password,
    ensure_demo_organization,
    publish_demo_page,
)

demo_cli = click.Group("demo", help="Demo data for trying the application.")


@demo_cli.command("setup")
@click.option("--base-url", default=None,
              help="Where the server will listen, for the printed sign-in lines (default: APP_BASE_URL).")
@with_appcontext
@domain_command
def setup_command(base_url: str | None) -> None:
    """Create the demo organization (once) and print how to sign in."""
    base_url = (base_url or current_app.config["APP_BASE_URL"]).rstrip("/")
    password = demo_password(current_app.instance_path)
    org, created = ensure_demo_organization(password)
    click.echo("")
    click.echo(("Created" if created else "Using") + f" demo organization: {org.name}")
    report = import_demo_report(org)
    if report is not None:
        click.echo(f"Imported its ITA report: {len(report.measures)} measures, {report.step_count} steps")
    stages = bring_demo_to_present(org, org_today(org))
    if created:
        publish_demo_page(org)
    if stages["shift"]:
        click.echo(f"Moved the seed report by {stages['shift']:+d} year(s): its measures are last fiscal year's.")
    if stages["history"]:
        click.echo(f"Recorded {stages['history']} progress updates on last year's steps, as their division heads.")
    if stages["carried"]:
        click.echo(f"Carried {stages['carried']} unfinished steps into the current fiscal year.")
    if stages["current"]:
        click.echo(f"Recorded {stages['current']} progress updates in the current fiscal year.")
    click.echo(f"Open {base_url}/ and sign in with one of these accounts")
    click.echo(f"(password for all of them: {password}  - kept in instance/demo-password.txt):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<34} {account.title}")
    years = fiscal_years_with_measures(org.id)
    page = public_page_of(org.id)
    if years and page is not None and page.enabled:
        click.echo(f"Public progress page, open without signing in: {base_url}/p/{org.slug}/{years[0]}")
    click.echo("")
