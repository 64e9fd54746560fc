"""Fixtures of the reports tests: evidence files, a pinned today, an organization with history."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.measures.evidence import evidence_directory

from tracker.extensions import db
from tracker.models import Evidence, Measure, Organization, ProgressUpdate, Role, Step, User

# Inside FY 2569, a little after the six-month round of 31 March 2569.
REPORT_TODAY = date(2026, 4, 10)


def bangkok(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment given in Bangkok time, as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Bangkok")).astimezone(timezone.utc)


@pytest.fixture
def fixed_today(app, monkeypatch):
    monkeypatch.setitem(app.config, "FIXED_TODAY", REPORT_TODAY)
    return REPORT_TODAY


@pytest.fixture
def make_evidence(app, ctx):
    """make_evidence(update, name, public=False): a stored file attached to a progress update."""
    written: list[Path] = []

    def make(
        update: ProgressUpdate,
        name: str = "หลักฐาน.pdf",
        *,
        public: bool = False,
        content: bytes = b"%PDF-1.4 evidence",
        content_type: str = "application/pdf",
    ) -> Evidence:
        folder = evidence_directory(app.instance_path)
        folder.mkdir(exist_ok=True)
        stored = secrets.token_hex(16) + (Path(name).suffix.lower() or ".pdf")
        (folder / stored).write_bytes(content)
        written.append(folder / stored)
        step = db.session.get(Step, update.step_id)
        evidence = Evidence(
            organization_id=step.organization_id,
            update_id=update.id,
            original_name=name,
            stored_name=stored,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content_type=content_type,
            is_public=public,
            created_at=update.created_at,
        )
        db.session.add(evidence)
        db.session.commit()
        return evidence

    yield make
    for path in written:
        path.unlink(missing_ok=True)


@dataclass
class ReportOrg:
    org: Organization
    author: User
    admin: User
    staff: User
    m1: Measure
    m9: Measure
    private_file: Evidence
    public_file: Evidence


STEP_TEXTS = (
    "จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการที่กำหนดผู้รับผิดชอบและระยะเวลาให้ชัดเจน",
    "เผยแพร่ประชาสัมพันธ์ให้ประชาชนรับทราบ ทางเว็บไซต์หลักของหน่วยงาน",
    "จัดทำแผนการดำเนินงานและแผนการใช้จ่ายงบประมาณประจำปี",
    "ทำการเผยแพร่ประชาสัมพันธ์แผนการดำเนินงาน ผ่านช่องทางที่หลากหลาย เช่น เว็บไซต์ อินโฟกราฟิกส์ และแผ่นพับ",
)


@pytest.fixture
def report_org(
    make_org, make_division, make_user, make_measure, make_assessment, make_progress, make_evidence
) -> ReportOrg:
    """FY 2569 measures of indicators 1 and 9 with progress recorded on known days:

    - m1 step 1: 50% on 20 Jan, done at 23:30 on 31 Mar (Bangkok), with a file each time;
    - m1 step 2: 40% at 00:30 on 1 Apr (Bangkok), still 31 Mar in UTC;
    - m9 step 1: blocked on 15 Feb with a problem; m9 step 2: never updated.
    """
    org = make_org(name="องค์การบริหารส่วนตำบลเมืองเพีย", slug="muangphia")
    palad = make_division(org, "สำนักปลัด", "สป.")
    finance = make_division(org, "กองคลัง", "กค.")
    author = make_user(org, Role.STAFF, divisions=[palad], display_name="นายสมชาย ใจดี", email="somchai@muangphia.example")
    admin = make_user(org, Role.ADMIN, display_name="นางสาวผู้ดูแล ระบบงาน", email="admin@muangphia.example")
    staff = make_user(org, Role.STAFF, divisions=[finance], display_name="นางมาลี มีสุข", email="malee@muangphia.example")
    make_assessment(org, 2567, scores={n: 88.0 for n in range(1, 11)} | {9: 75.0}, overall_score=88.0)
    assessment = make_assessment(org, 2568, scores={n: 94.9 for n in range(1, 11)} | {9: 80.0, 2: 84.5}, overall_score=93.88)
    m1 = make_measure(
        org, indicator=1, assessment=assessment, divisions=[palad],
        title="จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการ และเผยแพร่ประชาสัมพันธ์ให้ประชาชนรับทราบ",
        steps=[{"text": STEP_TEXTS[0], "due": date(2026, 1, 31)}, {"text": STEP_TEXTS[1], "due": date(2026, 6, 30)}],
    )
    m9 = make_measure(
        org, indicator=9, assessment=assessment, divisions=[palad, finance],
        title="การพัฒนาวิธีการเผยแพร่และประชาสัมพันธ์แผนการดำเนินงานและแผนการใช้จ่ายงบประมาณประจำปี",
        steps=[
            {"text": STEP_TEXTS[2], "due": date(2026, 2, 28), "divisions": [finance]},
            {"text": STEP_TEXTS[3], "due": date(2026, 9, 30), "status": "done"},
        ],
    )
    first = make_progress(m1.steps[0], author, 50, note="ร่างคู่มือแล้ว ส่งให้นายสมชาย ใจดี ตรวจ (somchai@muangphia.example)",
                          created_at=bangkok(2026, 1, 20, 10))
    done = make_progress(m1.steps[0], author, 100, note="จัดทำคู่มือแล้วเสร็จ เผยแพร่ที่ https://muangphia.example/doc/2569",
                         created_at=bangkok(2026, 3, 31, 23, 30))
    later = make_progress(m1.steps[1], author, 40, note="ติดประกาศแล้ว 2 จุด", created_at=bangkok(2026, 4, 1, 0, 30))
    make_progress(m9.steps[0], staff, 30, "blocked", note="รวบรวมข้อมูลแผนแล้วบางส่วน",
                  blocked_reason="งบประมาณไม่เพียงพอ", created_at=bangkok(2026, 2, 15, 9))
    private_file = make_evidence(first, "ร่างคู่มือ-ภายใน.pdf")
    public_file = make_evidence(done, "คู่มือการปฏิบัติงาน.pdf", public=True)
    make_evidence(later, "ภาพป้ายประกาศ.jpg", content_type="image/jpeg")
    return ReportOrg(org, author, admin, staff, m1, m9, private_file, public_file)
