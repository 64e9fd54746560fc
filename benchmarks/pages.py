"""Time My work, a measure page and the dashboard for an organization with N measures.

    .venv/bin/python benchmarks/pages.py --measures 10 200 1000

Builds a throw-away SQLite database (or uses BENCH_DATABASE_URL), signs in
through the test client and prints the median time and the number of SQL
statements of each page. Writes nothing under the repository except
benchmarks/results/ (git-ignored) when --save is given.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tracker import create_app, tune_garbage_collection  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Division, Measure, Organization, ProgressUpdate, Role, Step, StepStatus, User  # noqa: E402
from tracker.timeutil import utcnow  # noqa: E402

TODAY = date(2026, 3, 16)
PASSWORD = "benchmark-password"


def build(measures: int) -> tuple[int, str, str]:
    """An organization with `measures` measures of three steps each; returns (a measure id, head, executive)."""
    org = Organization(name=f"อบต.ทดสอบความเร็ว {measures}", slug=f"bench-{measures}")
    db.session.add(org)
    db.session.flush()
    divisions = [Division(organization_id=org.id, name=f"กองที่ {n}", position=n) for n in range(4)]
    db.session.add_all(divisions)
    head = User(organization_id=org.id, email=f"head{measures}@bench.test", display_name="หัวหน้า", role=Role.DIVISION_HEAD)
    executive = User(organization_id=org.id, email=f"exec{measures}@bench.test", display_name="ผู้บริหาร", role=Role.EXECUTIVE)
    for user in (head, executive):
        user.set_password(PASSWORD)
    db.session.add_all([head, executive])
    db.session.flush()
    from tracker.auth.models import Membership

    head.memberships = [Membership(division_id=d.id, is_head=True) for d in divisions[:2]]
    first_id = None
    for n in range(measures):
        measure = Measure(organization_id=org.id, fiscal_year=2569, indicator_number=n % 10 + 1, title=f"มาตรการ {n}",
                          start_date=date(2025, 10, 1), end_date=date(2026, 9, 30), position=n)
        for position, offset in enumerate((-(n % 30), n % 20, 90), start=1):
            measure.steps.append(Step(organization_id=org.id, position=position, text=f"ขั้นตอน {position}",
                                      due_date=TODAY + timedelta(days=offset),
                                      divisions=[divisions[n % 4], divisions[(n + 1) % 4]][: 1 + position % 2]))
        db.session.add(measure)
        db.session.flush()
        first_id = first_id or measure.id
        step = measure.steps[0]
        for version, percent in enumerate((50, 100), start=2):
            step.version, step.percent = version, percent
            step.status = StepStatus.DONE if percent == 100 else StepStatus.IN_PROGRESS
            db.session.add(ProgressUpdate(step_id=step.id, author_id=head.id, percent=percent, status=step.status,
                                          note="บันทึก", work_date=TODAY, step_version=version, created_at=utcnow()))
    db.session.commit()
    return first_id, head.email, executive.email


def timed(client, engine, path: str, runs: int) -> tuple[float, int]:
    """Median milliseconds of `runs` requests, and the SQL statements of one."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    times = []
    try:
        for _ in range(runs):
            statements.clear()
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times) * 1000, len(statements)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, nargs="+", default=[10, 200])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save", action="store_true", help="append the results to benchmarks/results/pages.txt")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ita-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(workdir), FIXED_TODAY=TODAY)
    lines = []
    with app.app_context():
        import flask_migrate

        flask_migrate.upgrade()
        engine = db.engine
    tune_garbage_collection()  # as wsgi.py does for gunicorn
    for count in args.measures:
        with app.app_context():
            measure_id, head, executive = build(count)
        # Requests run outside any app context, each in its own, as in production.
        for email, pages in ((head, ["/my-work", f"/measures/{measure_id}"]), (executive, ["/dashboard"])):
            client = app.test_client()
            client.post("/login", data={"email": email, "password": PASSWORD})
            for path in pages:
                millis, statements = timed(client, engine, path, args.runs)
                lines.append(f"{count:>5} measures  {path.split('/')[1]:<10} {millis:8.1f} ms  {statements:3d} queries")
                print(lines[-1])
    shutil.rmtree(workdir, ignore_errors=True)
    if args.save:
        results = ROOT / "benchmarks" / "results"
        results.mkdir(exist_ok=True)
        with (results / "pages.txt").open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
