"""`flask ita import FILE`: read an ITA report, print it as JSON or save it into an organization.

Exit status 0 when the report was read (and saved) without errors, 1 when it
cannot be read as an ITA report or cannot be saved (the reasons go to
standard error), 2 for a usage error. Warnings go to standard error, so that
`--json` leaves nothing but JSON on standard output.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli_support import domain_command
from ..orgs.models import Organization
from ..orgs.services import find_organization
from .parser import parse_upload, size_error
from .result import ParseResult
from .services import ImportPlan, ImportSummary, import_report, keep_current_due_dates, plan_import

ita_cli = click.Group("ita", help="Import ITA analysis reports.")


@ita_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--org", "org_key", help="Organization (name, slug or id) to save into; required unless --dry-run.")
@click.option("--dry-run", is_flag=True, help="Read and check the report; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print what was read as JSON on standard output.")
@click.option("--replace", is_flag=True,
              help="Replace the report of the same year imported before; steps still in the "
                   "report keep their progress.")
@click.option("--delete-reported-steps", is_flag=True,
              help="With --replace: also delete steps that have progress reports but are no "
                   "longer in the report.")
@with_appcontext
@domain_command
def import_command(
    file: Path, org_key: str | None, dry_run: bool, as_json: bool, replace: bool,
    delete_reported_steps: bool,
) -> None:
    """Read the ITA report FILE (.docx or text) and save it into an organization."""
    if not dry_run and not org_key:
        raise click.UsageError("--org is required to save the report; add --dry-run to only read it.")
    org = None
    if org_key:
        org = find_organization(org_key)
        if org is None:
            raise click.BadParameter(f"no organization {org_key!r} (give its name, slug or id).",
                                     param_hint="--org")

    result = read_report(file, org)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if result.errors:
        for error in result.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(1)

    out = sys.stderr if as_json else sys.stdout
    if org is None:
        click.echo(describe_result(result), file=out)
        return
    plan = plan_import(org, result)
    keep_current_due_dates(plan)
    if dry_run:
        click.echo(describe_result(result), file=out)
        click.echo(describe_plan(plan), file=out)
        for problem in plan.problems:
            click.echo(f"Error: {problem.message}", err=True)
        if plan.problems:
            sys.exit(1)
        return
    if plan.replacing and not replace:
        click.echo(f"Error: the report of fiscal year {result.fiscal_year} was imported before; "
                   "add --replace to replace it (see --dry-run for what would change).", err=True)
        sys.exit(1)
    if plan.removed_with_progress and not delete_reported_steps:
        steps = "; ".join(
            f"indicator {r.step.measure.indicator_number} step {r.step.position}: {r.step.text}"
            for r in plan.removed_with_progress
        )
        click.echo(f"Error: {len(plan.removed_with_progress)} steps with progress reports are not in "
                   f"the report ({steps}); add --delete-reported-steps to delete them.", err=True)
        sys.exit(1)
    summary = import_report(
        org, result, actor=None, replace=replace, remove_reported_steps=delete_reported_steps,
        source_name=file.name,
    )
    click.echo(describe_summary(org, summary), file=out)


def read_report(file: Path, org: Organization | None) -> ParseResult:
    """Parse the file, refusing one over `IMPORT_MAX_BYTES` before reading it."""
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    too_large = size_error(file.name, file.stat().st_size, max_bytes)
    if too_large is not None:
        return too_large
    known = [d.name for d in org.divisions] if org is not None else []
    return parse_upload(file.name, file.read_bytes(), max_bytes, known_divisions=known)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def describe_result(result: ParseResult) -> str:
    tools = ", ".join(f"{key} {_score(value)}" for key, value in result.tools.items())
    steps = sum(len(m.steps) for m in result.measures)
    return "\n".join([
        f"Organization: {result.organization or '(not found)'}",
        f"Assessment: fiscal year {result.fiscal_year}, overall {_score(result.overall_score)}"
        f" ({result.level or 'level not found'}); {tools}",
        f"Indicators: {sum(1 for i in result.indicators if i.score is not None)} with a score",
        f"Measures: {len(result.measures)} with {steps} steps, "
        f"running in fiscal year {result.measures_fiscal_year}",
        f"Divisions named: {', '.join(result.division_names) or 'none'}",
    ])


def describe_plan(plan: ImportPlan) -> str:
    lines = [f"Into {plan.organization.name}:"]
    if plan.replacing:
        lines.append(
            f"  replaces the report of fiscal year {plan.result.fiscal_year} imported before "
            f"(needs --replace): keeps {plan.kept_step_count} steps, adds "
            f"{plan.step_count - plan.kept_step_count}, deletes {len(plan.removed_steps)}"
            f" ({len(plan.removed_with_progress)} with progress reports)"
        )
    lines.append(f"  new divisions: {', '.join(plan.new_division_names) or 'none'}")
    lines.extend(
        f"  {choice.name!r} is taken as the division {choice.matched[0].name!r} (the same office written otherwise)"
        for choice in plan.divisions if choice.other_form
    )
    return "\n".join(lines)


def describe_summary(org: Organization, summary: ImportSummary) -> str:
    assessment = "created" if summary.assessment_created else "updated"
    measures = f"{len(summary.measures)} measures"
    steps = f"{summary.step_count} steps"
    if not summary.assessment_created:
        measures += (f" ({summary.measures_created} new, {summary.measures_kept} kept, "
                     f"{summary.measures_removed} deleted)")
        steps += (f" ({summary.steps_created} new, {summary.steps_kept} kept, "
                  f"{summary.steps_removed} deleted)")
    new_divisions = ", ".join(d.name for d in summary.new_divisions) or "none"
    return (
        f"Imported into {org.name}: assessment of fiscal year {summary.assessment.fiscal_year} "
        f"({assessment}), {measures}, {steps}; new divisions: {new_divisions}"
    )
