"""`flask reports export`: the progress report as a file, for scheduled publishing."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..errors import ValidationFailed
from ..orgs.services import require_organization
from ..thai import ThaiDateError, parse_date
from ..timeutil import org_today
from .services import FILE_FORMATS, default_as_of, export_report

reports_cli = click.Group("reports", help="Progress reports of the ITA measures.")


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` in one step, so that a web server never serves half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@reports_cli.command("export")
@click.option("--org", "org_key", required=True, help="Organization name, slug or id.")
@click.option("--year", "fiscal_year", type=click.IntRange(1, 9999), required=True,
              help="Fiscal year (Buddhist Era) in which the measures run, e.g. 2569.")
@click.option("--format", "output", type=click.Choice(FILE_FORMATS), required=True, help="File format.")
@click.option("--as-of", "as_of", help="Date of the data, YYYY-MM-DD or 31/03/2569 (default: today, "
              "or the last day of the fiscal year once it is over).")
@click.option("--thai-digits", is_flag=True, help="Write every number in Thai digits.")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write.")
@with_appcontext
@domain_command
def export_command(org_key: str, fiscal_year: int, output: str, as_of: str | None, thai_digits: bool, path: Path) -> None:
    """Write the progress report of an organization's measures to a file."""
    org = require_organization(org_key)
    if fiscal_year < 2400:
        raise ValidationFailed(f"--year is a Buddhist Era year, e.g. {fiscal_year + 543}.")
    today = org_today(org)
    if as_of:
        try:
            report_date = parse_date(as_of)
        except ThaiDateError as error:
            raise ValidationFailed(f"--as-of: not a date: {as_of!r} (give YYYY-MM-DD or 31/03/2569).") from error
    else:
        report_date = default_as_of(fiscal_year, today)
    exported = export_report(None, org, fiscal_year, report_date, output, today=today, thai_digits=thai_digits)
    try:
        write_atomically(path, exported.content)
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}") from error
    click.echo(f"Wrote {path} ({len(exported.content):,} bytes): {org.name}, fiscal year {fiscal_year}, as of {report_date.isoformat()}")
