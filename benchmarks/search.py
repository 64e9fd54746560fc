"""Time the search page (and the search query alone) for an organization with N measures.

    .venv/bin/python benchmarks/search.py --measures 50 500
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/search.py

Target: under 200 ms at 50 measures. Each measure has three steps with Thai
text, two progress notes, an evidence file name and, for every fifth, an
instruction with an answer. Queries are Thai fragments from the middle of
words, a fragment found nowhere, and one found in every row. Uses a
throw-away SQLite database unless BENCH_DATABASE_URL is set (on PostgreSQL
the schema is dropped and rebuilt there: use a database of its own).
"""
from __future__ import annotations

import argparse
import os
import secrets
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

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import (  # noqa: E402
    Division, Evidence, Instruction, InstructionReply, Measure, Organization, ProgressUpdate, Role, Step,
    StepStatus, User,
)
from tracker.search.services import search  # noqa: E402
from tracker.timeutil import utcnow  # noqa: E402

TODAY = date(2026, 3, 16)
PASSWORD = "benchmark-password"
WORDS = ("ประชาสัมพันธ์", "ช่องทางการร้องเรียน", "จัดซื้อจัดจ้าง", "เปิดเผยข้อมูล", "คู่มือการปฏิบัติงาน",
         "ตรวจสอบภายใน", "งบประมาณรายจ่าย", "ผลประโยชน์ทับซ้อน", "การรับสินบน", "แผนปฏิบัติการ")
QUERIES = ("สัมพัน", "ร้องเรีย", "ทับซ้อ", "ไม่มีคำนี้เลย", "ขั้นตอน")


def build(measures: int) -> str:
    org = Organization(name=f"อบต.ทดสอบการค้นหา {measures}", slug=f"search-{measures}")
    db.session.add(org)
    db.session.flush()
    division = Division(organization_id=org.id, name="สำนักปลัด", position=1)
    db.session.add(division)
    user = User(organization_id=org.id, email=f"exec{measures}@bench.test", display_name="ผู้บริหาร", role=Role.EXECUTIVE)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    for n in range(measures):
        word = WORDS[n % len(WORDS)]
        measure = Measure(organization_id=org.id, fiscal_year=2569, indicator_number=n % 10 + 1,
                          title=f"มาตรการ{word}ประจำปี {n}", start_date=date(2025, 10, 1), end_date=date(2026, 9, 30),
                          position=n)
        for position in range(1, 4):
            measure.steps.append(Step(organization_id=org.id, position=position, divisions=[division],
                                      text=f"ขั้นตอนดำเนินการ{WORDS[(n + position) % len(WORDS)]}ครั้งที่ {position}",
                                      due_date=TODAY + timedelta(days=position * 30)))
        db.session.add(measure)
        db.session.flush()
        for step in measure.steps:
            for version in (2, 3):
                update = ProgressUpdate(step_id=step.id, author_id=user.id, percent=version * 20,
                                        status=StepStatus.IN_PROGRESS, note=f"ดำเนินการ{word}แล้วบางส่วน {version}",
                                        work_date=TODAY, step_version=version, created_at=utcnow())
                db.session.add(update)
                db.session.flush()
            db.session.add(Evidence(organization_id=org.id, update_id=update.id, original_name=f"หลักฐาน{word}.pdf",
                                    stored_name=secrets.token_hex(16) + ".pdf", size=1000, sha256="0" * 64,
                                    content_type="application/pdf"))
        if n % 5 == 0:
            instruction = Instruction(organization_id=org.id, measure_id=measure.id, step_id=measure.steps[0].id,
                                      author_id=user.id, body=f"ให้เร่งรัด{word}", created_at=utcnow())
            db.session.add(instruction)
            db.session.flush()
            db.session.add(InstructionReply(instruction_id=instruction.id, author_id=user.id, body="รับทราบ",
                                            created_at=utcnow()))
    db.session.commit()
    return user.email


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ita-bench-search-"))
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(workdir), FIXED_TODAY=TODAY)
    with app.app_context():
        import flask_migrate

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
        dialect = db.engine.dialect.name
    print(f"database: {dialect}")
    for count in args.measures:
        with app.app_context():
            email = build(count)
            org_id = db.session.scalar(sa.select(User.organization_id).where(User.email == email))
            if dialect == "postgresql":
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        for query in QUERIES:  # warm up: templates compiled, caches filled
            client.get("/search", query_string={"q": query})
        for query in QUERIES:
            page_times, query_times = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                response = client.get("/search", query_string={"q": query})
                page_times.append(time.perf_counter() - start)
                assert response.status_code == 200
                with app.app_context():
                    start = time.perf_counter()
                    results = search(org_id, query)
                    query_times.append(time.perf_counter() - start)
            print(f"{count:>5} measures  q={query:<14} {results.total:5d} hits  "
                  f"page {statistics.median(page_times) * 1000:7.1f} ms  search {statistics.median(query_times) * 1000:6.1f} ms")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
