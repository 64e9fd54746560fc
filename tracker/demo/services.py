"""Build the demo organization and its progress (idempotent: running it again changes nothing)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..auth.models import Role, User
from ..auth.services import create_user
from ..extensions import db
from ..orgs.models import Division, Organization, OrgKind
from ..orgs.services import create_division, create_organization
from ..timeutil import utcnow

DEMO_SLUG = "muangphia"
DEMO_NAME = "องค์การบริหารส่วนตำบลเมืองเพีย"
DEMO_DIVISIONS = (
    ("สำนักปลัด", "สป."),
    ("กองคลัง", "กค."),
    ("กองช่าง", "กช."),
    ("หน่วยงานตรวจสอบภายใน", "ตสน."),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    division: str | None  # head of this division, if any
    title: str  # what the account stands for, for the printed sign-in lines


DEMO_ACCOUNTS = (
    DemoAccount("admin@muangphia.example", "ผู้ดูแลระบบ", Role.ADMIN, None, "admin"),
    DemoAccount("deputy@muangphia.example", "รองปลัด อบต.", Role.EXECUTIVE, None, "executive (deputy clerk)"),
    DemoAccount("head.palad@muangphia.example", "หัวหน้าสำนักปลัด", Role.DIVISION_HEAD, "สำนักปลัด", "division head, สำนักปลัด"),
    DemoAccount("head.finance@muangphia.example", "ผู้อำนวยการกองคลัง", Role.DIVISION_HEAD, "กองคลัง", "division head, กองคลัง"),
    DemoAccount("auditor@muangphia.example", "นักวิชาการตรวจสอบภายใน", Role.DIVISION_HEAD, "หน่วยงานตรวจสอบภายใน", "division head, internal audit"),
    DemoAccount("staff.palad@muangphia.example", "เจ้าหน้าที่สำนักปลัด", Role.STAFF, "สำนักปลัด", "staff, สำนักปลัด"),
)


def demo_password(instance_path: str) -> str:
    """The demo accounts' password: generated on first use, then kept in instance/."""
    path = Path(instance_path) / "demo-password.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(9)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


def ensure_demo_organization(password: str) -> tuple[Organization, bool]:
    """Create the demo organization with its divisions and accounts unless it exists.

    Returns the organization and whether it was created now.
    """
    org = db.session.scalars(sa.select(Organization).where(Organization.slug == DEMO_SLUG)).first()
    if org is not None:
        return org, False
    org = create_organization(DEMO_NAME, kind=OrgKind.SAO, slug=DEMO_SLUG)
    divisions: dict[str, Division] = {}
    for name, short in DEMO_DIVISIONS:
        divisions[name] = create_division(org, name, short_name=short)
    for account in DEMO_ACCOUNTS:
        division = divisions.get(account.division) if account.division else None
        create_user(
            org,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            password=password,
            divisions=[division] if division and account.role == Role.STAFF else [],
            head_of=[division] if division and account.role != Role.STAFF else [],
        )
    return org, True


def demo_users(org: Organization) -> list[User]:
    emails = [a.email for a in DEMO_ACCOUNTS]
    users = db.session.scalars(sa.select(User).where(User.organization_id == org.id, User.email.in_(emails))).all()
    return sorted(users, key=lambda u: emails.index(u.email))


# --- progress on the demo steps -------------------------------------------------
# Notes a division head would write, chosen by what the step is about.
DEMO_NOTES = (
    ("ประชุม", "จัดประชุมชี้แจงบุคลากรในสังกัดแล้ว มีผู้เข้าร่วม 32 คน แนบรายงานการประชุมและภาพถ่าย",
     "ออกหนังสือเชิญประชุมแล้ว กำหนดประชุมชี้แจงภายในเดือนนี้"),
    ("เผยแพร่", "เผยแพร่ทางเว็บไซต์หลักของ อบต. เพจ Facebook และบอร์ดประชาสัมพันธ์หน้าสำนักงานแล้ว",
     "อยู่ระหว่างจัดทำอินโฟกราฟิกและแผ่นพับ เพื่อเผยแพร่ทางเว็บไซต์และบอร์ดประชาสัมพันธ์"),
    ("คู่มือ", "จัดทำคู่มือแล้วเสร็จ ปลัด อบต. ลงนามอนุมัติแล้ว แจ้งเวียนทุกกองถือปฏิบัติ",
     "รวบรวมขั้นตอนและระยะเวลาการให้บริการจากทุกกองแล้ว อยู่ระหว่างจัดทำร่างคู่มือ"),
    ("แผน", "จัดทำแผนแล้วเสร็จ นายก อบต. ลงนามประกาศใช้แล้ว",
     "อยู่ระหว่างรวบรวมโครงการจากทุกกองเพื่อจัดทำร่างแผน"),
    ("มาตรการ", "จัดทำมาตรการแล้วเสร็จ นายก อบต. ลงนามประกาศแล้ว แจ้งบุคลากรทุกคนทราบ",
     "ยกร่างมาตรการแล้ว อยู่ระหว่างเสนอปลัด อบต. พิจารณา"),
)
DEFAULT_NOTES = ("ดำเนินการแล้วเสร็จตามแผน รายงานผู้บริหารทราบแล้ว", "อยู่ระหว่างดำเนินการตามแผน")
FIRST_STEP_NOTE = "ประชุมมอบหมายผู้รับผิดชอบภายในกองแล้ว เริ่มดำเนินการ"
BLOCKED_REASON = "รอการอนุมัติโอนงบประมาณจากสภา อบต. เพื่อจัดพิมพ์เอกสาร"


