"""`flask orgs ...` and `flask divisions ...` commands."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..extensions import db
from .models import Organization, OrgKind
from .services import create_division, create_organization, require_organization

orgs_cli = click.Group("orgs", help="Manage organizations (agencies).")
divisions_cli = click.Group("divisions", help="Manage the divisions of an organization.")


@orgs_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), default=OrgKind.SAO.value,
              show_default=True, help="Type of agency.")
@click.option("--slug", help="Short ASCII name used in public URLs, e.g. muangphia.")
@click.option("--timezone", default="Asia/Bangkok", show_default=True)
@with_appcontext
@domain_command
def create_org_command(name: str, kind: str, slug: str | None, timezone: str) -> None:
    """Create an organization called NAME."""
    org = create_organization(name, kind=OrgKind(kind), slug=slug, timezone=timezone)
    click.echo(f"Created organization {org.id}: {org.name} (slug {org.slug})")


@orgs_cli.command("list")
@with_appcontext
def list_orgs_command() -> None:
    """List organizations."""
    for org in db.session.scalars(sa.select(Organization).order_by(Organization.id)):
        click.echo(f"{org.id}\t{org.slug}\t{org.name}")


@divisions_cli.command("create")
@click.option("--org", "org_key", required=True, help="Organization name, slug or id.")
@click.option("--name", required=True, help="Full name, e.g. กองคลัง.")
@click.option("--short", "short_name", help="Short form used in documents, e.g. กค.")
@with_appcontext
@domain_command
def create_division_command(org_key: str, name: str, short_name: str | None) -> None:
    """Add a division to an organization."""
    org = require_organization(org_key)
    division = create_division(org, name, short_name=short_name)
    click.echo(f"Created division {division.id}: {division.name}")


@divisions_cli.command("list")
@click.option("--org", "org_key", required=True, help="Organization name, slug or id.")
@with_appcontext
@domain_command
def list_divisions_command(org_key: str) -> None:
    """List the divisions of an organization."""
    org = require_organization(org_key)
    for division in org.divisions:
        short = f" ({division.short_name})" if division.short_name else ""
        click.echo(f"{division.id}\t{division.name}{short}")
