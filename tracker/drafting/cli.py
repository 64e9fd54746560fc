"""`flask ita draft`: write an organization's ITA analysis document (Word or text) for one assessment.

Exit status 0 when the file was written, 1 when the organization has no
assessment of that year, 2 for a usage error (an unknown organization too).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..orgs.services import find_organization
from .docx_writer import render_docx
from .services import official_document, render_pdf
from .text_writer import render_text


@click.command("draft")
@click.option("--org", "org_key", required=True, help="Organization (name, slug or id).")
@click.option("--assessment-year", type=click.IntRange(2500, 2700), required=True,
              help="The assessment's fiscal year (Buddhist Era), e.g. 2568; its measures run in the year after.")
@click.option("--format", "output_format", type=click.Choice(["docx", "txt", "pdf"]), default="docx", show_default=True)
@click.option("--thai-digits", is_flag=True, help="Write every number in Thai digits.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The file to write.")
@with_appcontext
@domain_command
def draft_command(org_key: str, assessment_year: int, output_format: str, thai_digits: bool, output: Path) -> None:
    """Write the ITA analysis document of an assessment, with its measures as they stand."""
    org = find_organization(org_key)
    if org is None:
        raise click.BadParameter(f"no organization {org_key!r} (give its name, slug or id).", param_hint="--org")
    document = official_document(org, assessment_year, thai_digits=thai_digits)
    if output_format == "docx":
        output.write_bytes(render_docx(document))
    elif output_format == "pdf":
        output.write_bytes(render_pdf(document))
    else:
        output.write_text(render_text(document), encoding="utf-8")
    click.echo(f"Wrote {output} ({len(document.measures)} measures).", err=True)