def _notes_for(text: str) -> tuple[str, str]:
    return next(((done, doing) for key, done, doing in DEMO_NOTES if key in text), DEFAULT_NOTES)


def add_demo_progress(org: Organization, today: date) -> int:
    """Record a few realistic progress updates on the demo organization's steps,
    as their division heads: most past steps done, some late, a blocked one,
    the near ones in progress, the later ones not started yet.

    Does nothing when the organization has no steps, or has progress already
    (so that running `demo setup` again changes nothing). Returns the number
    of updates recorded.
    """
    from ..measures.models import ProgressUpdate, Step
    from ..measures.services import record_progress

    steps = db.session.scalars(
        sa.select(Step).where(Step.organization_id == org.id).order_by(Step.due_date, Step.measure_id, Step.position)
    ).all()
    if not steps:
        return 0
    if db.session.scalar(
        sa.select(ProgressUpdate.id).join(Step).where(Step.organization_id == org.id).limit(1)
    ) is not None:
        return 0
    heads = {
        membership.division_id: user
        for user in demo_users(org)
        for membership in user.memberships
        if membership.is_head and user.active
    }
    recorded = 0

    def update(step: Step, author: User, percent: int, status: str, note: str, work_date: date,
               reason: str | None = None) -> None:
        nonlocal recorded
        earliest = step.measure.start_date - timedelta(days=30)
        work_date = max(min(work_date, today), earliest)
        # Recorded in the morning of the day the work was done, so that the
        # history (and a report "as of" a past date) reads like a real year.
        recorded_at = min(
            datetime.combine(work_date, time(10, 0), tzinfo=ZoneInfo(org.timezone)), utcnow()
        )
        record_progress(author, step, percent=percent, status=status, note=note,
                        work_date=work_date, base_version=step.version,
                        today=today, blocked_reason=reason, now=recorded_at)
        recorded += 1

    past = soon = later = 0
    for step in steps:
        author = next((heads[d.id] for d in step.divisions if d.id in heads), None)
        if author is None:
            continue  # no demo account heads this step's divisions
        done_note, doing_note = _notes_for(step.text)
        if step.due_date < today:
            kind = past % 5
            past += 1
            if kind in (0, 1, 2):
                update(step, author, 50, "in_progress", FIRST_STEP_NOTE, step.due_date - timedelta(days=30))
                update(step, author, 100, "done", done_note, step.due_date - timedelta(days=3 + kind))
            elif kind == 3:
                update(step, author, 60, "in_progress", doing_note, today - timedelta(days=12))
            # kind 4: late and nobody has reported yet
        elif (step.due_date - today).days <= 45:
            soon += 1
            if soon % 3 == 0:
                update(step, author, 40, "blocked", doing_note, today - timedelta(days=5), BLOCKED_REASON)
            else:
                update(step, author, 30 + 10 * (soon % 3), "in_progress", doing_note, today - timedelta(days=4))
        else:
            later += 1
            if later % 2:
                update(step, author, 20, "in_progress", FIRST_STEP_NOTE, today - timedelta(days=9))
    return recorded


def publish_demo_page(org: Organization) -> None:
    """Switch the demo's public progress page on, as its administrator would,
    so that `make run` shows it too (a real organization starts with it off)."""
    from ..reports.publishing import set_public_page

    admin = next(u for u in demo_users(org) if u.role == Role.ADMIN)
    set_public_page(admin, org, True)
