"""The demo organization gets realistic progress, once, recorded by its division heads."""
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tracker.demo.services import DEMO_ACCOUNTS, add_demo_progress, ensure_demo_organization
from tracker.extensions import db
from tracker.ita import WorkGroup
from tracker.measures import queries
from tracker.models import AuditEvent, Division, ProgressUpdate, Role, StepStatus, User
from tests.helpers import TODAY


@pytest.fixture
def demo_org(ctx):
    org, created = ensure_demo_organization("demo-password-123")
    db.session.commit()
    assert created
    return org


def _by_step(updates):
    grouped = {}
    for update in sorted(updates, key=lambda u: u.id):
        grouped.setdefault(update.step_id, []).append(update)
    return grouped


def divisions_by_name(org):
    return {d.name: d for d in db.session.scalars(sa.select(Division).where(Division.organization_id == org.id))}


def test_nothing_happens_without_measures(demo_org):
    assert add_demo_progress(demo_org, TODAY) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == 0


def test_progress_is_realistic_and_recorded_once(demo_org, make_measure):
    names = divisions_by_name(demo_org)
    palad, finance, works, audit = (names[n] for n in ("สำนักปลัด", "กองคลัง", "กองช่าง", "หน่วยงานตรวจสอบภายใน"))
    for indicator, division in enumerate([palad, finance, audit, palad, finance, works], start=1):
        make_measure(demo_org, indicator=indicator, divisions=[division], steps=[
            {"text": "จัดทำคู่มือการปฏิบัติงาน", "due": TODAY - timedelta(days=60 + indicator)},
            {"text": "จัดประชุมชี้แจงบุคลากร", "due": TODAY - timedelta(days=10 + indicator)},
            {"text": "เผยแพร่ทางเว็บไซต์", "due": TODAY + timedelta(days=10 + indicator)},
            {"text": "รายงานผลการดำเนินงาน", "due": TODAY + timedelta(days=150)},
        ])

    recorded = add_demo_progress(demo_org, TODAY)
    db.session.commit()
    assert recorded > 10
    updates = db.session.scalars(sa.select(ProgressUpdate)).all()
    assert len(updates) == recorded
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "step.progress")) == recorded
    authors = {db.session.get(User, u.author_id) for u in updates}
    assert {a.role for a in authors} == {Role.DIVISION_HEAD}
    assert all("\u0e00" <= u.note[0] <= "\u0e7f" for u in updates)  # written in Thai
    assert all(u.work_date <= TODAY for u in updates)
    # Each update is dated the morning its work was done (Bangkok), so the
    # history and a report "as of" an earlier date read like a real year.
    bangkok = ZoneInfo("Asia/Bangkok")
    assert all(u.created_at.astimezone(bangkok).date() == u.work_date for u in updates)
    for step_updates in _by_step(updates).values():
        assert [u.created_at for u in step_updates] == sorted(u.created_at for u in step_updates)

    summary = queries.summarize(demo_org.id, 2569, TODAY)
    counts = summary.step_counts
    assert counts[WorkGroup.DONE] >= 3
    assert counts[WorkGroup.OVERDUE] >= 2  # some late steps are still open
    assert counts[WorkGroup.NOT_STARTED] >= 1
    statuses = {line.step.status for line in summary.steps}
    assert {StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.NOT_STARTED} <= statuses
    assert any(u.status == StepStatus.BLOCKED and u.blocked_reason for u in updates)
    # กองช่าง has no demo head: its steps are left alone rather than updated by someone else.
    works_steps = [line.step for line in summary.steps if works in line.step.divisions]
    assert works_steps and all(step.version == 1 for step in works_steps)

    assert add_demo_progress(demo_org, TODAY) == 0  # running it again changes nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == recorded


@pytest.fixture
def demo_password_file(app):
    path = Path(app.instance_path) / "demo-password.txt"
    yield path
    path.unlink(missing_ok=True)


def test_demo_setup_prints_one_account_per_role_and_records_progress_once(app, ctx, monkeypatch, demo_password_file):
    monkeypatch.setitem(app.config, "FIXED_TODAY", TODAY)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "setup"])
    assert result.exit_code == 0, result.output
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
    # The seed report is imported first, so its steps get progress right away.
    recorded = db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate))
    assert recorded > 0
    assert f"Recorded {recorded} progress updates" in result.output

    public = result.output.split("Public progress page, open without signing in: ")[1].split()[0]
    assert public.endswith("/p/muangphia/2569")
    assert app.test_client().get("/p/muangphia/2569").status_code == 200

    again = runner.invoke(args=["demo", "setup"])
    assert again.exit_code == 0, again.output
    assert "progress updates" not in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == recorded
