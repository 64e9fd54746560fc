"""`flask demo setup` imports the seed report into the demo organization once, matching its divisions."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Assessment, Division, Measure, Step, step_divisions
from tests.helpers import count


@pytest.fixture
def demo_password_file(app):
    path = Path(app.instance_path) / "demo-password.txt"
    yield path
    path.unlink(missing_ok=True)


def test_setting_up_twice_imports_the_report_once(app, ctx, demo_password_file):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "setup"])
    assert first.exit_code == 0, first.output
    assert "Imported its ITA report: 10 measures, 22 steps" in first.stdout

    second = runner.invoke(args=["demo", "setup"])
    assert second.exit_code == 0, second.output
    assert "Imported its ITA report" not in second.stdout

    assert (count(Assessment), count(Measure), count(Step)) == (1, 10, 22)
    assert db.session.scalar(sa.select(Assessment.fiscal_year)) == 2568
    # The report's divisions are the demo's own; none is added.
    assert sorted(db.session.scalars(sa.select(Division.name))) == sorted(
        ["สำนักปลัด", "กองคลัง", "กองช่าง", "หน่วยงานตรวจสอบภายใน"]
    )
    assigned = db.session.scalars(
        sa.select(Division.name).join(step_divisions, step_divisions.c.division_id == Division.id).distinct()
    ).all()
    assert sorted(assigned) == sorted(["สำนักปลัด", "กองคลัง", "หน่วยงานตรวจสอบภายใน"])
