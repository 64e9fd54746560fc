"""How long a day's reminder run and its delivery take for a large organization.

    .venv/bin/python benchmarks/reminders.py [--steps 600] [--users 150] [--database-url URL]

Builds a throw-away organization (in a temporary SQLite file unless a URL is
given: use a scratch database, its tables are created and dropped), decides
one day's reminders, then writes them as .eml files to a temporary folder.
Prints the time and the number of SQL statements of each part.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Division, Measure, Membership, Organization, Role, Step, User  # noqa: E402

RUN_DATE = date(2026, 3, 16)  # a Monday: the weekly summary is built too


def build(org_steps: int, org_users: int) -> Organization:
    rng = random.Random(2569)
    org = Organization(name="องค์การบริหารส่วนตำบลทดสอบความเร็ว", slug="benchmark")
    db.session.add(org)
    db.session.flush()
    divisions = [Division(organization_id=org.id, name=f"กอง {n}", position=n) for n in range(12)]
    db.session.add_all(divisions)
    db.session.flush()
    for n in range(org_users):
        role = Role.EXECUTIVE if n < 3 else Role.DIVISION_HEAD if n < 15 else Role.STAFF
        user = User(organization_id=org.id, email=f"user{n}@benchmark.example", display_name=f"ผู้ใช้ {n}",
                    role=role, password_hash="x")
        if role != Role.EXECUTIVE:
            chosen = rng.sample(divisions, 2 if n % 5 == 0 else 1)
            user.memberships = [Membership(division_id=d.id, is_head=role == Role.DIVISION_HEAD) for d in chosen]
        db.session.add(user)
    per_measure = max(1, org_steps // 10)
    for indicator in range(1, 11):
        measure = Measure(organization_id=org.id, fiscal_year=2569, indicator_number=indicator,
                          title=f"มาตรการตัวชี้วัดที่ {indicator}", start_date=date(2025, 10, 1),
                          end_date=date(2026, 9, 30), position=indicator)
        for position in range(1, per_measure + 1):
            measure.steps.append(Step(organization_id=org.id, position=position, text=f"ขั้นตอน {position}",
                                      due_date=RUN_DATE + timedelta(days=rng.randint(-60, 60)),
                                      divisions=rng.sample(divisions, rng.choice((1, 1, 2)))))
        db.session.add(measure)
    db.session.commit()
    return org


def timed(label: str, action):
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    sa.event.remove(db.engine, "before_cursor_execute", listener)
    print(f"{label:<28} {elapsed * 1000:8.0f} ms  {len(statements):5d} SQL statements")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from tracker.reminders.delivery import deliver_pending
    from tracker.reminders.outbox import plan_messages, run_reminders

    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/benchmark.sqlite3"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=scratch,
                         MAIL_SERVER="", MAIL_OUTBOX_DIR=f"{scratch}/outbox")
        with app.app_context():
            db.create_all()
            try:
                org = build(args.steps, args.users)
                print(f"{args.steps} steps, {args.users} people, run date {RUN_DATE}")
                day = timed("plan (dry run)", lambda: plan_messages(org, RUN_DATE))
                db.session.rollback()
                run = timed("decide into the outbox", lambda: run_reminders(org, RUN_DATE, trigger="cli"))
                db.session.commit()
                report = timed("deliver as .eml files", deliver_pending)
                print(f"{len(day.messages)} e-mails planned, {run.messages_created} created, {report.sent} delivered")
            finally:
                db.session.remove()
                db.drop_all()


if __name__ == "__main__":
    main()
