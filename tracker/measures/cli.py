"""`flask measures carry-over`: carry a fiscal year's unfinished steps into the next year."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from ..orgs.services import require_organization
from ..errors import DomainError
from ..extensions import db
from .carryover import CarryOverPlan, carry_over, plan_carry_over

measures_cli = click.Group("measures", help="Measures and their steps.")


def _plan_json(plan: CarryOverPlan, carried: bool) -> dict:
    return {
        "organization": plan.organization.slug,
        "from_year": plan.from_year,
        "to_year": plan.to_year,
        "carried": carried,
        "steps": plan.chosen_count,
        "measures": [
            {
                "measure_id": m.measure.id,
                "indicator": m.measure.indicator_number,
                "title": m.measure.title,
                "steps": [
                    {"step_id": c.step.id, "number": c.step.number, "text": c.step.text,
                     "due_date": c.due_date.isoformat(), "percent": c.step.percent}
                    for c in m.steps if c.carry
                ],
            }
            for m in plan.measures
        ],
    }


@measures_cli.command("carry-over")
@click.option("--org", "org_key", required=True, help="Organization (name, slug or id).")
@click.option("--from-year", "from_year", required=True, type=click.IntRange(2500, 2700),
              help="The fiscal year (Buddhist Era) whose unfinished steps move into the next year.")
@click.option("--dry-run", is_flag=True, help="Show what would be carried over; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def carry_over_command(org_key: str, from_year: int, dry_run: bool, as_json: bool) -> None:
    """Carry every unfinished step of --from-year into the next fiscal year, with due
    dates spread over that year; the originals are marked carried over. Exit 1 when
    there is nothing to carry (no such year, all done, or carried already)."""
    try:
        org = require_organization(org_key)
        plan = plan_carry_over(org, from_year)
        if not dry_run:
            carry_over(None, plan)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)
    output = _plan_json(plan, carried=not dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(output, ensure_ascii=False, indent=2))
        return
    verb = "Would carry" if dry_run else "Carried"
    click.echo(f"{verb} {output['steps']} unfinished step(s) of fiscal year {from_year} "
               f"into {from_year + 1} for {org.name}:")
    for measure in output["measures"]:
        click.echo(f"  indicator {measure['indicator']}: {measure['title'][:70]}")
        for step in measure["steps"]:
            click.echo(f"    - step {step['number']} ({step['percent']}%), due {step['due_date']}: {step['text'][:60]}")
