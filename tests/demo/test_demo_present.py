"""Whatever today is, the demo shows last year's history and a current year with work due, late and moved."""
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.demo.services import DEMO_SLUG
from tracker.extensions import db
from tracker.measures import queries
from tracker.measures.models import DueDateChange, Measure, ProgressUpdate, Step, StepStatus
from tracker.measures.status import WorkGroup
from tracker.models import Organization, User
from tracker.reminders.outbox import plan_messages
from tracker.reminders.models import ItemKind
from tracker.reminders.rules import ReminderRules
from tracker.thai import fiscal_year


@pytest.fixture
def demo_password_file(app):
    from pathlib import Path

    path = Path(app.instance_path) / "demo-password.txt"
    yield path
    path.unlink(missing_ok=True)


def setup_demo(app, monkeypatch, today: date):
    monkeypatch.setitem(app.config, "FIXED_TODAY", today)
    result = app.test_cli_runner().invoke(args=["demo", "setup"])
    assert result.exit_code == 0, result.output
    return db.session.scalars(sa.select(Organization).where(Organization.slug == DEMO_SLUG)).one(), result


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2027, 3, 15), date(2027, 9, 25), date(2028, 1, 10),
                                   date(2026, 10, 1)])
def test_the_first_visit_shows_work_due_soon_late_and_moved(app, ctx, demo_password_file, monkeypatch, today):
    org, _ = setup_demo(app, monkeypatch, today)
    current = fiscal_year(today)
    years = queries.fiscal_years_with_measures(org.id)
    assert years == [current, current - 1]
    assert queries.default_fiscal_year(org.id, today) == current

    # Last year: its history, some steps done, the unfinished ones carried over.
    last = queries.load_steps(org.id, current - 1)
    assert sum(s.status == StepStatus.DONE for s in last) >= 3
    assert sum(s.status == StepStatus.CARRIED for s in last) >= 5
    assert not any(s.status not in (StepStatus.DONE, StepStatus.CARRIED) for s in last)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate).join(Step).join(Measure)
                             .where(Measure.fiscal_year == current - 1)) > 10

    # The division head of สำนักปลัด sees, on the first visit, work due within 14 days and late work.
    head = db.session.scalars(sa.select(User).where(User.email == "head.palad@muangphia.example")).one()
    lines = queries.my_work(org.id, head.division_ids, current, today)
    groups = {line.group for line in lines}
    assert WorkGroup.DUE_SOON in groups and WorkGroup.OVERDUE in groups
    assert all(line.step.measure.fiscal_year == current for line in lines)

    # A moved deadline, with its reason, on a carried step.
    change = db.session.scalars(sa.select(DueDateChange)).one()
    assert change.reason and change.step.carried_from_id is not None
    assert change.step.due_date_moved

    # The reminder rules have something to do today.
    rules = ReminderRules(enabled=True, days_before=(14, 7, 3, 1), overdue_every=1, escalate_from=60,
                          digest_weekday=None)
    kinds = {item.kind for message in plan_messages(org, today, rules).messages for item in message.items}
    assert ItemKind.OVERDUE in kinds or ItemKind.ESCALATION in kinds


def test_setting_up_again_changes_nothing(app, ctx, demo_password_file, monkeypatch):
    org, first = setup_demo(app, monkeypatch, date(2027, 3, 15))
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (Measure, Step, ProgressUpdate, DueDateChange)]
    _, second = setup_demo(app, monkeypatch, date(2027, 3, 15))
    assert "Carried" not in second.stdout and "Moved the seed" not in second.stdout
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Measure, Step, ProgressUpdate, DueDateChange)] == counts
