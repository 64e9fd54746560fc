"""How long the progress report takes for a large organization (200 measures).

Run with `.venv/bin/python benchmarks/report_speed.py [--measures 200] [--runs 5] [--pdf [--pdf-runs 3]]`.
It builds the organization in a temporary SQLite database, then times reading
the data (`build_report`) and writing Word and Excel (and PDF with --pdf).
The target is well under a second for each of Word and Excel, and under
10 s for the PDF of 200 measures (issue 14). The PDF line also gives the
CPU time of a run, which a busy machine changes less than the wall time.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import (  # noqa: E402
    Assessment, Division, Evidence, IndicatorScore, Measure, Organization, ProgressUpdate, Role, Step, StepStatus, Tool, User,
)
from tracker.reports.docx_writer import render_docx  # noqa: E402
from tracker.reports.services import build_report  # noqa: E402
from tracker.reports.wording import Numbers  # noqa: E402
from tracker.reports.xlsx_writer import render_xlsx  # noqa: E402

AS_OF = date(2026, 3, 31)
DIVISIONS = ("สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา ศาสนาและวัฒนธรรม", "หน่วยงานตรวจสอบภายใน")
STEP_TEXT = (
    "จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการที่กำหนดผู้รับผิดชอบและระยะเวลาให้ชัดเจน "
    "และเผยแพร่ประชาสัมพันธ์ให้ประชาชนรับทราบทางเว็บไซต์หลักของหน่วยงาน ขั้นตอนที่ {n}"
)


def build_organization(measures: int) -> Organization:
    org = Organization(name="องค์การบริหารส่วนตำบลทดสอบความเร็ว", slug="speed")
    db.session.add(org)
    db.session.flush()
    divisions = [Division(organization_id=org.id, name=name, position=i) for i, name in enumerate(DIVISIONS)]
    author = User(organization_id=org.id, email="speed@example.org", display_name="ผู้ทดสอบ", role=Role.STAFF, password_hash="x")
    db.session.add_all([*divisions, author])
    for year in (2567, 2568):
        assessment = Assessment(organization_id=org.id, fiscal_year=year, overall_score=90, level="ผ่านดี",
                                iit_score=90, eit1_score=90, eit2_score=90, oit_score=88)
        assessment.indicators = [
            IndicatorScore(number=n, name=f"ตัวชี้วัด {n}", tool=Tool.IIT, score=80 + n + year % 2, analysis="ผลการวิเคราะห์")
            for n in range(1, 11)
        ]
        db.session.add(assessment)
    db.session.flush()
    for m in range(measures):
        measure = Measure(organization_id=org.id, fiscal_year=2569, indicator_number=m % 10 + 1, position=m,
                          title=f"มาตรการส่งเสริมคุณธรรมและความโปร่งใส ที่ {m + 1}", start_date=date(2025, 10, 1),
                          end_date=date(2026, 9, 30))
        for n in range(1, 5):
            measure.steps.append(Step(organization_id=org.id, position=n, text=STEP_TEXT.format(n=n),
                                      due_date=date(2025, 12, 1) + timedelta(days=60 * n),
                                      divisions=[divisions[(m + n) % len(divisions)]]))
        db.session.add(measure)
    db.session.flush()
    created = datetime(2026, 1, 5, 3, tzinfo=timezone.utc)
    for step in db.session.query(Step).all():
        for k, percent in enumerate((40, 100)):
            update = ProgressUpdate(step_id=step.id, author_id=author.id, percent=percent,
                                    status=StepStatus.DONE if percent == 100 else StepStatus.IN_PROGRESS,
                                    note="ดำเนินการตามแผนแล้ว จัดประชุมชี้แจงบุคลากร และเผยแพร่ทางเว็บไซต์",
                                    work_date=date(2026, 1, 5), step_version=k + 2,
                                    created_at=created + timedelta(days=40 * k + step.id % 30))
            db.session.add(update)
            db.session.flush()
            db.session.add(Evidence(organization_id=org.id, update_id=update.id, original_name="หลักฐาน.pdf",
                                    stored_name=f"s{update.id}", size=1000, sha256="0" * 64,
                                    content_type="application/pdf", created_at=update.created_at))
    db.session.commit()
    return org


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="time the PDF too (slow for 200 measures)")
    parser.add_argument("--pdf-runs", type=int, default=1, help="PDF runs to take the median of (default 1)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite3", INSTANCE_PATH=folder)
        with app.app_context():
            flask_migrate.upgrade()
            org = build_organization(options.measures)
            steps = db.session.query(Step).count()
            print(f"{options.measures} measures, {steps} steps, {steps * 2} updates; median of {options.runs} runs")
            read, report = timed(lambda: (db.session.expire_all(), build_report(org, 2569, AS_OF))[1], options.runs)
            word, content = timed(lambda: render_docx(report, Numbers()), options.runs)
            print(f"  read the data (build_report)  {read:6.3f} s")
            print(f"  Word  (.docx, {len(content) // 1024:>4} KB)        {word:6.3f} s   total {read + word:6.3f} s")
            excel, content = timed(lambda: render_xlsx(report, Numbers()), options.runs)
            print(f"  Excel (.xlsx, {len(content) // 1024:>4} KB)        {excel:6.3f} s   total {read + excel:6.3f} s")
            thai, _ = timed(lambda: render_docx(report, Numbers(thai_digits=True)), options.runs)
            print(f"  Word in Thai digits            {thai:6.3f} s")
            if options.pdf:
                from tracker.reports.pdf_writer import render_pdf

                cpu = time.process_time()
                pdf, content = timed(lambda: render_pdf(report, Numbers()), options.pdf_runs)
                cpu = (time.process_time() - cpu) / options.pdf_runs
                print(f"  PDF   ({len(content) // 1024:>4} KB)               {pdf:6.3f} s   (CPU {cpu:.3f} s a run)")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
