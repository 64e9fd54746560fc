"""Shared fixtures: the app on SQLite or PostgreSQL, factories, sign-in, query counts.

The schema is built once per run by the real migrations. Every test that
touches the database runs in its own app context and leaves empty tables
behind, so a second run on the same PostgreSQL database passes too.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tracker import create_app
from tracker.extensions import db
from tracker.models import (
    Assessment,
    Division,
    IndicatorScore,
    Measure,
    Organization,
    ProgressUpdate,
    Role,
    Step,
    StepStatus,
    Tool,
    User,
)
from tracker.timeutil import utcnow
from tests.helpers import TODAY

TEST_PASSWORD = "correct horse battery staple"


def is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and not is_postgres():
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")


def reset_schema() -> None:
    """Drop every table, including Alembic's, so the migrations run from nothing."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        reset_schema()
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        reset_schema()
        db.engine.dispose()


@pytest.fixture
def ctx(app) -> Iterator:
    """An app context for the test body; empties every table afterwards."""
    with app.app_context() as context:
        try:
            yield context
        finally:
            db.session.rollback()
            db.session.close()
            empty_tables()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, hence its own database session,
    as in production. A view that forgets to commit is caught by the test,
    which reads the database through its own session afterwards."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app, ctx) -> IsolatedClient:
    return app.test_client()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def fixed_today(app, monkeypatch) -> date:
    """Pages and jobs see TODAY as the organization's today (FIXED_TODAY), so that
    "overdue" and "due soon" do not depend on the clock."""
    monkeypatch.setitem(app.config, "FIXED_TODAY", TODAY)
    return TODAY


# --- factories ---------------------------------------------------------------

_counter = itertools.count(1)


@pytest.fixture
def make_org(ctx):
    def make(name: str | None = None, slug: str | None = None, **fields) -> Organization:
        n = next(_counter)
        org = Organization(
            name=name or f"องค์การบริหารส่วนตำบลทดสอบ {n}",
            slug=slug or f"test-org-{n}",
            **fields,
        )
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_division(ctx):
    def make(org: Organization, name: str | None = None, short_name: str | None = None) -> Division:
        n = next(_counter)
        division = Division(
            organization_id=org.id, name=name or f"กองทดสอบ {n}", short_name=short_name, position=n
        )
        db.session.add(division)
        db.session.commit()
        return division

    return make


@pytest.fixture
def make_user(ctx, make_org):
    def make(
        org: Organization | None = None,
        role: Role | str = Role.STAFF,
        *,
        divisions: tuple[Division, ...] | list[Division] = (),
        head_of: tuple[Division, ...] | list[Division] = (),
        email: str | None = None,
        display_name: str | None = None,
        password: str = TEST_PASSWORD,
        active: bool = True,
        **fields,
    ) -> User:
        from tracker.auth.models import Membership

        org = org or make_org()
        n = next(_counter)
        user = User(
            organization_id=org.id,
            email=email or f"user{n}@example.org",
            display_name=display_name or f"ผู้ใช้ทดสอบ {n}",
            role=Role(role),
            active=active,
            **fields,
        )
        user.set_password(password)
        heads = {d.id for d in head_of}
        user.memberships = [
            Membership(division_id=d.id, is_head=d.id in heads)
            for d in {d.id: d for d in [*divisions, *head_of]}.values()
        ]
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_assessment(ctx):
    def make(org: Organization, fiscal_year: int = 2568, scores: dict[int, float] | None = None, **fields) -> Assessment:
        scores = scores or {n: 90.0 for n in range(1, 11)}
        defaults = dict(overall_score=90, level="ผ่านดี", iit_score=90, eit1_score=90, eit2_score=90, oit_score=90)
        defaults.update(fields)
        assessment = Assessment(organization_id=org.id, fiscal_year=fiscal_year, **defaults)
        for number in range(1, 11):
            tool = Tool.IIT if number <= 5 else Tool.EIT if number <= 8 else Tool.OIT
            assessment.indicators.append(
                IndicatorScore(number=number, name=f"ตัวชี้วัดที่ {number}", tool=tool,
                               score=scores.get(number), analysis=f"ผลการวิเคราะห์ {number}")
            )
        db.session.add(assessment)
        db.session.commit()
        return assessment

    return make


@pytest.fixture
def make_measure(ctx):
    """make_measure(org, steps=[{"text":..., "due":..., "divisions":[...], "status":..., "percent":...}, ...])

    A step may also be given as a plain string (due at the period's end).
    Divisions given to the measure apply to steps that name none.
    """

    def make(
        org: Organization,
        *,
        indicator: int = 1,
        fiscal_year: int = 2569,
        title: str | None = None,
        start: date = date(2025, 10, 1),
        end: date = date(2026, 9, 30),
        divisions: list[Division] | tuple[Division, ...] = (),
        steps: list | tuple = ("ขั้นตอนที่ ๑",),
        assessment: Assessment | None = None,
    ) -> Measure:
        measure = Measure(
            organization_id=org.id,
            assessment_id=assessment.id if assessment else None,
            fiscal_year=fiscal_year,
            indicator_number=indicator,
            title=title or f"มาตรการตัวชี้วัดที่ {indicator}",
            start_date=start,
            end_date=end,
            position=indicator,
        )
        for position, spec in enumerate(steps, start=1):
            if isinstance(spec, str):
                spec = {"text": spec}
            status = StepStatus(spec.get("status", StepStatus.NOT_STARTED))
            percent = spec.get("percent", 100 if status == StepStatus.DONE else 0)
            measure.steps.append(
                Step(
                    organization_id=org.id,
                    position=position,
                    text=spec.get("text", f"ขั้นตอน {position}"),
                    due_date=spec.get("due", end),
                    status=status,
                    percent=percent,
                    divisions=list(spec.get("divisions", divisions)),
                )
            )
        db.session.add(measure)
        db.session.commit()
        return measure

    return make


@pytest.fixture
def make_progress(ctx):
    """Append a progress update to a step directly (bypassing the service's checks),
    for tests of what reads history: reminders, dashboards, reports."""

    def make(
        step: Step,
        author: User,
        percent: int,
        status: StepStatus | str | None = None,
        note: str = "ดำเนินการแล้ว",
        work_date: date | None = None,
        created_at=None,
        blocked_reason: str | None = None,
    ) -> ProgressUpdate:
        status = StepStatus(status) if status else (
            StepStatus.DONE if percent == 100 else StepStatus.IN_PROGRESS if percent else StepStatus.NOT_STARTED
        )
        step.percent = percent
        step.status = status
        step.version += 1
        update = ProgressUpdate(
            step_id=step.id,
            author_id=author.id,
            percent=percent,
            status=status,
            note=note,
            blocked_reason=blocked_reason,
            work_date=work_date or TODAY,
            step_version=step.version,
            created_at=created_at or utcnow(),
        )
        db.session.add(update)
        db.session.commit()
        return update

    return make


# --- helpers -------------------------------------------------------------------

@pytest.fixture
def sign_in(client):
    def do(user: User, password: str = TEST_PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return response

    return do


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...; counter.count` counts SQL statements."""

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def before_execute(conn, cursor, statement, parameters, context, executemany):
            counter.count += 1
            counter.statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before_execute)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before_execute)

    return counting


def days(n: int) -> timedelta:
    return timedelta(days=n)
