"""Build the demo organization (idempotent: running it again changes nothing)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..auth.models import Role, User
from ..auth.services import create_user
from ..extensions import db
from ..orgs.models import Division, Organization, OrgKind
from ..orgs.services import create_division, create_organization

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
